/**
 * A chunk's rows as the queue stores them: each row's image (an ARRAY of tagged values, the v2
 * payload's layout, queue/codec/tagged-value.ts) written once, back to back in one buffer, as the
 * rows come off the socket (text-rows.ts). The assembler copies an image into its batch as it is,
 * so a copied row never becomes JavaScript values in the reader: the merger decodes a row only when
 * it needs its key (the chunk's last row, or rows of a table written to during its copy).
 */
import type { Row } from '../../record/index.ts';
import { ByteReader } from '../../queue/codec/byte-reader.ts';
import { ByteWriter } from '../../queue/codec/byte-writer.ts';
import { readValue, writeValue } from '../../queue/codec/tagged-value.ts';

export class ChunkRows {
  /** The images; row i spans `starts[i]` to `starts[i + 1]`. */
  readonly buf: Buffer;
  readonly #starts: readonly number[];

  /** `starts` has one entry per row and the end of the last one after them. */
  constructor(buf: Buffer, starts: readonly number[]) {
    this.buf = buf;
    this.#starts = starts;
  }

  static readonly empty = new ChunkRows(Buffer.alloc(0), [0]);

  /** Rows as values (tests): written the way the queue writes them. */
  static of(rows: readonly Row[]): ChunkRows {
    const w = new ChunkRowsWriter(64 * rows.length);
    for (const row of rows) {
      writeValue(w.writer, row);
      w.endRow();
    }
    return w.finish();
  }

  get length(): number {
    return this.#starts.length - 1;
  }

  /** The image's bytes in `buf`: [start, end). */
  start(i: number): number {
    return this.#starts[i]!;
  }

  end(i: number): number {
    return this.#starts[i + 1]!;
  }

  get byteLength(): number {
    return this.#starts[this.#starts.length - 1]! - this.#starts[0]!;
  }

  /** Row i's values (the merger's keys; tests). */
  row(i: number): Row {
    return readValue(new ByteReader(this.buf, this.start(i), this.end(i)), `row ${i} of a full-sync chunk`) as Row;
  }

  toArray(): Row[] {
    return Array.from({ length: this.length }, (_, i) => this.row(i));
  }

  /** Only the rows at these positions (ascending): a copy, for the rare chunk whose table changed while it was read. */
  pick(indexes: readonly number[]): ChunkRows {
    if (indexes.length === this.length) return this;
    const w = new ChunkRowsWriter(this.byteLength);
    for (const i of indexes) w.copy(this.buf, this.start(i), this.end(i));
    return w.finish();
  }
}

/** Builds a ChunkRows: a row is written into `writer`, then `endRow` marks where it ends. */
export class ChunkRowsWriter {
  readonly writer: ByteWriter;
  readonly #starts: number[] = [0];

  constructor(initialBytes = 1 << 16) {
    this.writer = new ByteWriter(initialBytes);
  }

  get count(): number {
    return this.#starts.length - 1;
  }

  endRow(): void {
    this.#starts.push(this.writer.pos);
  }

  /** Drops a row begun but not ended (its decoding failed). */
  abandonRow(): void {
    this.writer.pos = this.#starts[this.#starts.length - 1]!;
  }

  copy(buf: Buffer, start: number, end: number): void {
    this.writer.raw(buf, start, end);
    this.endRow();
  }

  finish(): ChunkRows {
    return new ChunkRows(this.writer.finish(), this.#starts);
  }
}
