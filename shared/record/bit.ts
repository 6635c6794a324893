/** BIT(n) values are bytes; every format shows them as the unsigned big-endian integer they hold. */
export function bitToDecimal(bytes: Uint8Array): string {
  if (bytes.byteLength <= 6) {
    let n = 0;
    for (const byte of bytes) n = n * 256 + byte;
    return String(n);
  }
  let n = 0n;
  for (const byte of bytes) n = (n << 8n) | BigInt(byte);
  return n.toString();
}
