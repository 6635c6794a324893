/**
 * The keys the stream changed since a full-sync run started, per table not copied yet: a copied
 * row whose key is here is dropped, because the stream already delivered its image. A table's keys
 * are forgotten once the table is copied, so memory follows the writes to the tables still
 * waiting. Past `limit` keys the oldest change is forgotten first (the reader's memory comes
 * first): a row changed long before its copy may then be copied once more after its change, with
 * its current value, never an older one. Recent changes are always remembered, and with them every
 * commit between a MySQL snapshot and its watermark (chunk-reader.ts). The keys live in memory
 * only: after a restart the run remembers changes from the restart on.
 */

/** About 100 bytes a key: some 50 MB at the limit. */
export const CHANGED_KEYS_LIMIT = 500_000;

const SEPARATOR = '\u0001';

export class ChangedKeys {
  readonly #limit: number;
  /** `table SEPARATOR key`, oldest change first (a key changed again moves to the end). */
  readonly #keys = new Set<string>();
  /** The key columns each table's keys are made of. */
  readonly #keyNames = new Map<string, readonly string[]>();
  #full = false;
  /** Called once per run when the limit is first reached. */
  onFull: (() => void) | null = null;

  constructor(limit = CHANGED_KEYS_LIMIT) {
    this.#limit = limit;
  }

  /** `key` names the columns `keyString` is made of: it matches only a lookup with the same key. */
  add(table: string, key: readonly string[], keyString: string): void {
    const names = this.#keyNames.get(table);
    // The table's key changed (an ALTER): keys of the old one cannot match any more.
    if (names && !sameNames(names, key)) this.forget(table);
    this.#keyNames.set(table, key);
    const id = `${table}${SEPARATOR}${keyString}`;
    this.#keys.delete(id);
    this.#keys.add(id);
    if (this.#keys.size <= this.#limit) return;
    this.#keys.delete(this.#keys.values().next().value!);
    if (!this.#full) this.onFull?.();
    this.#full = true;
  }

  has(table: string, key: readonly string[], keyString: string): boolean {
    const names = this.#keyNames.get(table);
    return names !== undefined && sameNames(names, key) && this.#keys.has(`${table}${SEPARATOR}${keyString}`);
  }

  /** Whether keys of this table may be remembered (it had some since the run started or it was last forgotten). */
  holds(table: string): boolean {
    return this.#keyNames.has(table);
  }

  /** Tables with keys remembered (or that had some). */
  tables(): string[] {
    return [...this.#keyNames.keys()];
  }

  forget(table: string): void {
    if (!this.#keyNames.delete(table)) return;
    const prefix = `${table}${SEPARATOR}`;
    for (const id of this.#keys) if (id.startsWith(prefix)) this.#keys.delete(id);
  }

  clear(): void {
    this.#keys.clear();
    this.#keyNames.clear();
    this.#full = false;
  }

  get size(): number {
    return this.#keys.size;
  }
}

export function sameNames(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((k, i) => k === b[i]);
}
