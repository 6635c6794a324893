/**
 * The catch-up bench's writer, a process of its own so its work and memory are not the task's
 * (the bench reports the task process's peak RSS): inserts rows 1..rows of the bench table into
 * `bench.catchup` in multi-row INSERTs of `batch` rows, each its own transaction, or all of them
 * in one transaction.
 *
 *   tsx scripts/bench/insert-rows.ts <rows> <batch> [one-transaction]
 */
import { sourceConnection } from './bench-env.ts';
import { benchRowSql } from './bench-table.ts';

async function main(): Promise<void> {
  const [rowsText, batchText, mode] = process.argv.slice(2);
  const rows = Number(rowsText);
  const batch = Number(batchText);
  const oneTransaction = mode === 'one-transaction';
  const conn = await sourceConnection();
  if (oneTransaction) await conn.query('BEGIN');
  for (let start = 1; start <= rows; start += batch) {
    const values: string[] = [];
    for (let id = start; id < start + batch && id <= rows; id++) values.push(benchRowSql(id));
    await conn.query(`INSERT INTO bench.catchup VALUES ${values.join(',')}`);
  }
  if (oneTransaction) await conn.query('COMMIT');
  await conn.end();
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
