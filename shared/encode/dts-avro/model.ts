/**
 * The DTS Avro `Record` (formats.md §1.2) and its image values (§1.3) as plain data, fields in
 * wire order. Both writers take this: the hand-written one (avro-writer.ts) and avsc, the tests' reference
 * (test/unit/encode/dts-avro/avsc-value.ts). Only what a MySQL source produces is modelled: `processTimestamps` is always
 * null, `sourceType` always MySQL, no `TimestampWithTimeZone`, `TextGeometry` or `EmptyObject`.
 */

/** The `Operation` symbols this encoder writes (the enum has 17). */
export type DtsOperation = 'INSERT' | 'UPDATE' | 'DELETE' | 'DDL' | 'INIT';

export interface DtsField {
  readonly name: string;
  readonly dataTypeNumber: number;
}

/** `Integer`: decimal text; `precision` = storage bytes (1, 2, 3, 4, 8). */
export interface IntegerImage {
  readonly branch: 'Integer';
  readonly precision: number;
  readonly value: string;
}

/** `Character`: the column's bytes and the MySQL charset they are in (`binary` for binary columns). */
export interface CharacterImage {
  readonly branch: 'Character';
  readonly charset: string;
  readonly value: Uint8Array;
}

/** `Decimal`: the text, and Java `BigDecimal.precision()` / `scale()` of that text. */
export interface DecimalImage {
  readonly branch: 'Decimal';
  readonly value: string;
  readonly precision: number;
  readonly scale: number;
}

export interface FloatImage {
  readonly branch: 'Float';
  readonly value: number;
  readonly precision: number;
  readonly scale: number;
}

/** `Timestamp`: epoch seconds (UTC); `millis` holds microseconds. */
export interface TimestampImage {
  readonly branch: 'Timestamp';
  readonly timestamp: number;
  readonly millis: number;
}

/** `DateTime`: the parts a type has, the others null; `millis` holds microseconds. */
export interface DateTimeImage {
  readonly branch: 'DateTime';
  readonly year: number | null;
  readonly month: number | null;
  readonly day: number | null;
  readonly hour: number | null;
  readonly minute: number | null;
  readonly second: number | null;
  readonly millis: number | null;
}

export interface BinaryGeometryImage {
  readonly branch: 'BinaryGeometry';
  readonly type: string;
  readonly value: Uint8Array;
}

export interface BinaryObjectImage {
  readonly branch: 'BinaryObject';
  readonly type: string;
  readonly value: Uint8Array;
}

export interface TextObjectImage {
  readonly branch: 'TextObject';
  readonly type: string;
  readonly value: string;
}

/** One member of an image array; SQL NULL is `null` (the union's `null` branch). */
export type ImageValue = IntegerImage | CharacterImage | DecimalImage | FloatImage | TimestampImage | DateTimeImage | BinaryGeometryImage | BinaryObjectImage | TextObjectImage;

export type ImageBranch = ImageValue['branch'];

export type Image = readonly (ImageValue | null)[];

export interface DtsAvroRecord {
  readonly version: number;
  readonly id: number;
  readonly sourceTimestamp: number;
  readonly sourcePosition: string;
  readonly safeSourcePosition: string;
  readonly sourceTxid: string;
  readonly source: { readonly sourceType: 'MySQL'; readonly version: string };
  readonly operation: DtsOperation;
  readonly objectName: string | null;
  readonly processTimestamps: null;
  /** Written in key order. */
  readonly tags: Readonly<Record<string, string>>;
  readonly fields: readonly DtsField[] | null;
  readonly beforeImages: Image | null;
  /** The DDL statement for DDL records (the union's `string` branch). */
  readonly afterImages: Image | string | null;
  readonly bornTimestamp: number;
}
