/**
 * Reference implementations of the partition rules of specs/formats.md §2.6 / §3.1, written apart
 * from shared/sink/kafka/partition.ts so tests can check it: Java's `String.hashCode` in BigInt
 * arithmetic over the UTF-16 code units read from the string's UTF-16LE bytes, and |h| mod n
 * with |h| taken without 32-bit overflow.
 */
const TWO_32 = 2n ** 32n;

export function javaHashRef(text: string): number {
  const units = Buffer.from(text, 'utf16le');
  let h = 0n;
  for (let i = 0; i < units.length; i += 2) h = (h * 31n + BigInt(units.readUInt16LE(i))) % TWO_32;
  return Number(BigInt.asIntN(32, h));
}

/** |hash| mod partitions, |hash| in 64-bit (Integer.MIN_VALUE stays positive). */
export function partitionRef(hash: number, partitions: number): number {
  const h = BigInt(hash);
  return Number((h < 0n ? -h : h) % BigInt(partitions));
}

/** `database-table`: the hash of `<database>.<table>`. */
export function tablePartitionRef(database: string, table: string, partitions: number): number {
  return partitionRef(javaHashRef(`${database}.${table}`), partitions);
}

/** `primary-key` (canal `$pk$` with database hash): h = hash(db), then h ^= hash(value ?? '') per key column. */
export function keyPartitionRef(database: string, values: readonly (string | null | undefined)[], partitions: number): number {
  let h = javaHashRef(database);
  for (const v of values) h = Number(BigInt.asIntN(32, BigInt(h) ^ BigInt(javaHashRef(v ?? ''))));
  return partitionRef(h, partitions);
}
