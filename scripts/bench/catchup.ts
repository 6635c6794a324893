/**
 * Catch-up throughput: N rows (16 mixed columns) are written while nothing runs; then the task
 * starts at the position before them and the clock runs until the destination holds the last row:
 * Kafka's end offset reaches N, or the local MaxCompute endpoint (a separate process, as in the
 * stack) has N rows committed to `catchup_log`. Reports rows/s and peak RSS of the task process.
 *
 *   npm run bench -- catchup [--rows 1000000] [--batch 1000] [--destination kafka|maxcompute]
 *     kafka:      [--format canal-json|dts-avro] [--compression lz4|gzip|snappy|none] [--acks all|leader|none]
 *                 [--partitions 1] [--policy partition-zero|database-table|primary-key]
 *     maxcompute: [--flush-rows 100000] [--flush-mb 64]
 *     [--batch-records N]: the reader's batchMaxRecords (default: the task default)
 *     [--one-transaction]: all N rows in one source transaction (`npm run bench -- transaction`)
 */
import { rm } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { startMemoryTrace } from '../../shared/runtime/local/memory-trace.ts';
import { runTaskLocally } from '../../shared/runtime/local/run-task.ts';
import { parseTask } from '../../shared/task/index.ts';
import { benchLogger, peakRssMiB, sourceConnection, spawnBenchScript, stack, untilAcknowledged } from './bench-env.ts';
import { benchTableSql } from './bench-table.ts';
import { startMaxComputeProcess, untilCommitted } from './maxcompute-endpoint.ts';

export const TABLE_SQL = benchTableSql('bench', 'catchup');

/** Rows 1..rows in INSERTs of `batch` rows (insert-rows.ts, in a process of its own: its memory is not the task's). */
function insertRows(rows: number, batch: number, oneTransaction: boolean): Promise<void> {
  const child = spawnBenchScript('insert-rows.ts', [String(rows), String(batch), ...(oneTransaction ? ['one-transaction'] : [])], 'inherit');
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`the row writer (insert-rows.ts) exited with code ${code}`))));
  });
}

export async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      rows: { type: 'string', default: '1000000' },
      batch: { type: 'string', default: '1000' },
      format: { type: 'string', default: 'canal-json' },
      compression: { type: 'string', default: 'lz4' },
      acks: { type: 'string', default: 'all' },
      partitions: { type: 'string', default: '1' },
      policy: { type: 'string', default: 'partition-zero' },
      destination: { type: 'string', default: 'kafka' },
      'flush-rows': { type: 'string', default: '100000' },
      'flush-mb': { type: 'string', default: '64' },
      'one-transaction': { type: 'boolean', default: false },
      'batch-records': { type: 'string' },
    },
  });
  const bench = values['one-transaction'] ? 'transaction' : 'catchup';
  const partitions = Number(values.partitions);
  const rows = Number(values.rows);
  const conn = await sourceConnection();
  await conn.query('DROP DATABASE IF EXISTS bench');
  await conn.query('CREATE DATABASE bench');
  await conn.query(TABLE_SQL);
  // A new binlog file: the reader's start (by GTID) is then found without the server scanning
  // everything earlier runs and tests wrote into the current file.
  await conn.query('FLUSH BINARY LOGS');
  const [[gtid]] = (await conn.query('SELECT @@gtid_binlog_pos AS pos')) as unknown as [[{ pos: string }]];
  await conn.end();
  const insertStart = Date.now();
  await insertRows(rows, Number(values.batch), values['one-transaction'] ?? false);
  process.stdout.write(`inserted ${rows} rows${values['one-transaction'] ? ' in one transaction' : ''} in ${((Date.now() - insertStart) / 1000).toFixed(1)} s\n`);

  const source = { host: '127.0.0.1', port: stack.mysqlPort, user: 'root', password: '', serverId: 5499, start: { gtid: gtid.pos } };
  const dir = '.dts/bench-catchup';
  await rm(dir, { recursive: true, force: true });
  const run = (destination: Record<string, unknown>) => {
    const reader = values['batch-records'] ? { reader: { batchMaxRecords: Number(values['batch-records']) } } : {};
    const task = parseTask({ name: 'bench-catchup', source, objects: [{ database: 'bench', tables: ['catchup'] }], destinations: [destination], queue: { type: 'file', dir }, ...reader }, 'bench');
    const stop = new AbortController();
    startMemoryTrace('main');
    const done = runTaskLocally({ task, origin: 'bench', baseDir: process.cwd(), log: benchLogger(), signal: stop.signal, statusIntervalMs: 60_000 });
    return { stop: () => stop.abort(), done };
  };

  if (values.destination === 'maxcompute') {
    const endpoint = await startMaxComputeProcess('.dts/bench-maxcompute');
    try {
      const started = Date.now();
      const task = run({
        type: 'maxcompute',
        name: 'mc',
        endpoint: endpoint.url,
        project: 'dts_demo',
        accessKeyId: 'dts-local-ak',
        accessKeySecret: 'dts-local-secret',
        flush: { maxRows: Number(values['flush-rows']), maxMegabytes: Number(values['flush-mb']), maxSeconds: 30 },
      });
      const seconds = await untilCommitted(endpoint.dataDir, 'dts_demo', 'catchup_log', rows, started);
      task.stop();
      await task.done;
      report({ bench, destination: 'maxcompute', rows, seconds, flushRows: Number(values['flush-rows']), flushMegabytes: Number(values['flush-mb']) });
    } finally {
      await endpoint.stop();
    }
    return;
  }

  const topic = `bench-catchup-${Date.now()}`;
  const kafka = new Kafka({ brokers: [stack.kafkaBroker], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: true });
  const started = Date.now();
  const task = run({ type: 'kafka', name: 'kafka', brokers: [stack.kafkaBroker], topic, format: values.format, compression: values.compression, acks: values.acks, partitionPolicy: values.policy });
  const seconds = await untilAcknowledged(admin, topic, rows, started);
  task.stop();
  await task.done;
  await admin.disconnect();
  report({ bench, destination: 'kafka', rows, seconds, format: values.format, compression: values.compression, acks: values.acks, partitions, policy: values.policy });
}

/** One JSON line per case: what ran, rows/s, seconds and the task process's peak RSS. */
function report(fields: Record<string, unknown> & { rows: number; seconds: number }): void {
  const { seconds, rows } = fields;
  process.stdout.write(`${JSON.stringify({ ...fields, seconds: Number(seconds.toFixed(2)), rowsPerSecond: Math.round(rows / seconds), peakRssMiB: peakRssMiB() })}\n`);
}
