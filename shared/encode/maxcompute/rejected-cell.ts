/**
 * A cell MaxCompute would refuse, found while converting a row: larger than the 8 MiB cell limit
 * (STRING and BINARY; MaxCompute SQL limits, and the tunnel's default `MaxFieldSize`), or a value
 * its type cannot hold (BIGINT has no -2^63: the Java SDK refuses it with "Bigint out of range").
 * The encoder returns it with the record instead of rows, and the sink turns it into its error
 * (RecordTooLargeError naming table, key and position) or its skip policy. No cell value is kept.
 */

/** MaxCompute's largest cell, in bytes (UTF-8 for text). */
export const MAX_CELL_BYTES = 8 * 1024 * 1024;

export type RejectedCell =
  | { readonly reason: 'too-large'; readonly column: string; readonly bytes: number; readonly limit: number }
  | { readonly reason: 'out-of-range'; readonly column: string; readonly type: string; readonly detail: string };

/** Thrown by a column's converter, caught by the row encoder, which returns `cell` instead of rows. */
export class CellRejection {
  constructor(readonly cell: RejectedCell) {}
}

/** The UTF-8 size of a text cell when it may exceed the limit, else 0 (cheap: most cells are short). */
export function oversizeTextBytes(text: string, limit: number = MAX_CELL_BYTES): number {
  // UTF-8 takes at most 3 bytes per UTF-16 unit, so only long strings need measuring.
  if (text.length * 3 <= limit) return 0;
  const bytes = Buffer.byteLength(text, 'utf8');
  return bytes > limit ? bytes : 0;
}
