/**
 * The keys the stream changed since a full-sync run started, per table not copied yet: a copied
 * row whose key is here is dropped, because the stream already delivered its image. A table's keys
 * are forgotten once the table is copied, so memory follows the writes to the tables still
 * waiting. Past `limit` keys no more are remembered (the reader's memory comes first): rows changed
 * after that may then arrive twice, copied after their change, never with an older value. The
 * keys live in memory only: after a restart the run remembers changes from the restart on.
 */

/** About 100 bytes a key: some 50 MB at the limit. */
export const CHANGED_KEYS_LIMIT = 500_000;

export class ChangedKeys {
  readonly #limit: number;
  readonly #tables = new Map<string, { key: readonly string[]; keys: Set<string> }>();
  #size = 0;
  #full = false;
  /** Called once per run when the limit is first reached. */
  onFull: (() => void) | null = null;

  constructor(limit = CHANGED_KEYS_LIMIT) {
    this.#limit = limit;
  }

  /** `key` names the columns the key string is made of: a set is used only with the same key. */
  add(table: string, key: readonly string[], keyString: string): void {
    let entry = this.#tables.get(table);
    if (entry && !sameNames(entry.key, key)) {
      // The table's key changed (an ALTER): keys of the old one cannot be matched any more.
      this.forget(table);
      entry = undefined;
    }
    if (entry?.keys.has(keyString)) return;
    if (this.#size >= this.#limit) {
      if (!this.#full) this.onFull?.();
      this.#full = true;
      return;
    }
    if (!entry) this.#tables.set(table, (entry = { key, keys: new Set() }));
    entry.keys.add(keyString);
    this.#size++;
  }

  /** The changed keys of `table` made of `key`'s columns, if any. */
  of(table: string, key: readonly string[]): ReadonlySet<string> | undefined {
    const entry = this.#tables.get(table);
    return entry && sameNames(entry.key, key) ? entry.keys : undefined;
  }

  tables(): string[] {
    return [...this.#tables.keys()];
  }

  forget(table: string): void {
    const entry = this.#tables.get(table);
    if (!entry) return;
    this.#size -= entry.keys.size;
    this.#tables.delete(table);
  }

  clear(): void {
    this.#tables.clear();
    this.#size = 0;
    this.#full = false;
  }

  get size(): number {
    return this.#size;
  }
}

export function sameNames(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((k, i) => k === b[i]);
}
