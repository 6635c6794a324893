/**
 * MySQL's binary JSON diff (binlog_row_value_options=PARTIAL_JSON): instead of the whole new
 * document, a partial after image carries the changes JSON_SET / JSON_REPLACE / JSON_REMOVE made.
 *
 * Layout of a partial JSON column value (after the column's own length prefix), repeated to its end:
 *   operation    u8                     0 REPLACE, 1 INSERT, 2 REMOVE
 *   path length  length-encoded int
 *   path         bytes                  a simple JSON path: $, .key, ."quoted key", [index]
 *   value length length-encoded int     (not for REMOVE)
 *   value        bytes                  MySQL binary JSON (not for REMOVE)
 *
 * Applying: REPLACE sets an existing path; INSERT adds a member to an object (at its sorted place:
 * MySQL orders keys by byte length, then bytes) or inserts into an array at the index (appends past
 * the end); REMOVE deletes an existing member or element. A path that does not resolve means the
 * before document is not the one the server changed, which is reported rather than guessed at.
 */
import { ByteCursor } from './byte-cursor.ts';
import { MalformedEventError } from './event-errors.ts';
import { decodeBinaryJson, type JsonNode } from './json-binary.ts';

export const JsonDiffOperation = { REPLACE: 0, INSERT: 1, REMOVE: 2 } as const;
export type JsonDiffOperation = (typeof JsonDiffOperation)[keyof typeof JsonDiffOperation];

export interface JsonDiff {
  readonly operation: JsonDiffOperation;
  readonly path: string;
  /** The new value; null for REMOVE. */
  readonly value: JsonNode | null;
}

type Leg = { key: string } | { index: number };

export function parseJsonDiffs(bytes: Buffer): JsonDiff[] {
  const c = new ByteCursor(bytes);
  const diffs: JsonDiff[] = [];
  while (c.remaining > 0) {
    const operation = c.u8('JSON diff operation');
    if (operation !== 0 && operation !== 1 && operation !== 2) throw new MalformedEventError(`JSON diff operation ${operation} at offset ${c.pos - 1} is not REPLACE (0), INSERT (1) or REMOVE (2)`);
    const path = c.bytes(c.packed('JSON diff path length'), 'JSON diff path').toString('utf8');
    let value: JsonNode | null = null;
    if (operation !== JsonDiffOperation.REMOVE) value = decodeBinaryJson(c.bytes(c.packed('JSON diff value length'), 'JSON diff value'));
    diffs.push({ operation, path, value });
  }
  return diffs;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*/u;

/** Splits a diff path ($, .key, ."quoted", [n]) into legs. */
export function parseJsonPath(path: string): Leg[] {
  const bad = (why: string): never => {
    throw new MalformedEventError(`JSON diff path has ${why} at character ${at}; partial JSON diffs carry only $, .key, ."key" and [index] legs`, { path });
  };
  let at = 0;
  const legs: Leg[] = [];
  if (path[0] !== '$') bad('no leading $');
  at = 1;
  while (at < path.length) {
    const ch = path[at];
    if (ch === ' ') at++;
    else if (ch === '.') {
      at++;
      if (path[at] === '"') {
        let end = at + 1;
        while (end < path.length && path[end] !== '"') end += path[end] === '\\' ? 2 : 1;
        if (end >= path.length) bad('an unterminated quoted key');
        legs.push({ key: JSON.parse(path.slice(at, end + 1)) as string });
        at = end + 1;
      } else {
        const m = IDENTIFIER.exec(path.slice(at));
        if (!m) bad('an unsupported member leg');
        legs.push({ key: m![0] });
        at += m![0].length;
      }
    } else if (ch === '[') {
      const m = /^\[\s*(\d+)\s*\]/.exec(path.slice(at));
      if (!m) bad('an unsupported array leg');
      legs.push({ index: Number(m![1]) });
      at += m![0].length;
    } else bad(`an unexpected ${JSON.stringify(ch)}`);
  }
  return legs;
}

/** MySQL's key order in a JSON object: shorter keys first, then by UTF-8 bytes. */
function compareKeys(a: string, b: string): number {
  const ab = Buffer.from(a, 'utf8');
  const bb = Buffer.from(b, 'utf8');
  return ab.length - bb.length || Buffer.compare(ab, bb);
}

function clone(node: JsonNode): JsonNode {
  if (node.kind === 'object') return { kind: 'object', entries: node.entries.map(([k, v]) => [k, clone(v)]) };
  if (node.kind === 'array') return { kind: 'array', items: node.items.map(clone) };
  return node;
}

function child(node: JsonNode, leg: Leg): JsonNode | undefined {
  if ('key' in leg) return node.kind === 'object' ? node.entries.find(([k]) => k === leg.key)?.[1] : undefined;
  return node.kind === 'array' ? node.items[leg.index] : undefined;
}

function applyOne(doc: JsonNode, diff: JsonDiff): JsonNode {
  const legs = parseJsonPath(diff.path);
  const missing = (): never => {
    throw new MalformedEventError(
      `Partial JSON ${['REPLACE', 'INSERT', 'REMOVE'][diff.operation]} of ${diff.path} does not fit the before document; the before image is not the document the server updated (with binlog_row_image=MINIMAL the reader must supply it)`,
      { path: diff.path },
    );
  };
  if (legs.length === 0) {
    if (diff.operation !== JsonDiffOperation.REPLACE) missing();
    return diff.value!;
  }
  let p: JsonNode = doc;
  for (const leg of legs.slice(0, -1)) p = child(p, leg) ?? missing();
  const last = legs[legs.length - 1]!;
  if ('key' in last) {
    if (p.kind !== 'object') return missing();
    const i = p.entries.findIndex(([k]) => k === last.key);
    if (diff.operation === JsonDiffOperation.REPLACE) {
      if (i < 0) missing();
      p.entries[i]![1] = diff.value!;
    } else if (diff.operation === JsonDiffOperation.REMOVE) {
      if (i < 0) missing();
      p.entries.splice(i, 1);
    } else {
      if (i >= 0) missing();
      const at = p.entries.findIndex(([k]) => compareKeys(k, last.key) > 0);
      p.entries.splice(at < 0 ? p.entries.length : at, 0, [last.key, diff.value!]);
    }
    return doc;
  }
  if (p.kind !== 'array') return missing();
  if (diff.operation === JsonDiffOperation.INSERT) {
    p.items.splice(Math.min(last.index, p.items.length), 0, diff.value!);
  } else {
    if (last.index >= p.items.length) missing();
    if (diff.operation === JsonDiffOperation.REPLACE) p.items[last.index] = diff.value!;
    else p.items.splice(last.index, 1);
  }
  return doc;
}

/** The after-image document: `before` (left unchanged) with the diffs applied in order. */
export function applyJsonDiffs(before: JsonNode, diffs: readonly JsonDiff[]): JsonNode {
  let doc = clone(before);
  for (const d of diffs) doc = applyOne(doc, d);
  return doc;
}
