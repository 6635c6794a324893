/**
 * Seeded random batches for codec round trips: every op (row changes, INIT, DDL), every kind of
 * column value the sources produce (and the edges of each: -0, NaN, int32 limits, u64 text, empty
 * and long strings, lone surrogates, empty and large bytes), schemas and sources shared the way
 * the reader shares them, optional fields absent, undefined or set, full-sync cursors in the
 * resume position, and empty batches (checkpoints). Same seed, same batches.
 */
import type { Batch, ChangeRecord, Column, DdlKind, ResumePosition, SnapshotCursor, SourceInfo, TableSchema, Value } from '../../../../shared/record/index.ts';

export type Random = () => number;

/** mulberry32: small, fast, good enough to spread test cases. */
export function seeded(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(rnd: Random, items: readonly T[]): T => items[Math.floor(rnd() * items.length)]!;
const int = (rnd: Random, lo: number, hi: number): number => lo + Math.floor(rnd() * (hi - lo + 1));

function text(rnd: Random, max: number): string {
  const alphabet = ['a', 'Z', '0', ' ', '-', "'", '"', '\\', '\n', '\u0000', 'ü', 'é', '€', '名', '😀', '\u00ff', '\u0080'];
  let s = '';
  const n = int(rnd, 0, max);
  for (let i = 0; i < n; i++) s += pick(rnd, alphabet);
  return s;
}

function bytes(rnd: Random, n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = int(rnd, 0, 255);
  return b;
}

/** One column value of any kind a source produces. */
export function randomValue(rnd: Random): Value {
  switch (int(rnd, 0, 19)) {
    case 0:
      return null;
    case 1:
      return int(rnd, -128, 127);
    case 2:
      return pick(rnd, [0, -0, 2 ** 31 - 1, -(2 ** 31), 2 ** 31, 2 ** 53 - 1, -(2 ** 53) + 1, 4294967295]);
    case 3:
      return (rnd() - 0.5) * 10 ** int(rnd, -10, 300);
    case 4:
      return pick(rnd, [NaN, Infinity, -Infinity, Math.fround(rnd()), Number.MIN_VALUE]);
    case 5:
      return pick(rnd, ['18446744073709551615', '-9223372036854775808', '9007199254740993']);
    case 6:
      return `${int(rnd, -99999, 99999)}.${String(int(rnd, 0, 99)).padStart(2, '0')}`;
    case 7:
      return `2026-${String(int(rnd, 1, 12)).padStart(2, '0')}-02 03:04:05.${String(int(rnd, 0, 999999)).padStart(6, '0')}`;
    case 8:
      return pick(rnd, ['0000-00-00 00:00:00', '-838:59:59.000000', '', '{"a": [1, 2.5, "x"]}']);
    case 9:
    case 10:
    case 11:
      return text(rnd, 30);
    case 12:
      return text(rnd, 300);
    case 13:
      return pick(rnd, ['\ud800', 'a\udc00b', `${'x'.repeat(int(rnd, 0, 60))}\udfff`]);
    case 14:
      return 'x'.repeat(int(rnd, 40, 60)) + pick(rnd, ['', 'ü']);
    case 15:
    case 16:
      return bytes(rnd, int(rnd, 0, 40));
    case 17:
      return bytes(rnd, pick(rnd, [0, 1, 32, 33, 2000]));
    case 18:
      return int(rnd, 1901, 2155);
    default:
      return rnd() < 0.1 ? 'y'.repeat(70_000) : int(rnd, 0, 1_000_000);
  }
}

function randomSchema(rnd: Random, n: number): TableSchema {
  const columns: Column[] = [];
  const width = int(rnd, 1, 20);
  for (let i = 0; i < width; i++) {
    const base = {
      name: `c${i}_${text(rnd, 4)}`,
      type: pick(rnd, ['int(11)', 'varchar(20)', 'blob', 'decimal(65,30)', "enum('a','ç')"]),
      typeCode: int(rnd, 0, 255),
      unsigned: rnd() < 0.3,
      charset: pick(rnd, [null, 'utf8mb4', 'latin1']),
    };
    const collation = int(rnd, 0, 2);
    // collation is optional: absent, null or a name, as the catalog gave it
    const column: Column =
      collation === 0 ? { ...base, nullable: rnd() < 0.5, key: i === 0 } : { ...base, collation: collation === 1 ? null : 'utf8mb4_general_ci', nullable: rnd() < 0.5, key: i === 0 };
    columns.push(column);
  }
  return { database: `db${n}`, table: `t${n}_${text(rnd, 3)}`, columns, pkNames: [columns[0]!.name] };
}

function randomSource(rnd: Random, position: number): SourceInfo {
  const base = {
    serverId: int(rnd, 1, 2 ** 32 - 1),
    file: `binlog.${String(int(rnd, 1, 999999)).padStart(6, '0')}`,
    position,
    gtid: rnd() < 0.3 ? null : `0-1-${int(rnd, 1, 1e9)}`,
    timestampMs: 1_767_322_000_000 + int(rnd, 0, 1e9),
    txId: rnd() < 0.3 ? null : String(int(rnd, 1, 1e12)),
  };
  const version = int(rnd, 0, 2);
  // serverVersion: absent, present but undefined (the assembler spreads an unset option), or set
  if (version === 0) return base;
  return { serverId: base.serverId, serverVersion: version === 1 ? undefined : '11.4.2-MariaDB-log', file: base.file, position, gtid: base.gtid, timestampMs: base.timestampMs, txId: base.txId };
}

function randomCursor(rnd: Random): SnapshotCursor {
  const key = (): Value[] => [randomValue(rnd), randomValue(rnd)];
  return {
    runId: `run-${int(rnd, 1, 1e6)}`,
    tables: ['db0.t0', 'db1.t1'],
    ...(rnd() < 0.5 ? { listPending: false } : {}),
    finished: { 'db0.t0': int(rnd, 0, 1e6) },
    current:
      rnd() < 0.3
        ? null
        : {
            database: 'db1',
            table: 't1',
            key: ['id', 'k'],
            ranges: [
              { after: null, upTo: key(), done: true },
              { after: key(), upTo: null, done: false },
            ],
            rows: int(rnd, 0, 1e6),
            estimatedRows: int(rnd, 0, 1e7),
          },
    completedAtMs: rnd() < 0.5 ? null : 1_767_322_000_000,
  };
}

const DDL_KINDS: readonly DdlKind[] = ['CREATE_TABLE', 'ALTER_TABLE', 'DROP_TABLE', 'RENAME_TABLE', 'TRUNCATE_TABLE', 'OTHER'];

/** A batch of up to `maxRecords` records (0 gives an empty checkpoint batch now and then). */
export function randomBatch(rnd: Random, firstId: number, maxRecords: number): Batch {
  const schemas = [randomSchema(rnd, 0), randomSchema(rnd, 1), randomSchema(rnd, 2)];
  const records: ChangeRecord[] = [];
  const count = rnd() < 0.1 ? 0 : int(rnd, 1, maxRecords);
  let id = firstId;
  while (records.length < count) {
    const source = randomSource(rnd, int(rnd, 4, 2 ** 40));
    const txRecords = int(rnd, 1, 6);
    for (let seq = 0; seq < txRecords && records.length < count; seq++) {
      const op = pick(rnd, ['INSERT', 'UPDATE', 'DELETE', 'INIT', 'DDL'] as const);
      if (op === 'DDL') {
        records.push({ id: id++, seq, op, kind: pick(rnd, DDL_KINDS), database: `db${int(rnd, 0, 2)}`, table: rnd() < 0.2 ? '' : text(rnd, 10), sql: `ALTER TABLE x ADD c ${text(rnd, 200)}`, source });
        continue;
      }
      const schema = pick(rnd, schemas);
      const row = (): Value[] => schema.columns.map(() => randomValue(rnd));
      records.push({ id: id++, seq, op, schema, before: op === 'UPDATE' || op === 'DELETE' ? row() : null, after: op === 'DELETE' ? null : row(), source });
    }
  }
  const base: ResumePosition = { file: 'binlog.000002', position: int(rnd, 4, 2 ** 40), gtidSet: rnd() < 0.5 ? null : '0-1-100,1-2-3', nextRecordId: id };
  const resume: ResumePosition = rnd() < 0.4 ? { ...base, snapshot: randomCursor(rnd) } : base;
  const endsTransaction = rnd() < 0.8;
  return rnd() < 0.3 ? { records, resume, endsTransaction, lastRecordId: id - 1 } : { records, resume, endsTransaction, lastRecordId: id - 1, sourceTimeMs: 1_767_322_000_000 + int(rnd, 0, 1e9) };
}
