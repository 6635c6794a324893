/**
 * The order in which a `java.util.HashMap` built with the default constructor iterates its
 * String keys. DTS builds each FC record as such a map and serializes it in that order: the
 * documented examples show it (`data` keys `sex, name, age` of a table `(name, age, sex)`, and
 * the top-level fields `data, pkNames, old, type, serverId, …`), so we reproduce it rather than
 * the table's column order.
 *
 * HashMap: capacity 16, doubled while size > 0.75 × capacity; bucket = (h ^ (h >>> 16)) & (capacity − 1)
 * with h = String.hashCode; keys of one bucket keep insertion order (resizing splits buckets
 * without reordering). Trees (buckets of 8+ keys in tables of 64+) also keep insertion order in
 * their iteration links.
 */

/** `String.hashCode()` as a signed 32-bit int (UTF-16 code units, like Java). */
function javaStringHashCode(text: string): number {
  let h = 0;
  for (let i = 0; i < text.length; i++) h = (Math.imul(31, h) + text.charCodeAt(i)) | 0;
  return h;
}

export function javaHashMapOrder(keys: readonly string[]): string[] {
  let capacity = 16;
  while (keys.length > capacity * 0.75) capacity *= 2;
  const buckets: string[][] = [];
  for (const key of keys) {
    const h = javaStringHashCode(key);
    const index = (h ^ (h >>> 16)) & (capacity - 1);
    (buckets[index] ??= []).push(key);
  }
  return buckets.flat();
}
