/**
 * Rows waiting for the next flush, already encoded: one record stream per (destination table,
 * partition) group, so memory is about the encoded bytes. A group's stream is sealed into a block
 * once it reaches `maxBlockBytes` (the batch tunnel's recommended block size) and a new one starts;
 * a flush uploads each group's blocks into one session. Rows of a group keep their order.
 */
import type { OdpsColumn, OdpsValue } from '../../encode/maxcompute/types.ts';
import type { PartitionSpec } from './client-types.ts';
import { groupKey } from './recovery.ts';
import { InvariantError } from '../../errors.ts';

/** The tunnel record writer as the buffer uses it (encode/maxcompute record-stream). */
export interface BlockWriter {
  append(values: readonly OdpsValue[]): void;
  /** Bytes written so far (without the trailer). */
  readonly byteLength: number;
  /** The complete record stream, trailer included. */
  finish(): Uint8Array;
}

export type NewBlockWriter = (columns: readonly OdpsColumn[]) => BlockWriter;

/** A flushed group: what one upload session receives. */
export interface BufferedGroup {
  readonly table: string;
  readonly partition: PartitionSpec;
  /** The columns the rows were encoded for (the session's schema must be the same). */
  readonly columns: readonly OdpsColumn[];
  readonly blocks: readonly Uint8Array[];
  readonly rows: number;
}

interface Group {
  readonly table: string;
  readonly partition: PartitionSpec;
  readonly columns: readonly OdpsColumn[];
  readonly sealed: Uint8Array[];
  writer: BlockWriter;
  rows: number;
}

export class FlushBuffer {
  readonly #newWriter: NewBlockWriter;
  readonly #maxBlockBytes: number;
  #groups = new Map<string, Group>();
  #last: { table: string; partition: PartitionSpec; group: Group } | null = null;
  #rows = 0;
  #bytes = 0;
  #oldestAtMs: number | null = null;

  constructor(newWriter: NewBlockWriter, maxBlockBytes: number) {
    this.#newWriter = newWriter;
    this.#maxBlockBytes = maxBlockBytes;
  }

  get rows(): number {
    return this.#rows;
  }

  /** Encoded bytes held (sealed blocks and open streams). */
  get bytes(): number {
    return this.#bytes;
  }

  get isEmpty(): boolean {
    return this.#rows === 0;
  }

  /** When the oldest row held was added (null when empty). */
  get oldestAtMs(): number | null {
    return this.#oldestAtMs;
  }

  /** Whether `table` has rows waiting (its shape is about to change). */
  holds(table: string): boolean {
    for (const g of this.#groups.values()) if (g.table === table) return true;
    return false;
  }

  add(table: string, columns: readonly OdpsColumn[], partition: PartitionSpec, values: readonly OdpsValue[], nowMs: number): void {
    const group = this.#groupOf(table, columns, partition);
    const before = group.writer.byteLength;
    group.writer.append(values);
    const after = group.writer.byteLength;
    this.#bytes += after - before;
    group.rows += 1;
    this.#rows += 1;
    this.#oldestAtMs ??= nowMs;
    if (after >= this.#maxBlockBytes) {
      const block = group.writer.finish();
      this.#bytes += block.byteLength - after;
      group.sealed.push(block);
      group.writer = this.#newWriter(columns);
    }
  }

  /** Every group with rows, its open stream sealed; the buffer is empty afterwards. */
  take(): BufferedGroup[] {
    const out: BufferedGroup[] = [];
    for (const g of this.#groups.values()) {
      if (g.writer.byteLength > 0 || g.sealed.length === 0) g.sealed.push(g.writer.finish());
      if (g.rows > 0) out.push({ table: g.table, partition: g.partition, columns: g.columns, blocks: g.sealed, rows: g.rows });
    }
    this.clear();
    return out;
  }

  clear(): void {
    this.#groups = new Map();
    this.#last = null;
    this.#rows = 0;
    this.#bytes = 0;
    this.#oldestAtMs = null;
  }

  #groupOf(table: string, columns: readonly OdpsColumn[], partition: PartitionSpec): Group {
    const last = this.#last;
    if (last && last.table === table && last.partition === partition && last.group.columns === columns) return last.group;
    const key = groupKey(table, partition);
    let group = this.#groups.get(key);
    if (group && group.columns !== columns && !sameColumns(group.columns, columns)) {
      // The sink flushes before it changes a table's shape, so one flush holds one shape per table.
      throw new InvariantError(`rows of ${table} in two shapes in one flush`, { table });
    }
    if (!group) {
      group = { table, partition, columns, sealed: [], writer: this.#newWriter(columns), rows: 0 };
      this.#groups.set(key, group);
    }
    this.#last = { table, partition, group };
    return group;
  }
}

function sameColumns(a: readonly OdpsColumn[], b: readonly OdpsColumn[]): boolean {
  return a.length === b.length && a.every((c, i) => c.name === b[i]!.name && c.type === b[i]!.type);
}
