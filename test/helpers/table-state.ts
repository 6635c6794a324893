/**
 * A table's contents as `key → row text`, from the source (SELECT) or from Canal JSON messages
 * replayed in order (INSERT/UPDATE set the key's image, DELETE removes it), and a checksum over
 * it: "the destination equals the source" as one comparison.
 */
import { createHash } from 'node:crypto';
import type mysql from 'mysql2/promise';
import { consumeMessages, type ConsumedMessage } from './stack.ts';

export type TableState = Map<string, string>;

export interface TableShape {
  readonly table: string;
  readonly key: readonly string[];
  readonly columns: readonly string[];
}

const NULL = '\\N';

/** Applies messages to `state` (a fresh map by default) and returns it. */
export function replayCanal(messages: readonly ConsumedMessage[], shape: TableShape, state: TableState = new Map()): TableState {
  for (const m of messages) {
    const j = m.json as { table: string; type: string; isDdl: boolean; data: Record<string, string | null>[] | null };
    if (j.isDdl || j.table !== shape.table || !j.data) continue;
    for (const row of j.data) {
      const k = shape.key.map((c) => row[c]).join('|');
      if (j.type === 'DELETE') state.delete(k);
      else state.set(k, shape.columns.map((c) => row[c] ?? NULL).join('|'));
    }
  }
  return state;
}

export async function sourceTableState(conn: mysql.Connection, database: string, shape: TableShape, where = '1'): Promise<TableState> {
  const text = (cols: readonly string[]) => cols.map((c) => `IFNULL(CAST(\`${c}\` AS CHAR), '${NULL.replace('\\', '\\\\')}')`).join(", '|', ");
  const [rows] = await conn.query(`SELECT CONCAT(${text(shape.key)}) AS k, CONCAT(${text(shape.columns)}) AS v FROM \`${database}\`.\`${shape.table}\` WHERE ${where}`);
  return new Map((rows as { k: string; v: string }[]).map((r) => [r.k, r.v]));
}

export function stateChecksum(state: TableState): string {
  const lines = [...state.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => `${k}=${v}`);
  return createHash('sha256').update(lines.join('\n')).digest('hex');
}

/** The first few keys whose images differ, for a failure message. */
export function stateDifferences(expected: TableState, actual: TableState, limit = 5): string {
  const keys = new Set([...expected.keys(), ...actual.keys()]);
  return [...keys]
    .filter((k) => expected.get(k) !== actual.get(k))
    .slice(0, limit)
    .map((k) => `${k}: destination=${actual.get(k)} source=${expected.get(k)}`)
    .join('; ');
}

/**
 * Reads the topic until replaying it gives exactly `expected` (the table as the source has it now);
 * on timeout the error says how far apart they are and which keys differ, plus `context`.
 */
export async function consumeUntilEqual(topic: string, shape: TableShape, expected: TableState, timeoutMs: number, context = ''): Promise<{ messages: ConsumedMessage[]; seen: TableState }> {
  const seen: TableState = new Map();
  let applied = 0;
  const target = stateChecksum(expected);
  const messages = await consumeMessages(
    topic,
    (ms) => {
      replayCanal(ms.slice(applied), shape, seen);
      applied = ms.length;
      return seen.size === expected.size && stateChecksum(seen) === target;
    },
    timeoutMs,
  ).catch((err: Error) => {
    throw new Error(`${err.message}; the topic has ${seen.size} keys, the source ${expected.size}; first differences: ${stateDifferences(expected, seen)}${context ? `\n${context}` : ''}`);
  });
  return { messages, seen };
}
