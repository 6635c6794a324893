/**
 * The steady bench's writer, a process of its own so its work and memory are not the task's:
 * inserts rows 1..rows into `<database>.<table>` at `rate` rows/s, `txRows` rows per transaction
 * (one multi-row INSERT under autocommit), on a fixed schedule (a late transaction is sent at
 * once, never skipped). Prints one line `COMMITS <json>` at the end: for each transaction its
 * first row id and the wall-clock ms at which its COMMIT returned.
 *
 *   tsx scripts/bench/steady-writer.ts <database> <table> <rows> <rate> <txRows>
 */
import { benchRowSql } from './bench-table.ts';
import { sourceConnection } from './bench-env.ts';

export interface WriterCommits {
  readonly txRows: number;
  /** [first row id, commit-return ms] per transaction, in commit order. */
  readonly commits: ReadonlyArray<readonly [number, number]>;
  /** Wall-clock ms from the first transaction's start to the last one's commit. */
  readonly elapsedMs: number;
}

async function main(): Promise<void> {
  const [database, table, rowsText, rateText, txRowsText] = process.argv.slice(2);
  const rows = Number(rowsText);
  const rate = Number(rateText);
  const txRows = Number(txRowsText);
  const conn = await sourceConnection();
  const commits: [number, number][] = [];
  const started = Date.now();
  for (let first = 1; first <= rows; first += txRows) {
    const due = started + ((first - 1) / rate) * 1000;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const values: string[] = [];
    for (let id = first; id < first + txRows && id <= rows; id++) values.push(benchRowSql(id));
    await conn.query(`INSERT INTO ${database}.${table} VALUES ${values.join(',')}`);
    commits.push([first, Date.now()]);
  }
  const result: WriterCommits = { txRows, commits, elapsedMs: Date.now() - started };
  await conn.end();
  process.stdout.write(`COMMITS ${JSON.stringify(result)}\n`);
}

await main();
