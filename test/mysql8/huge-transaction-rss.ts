/**
 * Peak memory of a task reading one huge transaction from the stack's MySQL 8, with or without
 * binlog_transaction_compression: the process's peak RSS, and the heap's peak sampled every 10 ms.
 * Not a test (the numbers depend on the machine); run it by hand to compare sizes and settings:
 *   DTS_SOURCE=mysql8 npx tsx test/mysql8/huge-transaction-rss.ts 200000 on
 */
import { createTopic, kafka, sourceConnection, startTask, taskFor, tempDir, uniqueName } from '../helpers/stack.ts';

const rows = Number(process.argv[2] ?? 200_000);
const compression = (process.argv[3] ?? 'on') === 'on';
const mb = (n: number) => Math.round(n / 1024 / 1024);

async function highWatermark(topic: string): Promise<number> {
  const admin = kafka().admin();
  await admin.connect();
  try {
    return Number((await admin.fetchTopicOffsets(topic))[0]?.high ?? 0);
  } finally {
    await admin.disconnect();
  }
}

const db = uniqueName('rss');
const topic = uniqueName('rss');
const conn = await sourceConnection();
await conn.query(`CREATE DATABASE ${db}`);
await conn.query(`CREATE TABLE ${db}.huge (id INT PRIMARY KEY, v VARCHAR(200))`);
await createTopic(topic);
const task = startTask(taskFor({ database: db, tables: ['huge'], topic, dir: await tempDir('rss') }), { readerThread: false });
await task.ready;
const base = { rss: process.memoryUsage().rss, heap: process.memoryUsage().heapUsed };
let peakHeap = 0;
let peakRss = 0;
const sampler = setInterval(() => {
  const m = process.memoryUsage();
  peakHeap = Math.max(peakHeap, m.heapUsed);
  peakRss = Math.max(peakRss, m.rss);
}, 10);
const started = Date.now();
await conn.query(`SET SESSION binlog_transaction_compression = ${compression ? 'ON' : 'OFF'}, SESSION cte_max_recursion_depth = ${rows + 1}`);
await conn.query(`INSERT INTO ${db}.huge (id, v) WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < ${rows})
  SELECT n, CONCAT('row-', n, '-', REPEAT('x', 100)) FROM seq`);
const inserted = Date.now();
while ((await highWatermark(topic)) < rows) await new Promise((r) => setTimeout(r, 200));
const delivered = Date.now();
clearInterval(sampler);
await task.stop();
await conn.query(`DROP DATABASE ${db}`);
await conn.end();
console.log(
  JSON.stringify({
    rows,
    compression,
    insertMs: inserted - started,
    deliverMs: delivered - inserted,
    baseRssMb: mb(base.rss),
    peakRssMb: mb(peakRss),
    maxRssMb: mb(process.resourceUsage().maxRSS * 1024),
    baseHeapMb: mb(base.heap),
    peakHeapMb: mb(peakHeap),
  }),
);
process.exit(0);
