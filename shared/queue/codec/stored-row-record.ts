/**
 * A row record read from a version 2 payload whose row images stay bytes until asked for. Decoding
 * a batch checks every image (skipValue) but builds no values: `before` and `after` are read on
 * first access (and kept), and an encoder that writes straight from the stored bytes (Canal JSON,
 * write-stored-value.ts) reads them where they lie (`bytesOf`, `beforeAtOf`, `afterAtOf`) and never
 * builds them. On the delivery thread the values of a row were most of its garbage: JS strings and
 * arrays built from the payload only to be written out as bytes again (docs/performance.md).
 *
 * It behaves as the plain `RowRecord` it stands for wherever a record is read field by field.
 * `before` and `after` are getters of the class, not own properties, so a spread (`{...record}`)
 * or a structured clone would drop them: build a plain record from the fields instead (as
 * mapping/record-mapping.ts does). JSON.stringify goes through `toJSON`.
 */
import type { Op, Row, RowRecord, SourceInfo, TableSchema } from '../../record/index.ts';
import { ByteReader } from './byte-reader.ts';
import { readValue } from './tagged-value.ts';

/** Not yet read from the payload. */
const UNREAD = undefined;

export class StoredRowRecord implements RowRecord {
  #before: Row | null | typeof UNREAD = UNREAD;
  #after: Row | null | typeof UNREAD = UNREAD;
  // The images' place, as fields rather than an object of their own: one object less per record.
  readonly #bytes: Buffer;
  readonly #beforeAt: number;
  readonly #afterAt: number;

  constructor(
    readonly id: number,
    readonly seq: number,
    readonly source: SourceInfo,
    readonly op: Exclude<Op, 'DDL'>,
    readonly schema: TableSchema,
    bytes: Buffer,
    beforeAt: number,
    afterAt: number,
  ) {
    this.#bytes = bytes;
    this.#beforeAt = beforeAt;
    this.#afterAt = afterAt;
  }

  get before(): Row | null {
    return this.#before === UNREAD ? (this.#before = readImage(this.#bytes, this.#beforeAt)) : this.#before;
  }

  get after(): Row | null {
    return this.#after === UNREAD ? (this.#after = readImage(this.#bytes, this.#afterAt)) : this.#after;
  }

  /**
   * The payload of a record decoded by the queue codec, null for any other record. Its images lie
   * at `beforeAtOf` and `afterAtOf`, each at the tag of its value (NULL or an ARRAY of column values).
   */
  static bytesOf(record: RowRecord): Buffer | null {
    return record instanceof StoredRowRecord ? record.#bytes : null;
  }

  /** Where the before image of a record with `bytesOf` lies in them. */
  static beforeAtOf(record: StoredRowRecord): number {
    return record.#beforeAt;
  }

  static afterAtOf(record: StoredRowRecord): number {
    return record.#afterAt;
  }

  /** The plain record, as JSON.stringify and test equality see it. */
  toJSON(): RowRecord {
    return { id: this.id, seq: this.seq, source: this.source, op: this.op, schema: this.schema, before: this.before, after: this.after };
  }
}

/** The payload was checked when its batch was decoded (skipValue), so this read cannot fail. */
function readImage(bytes: Buffer, at: number): Row | null {
  return readValue(new ByteReader(bytes, at), 'a row image') as Row | null;
}
