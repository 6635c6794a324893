/**
 * Binlog positions as values: printable, and the file's sequence number (`binlog.000012` → 12).
 */
import type { SourceInfo } from './types.ts';

/** A place in the binlog: file name, then byte offset in it (no GTID). */
export interface BinlogPoint {
  readonly file: string;
  readonly position: number;
}

function fileNumber(file: string): number {
  const dot = file.lastIndexOf('.');
  const n = Number(file.slice(dot + 1));
  return Number.isFinite(n) ? n : 0;
}

/** `binlog.000003:1234` plus the GTID when there is one: what error messages and logs show. */
export function formatPosition(p: { file: string; position: number; gtid?: string | null; gtidSet?: string | null }): string {
  const gtid = p.gtid ?? p.gtidSet;
  return `${p.file}:${p.position}${gtid ? ` (gtid ${gtid})` : ''}`;
}

/** A row's place: its transaction's start plus its index in the transaction. */
export function formatRecordPosition(source: SourceInfo, seq: number): string {
  return `${formatPosition(source)} row ${seq}`;
}

/** The file's sequence number, as DTS Avro's `offset@fileNumber` needs it. */
export { fileNumber };

/** Orders two binlog positions: negative when `a` comes first. File names order by their number. */
export function comparePositions(a: BinlogPoint, b: BinlogPoint): number {
  return fileNumber(a.file) - fileNumber(b.file) || a.position - b.position;
}
