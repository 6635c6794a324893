/**
 * Node's Buffer methods that `toString(encoding)` dispatches to, called directly: no encoding
 * lookup and no view per value (untyped in @types/node, stable Node internals for years). The
 * decoders on hot paths (queue payloads, binlog rows, SELECT rows) read text through them.
 */
export interface BufferSlices {
  latin1Slice(start: number, end: number): string;
  utf8Slice(start: number, end: number): string;
}

export function slicesOf(buf: Uint8Array): BufferSlices {
  return buf as unknown as BufferSlices;
}
