/**
 * Latency under steady load: while the task runs (real reader thread → file queue → Kafka, Canal
 * JSON, acks=all), a writer process inserts rows at a fixed rate in small transactions. The number
 * reported per row is
 *
 *   Kafka LogAppendTime of the row's message − the wall-clock time its source COMMIT returned,
 *
 * both in ms on this machine's clock: the topic is created with message.timestamp.type=
 * LogAppendTime, so the broker stamps each batch when the leader appends it (acks=all on one node:
 * the acknowledgement follows that append). The writer (steady-writer.ts, its own process, so its
 * work and memory are not the task's) records when each transaction's COMMIT returned, keyed by
 * the transaction's first row id; after the run the topic is read back and each message's row id
 * (`data[0].id`) finds its transaction. Prints p50/p90/p99/max, rows/s and the task process's
 * peak RSS (taken before the topic is read back) as one JSON line.
 *
 *   npm run bench -- steady [--rate 5000] [--seconds 60] [--tx-rows 25] [--compression lz4]
 */
import { rm } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { startMemoryTrace } from '../../shared/runtime/local/memory-trace.ts';
import { runTaskLocally } from '../../shared/runtime/local/run-task.ts';
import { parseTask } from '../../shared/task/index.ts';
import { benchLogger, peakRssMiB, sourceConnection, spawnBenchScript, stack, untilAcknowledged } from './bench-env.ts';
import { benchTableSql } from './bench-table.ts';
import type { WriterCommits } from './steady-writer.ts';

const DATABASE = 'bench_steady';
const TABLE = 'rows';

export async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      rate: { type: 'string', default: '5000' },
      seconds: { type: 'string', default: '60' },
      'tx-rows': { type: 'string', default: '25' },
      compression: { type: 'string', default: 'lz4' },
    },
  });
  const rate = Number(values.rate);
  const txRows = Number(values['tx-rows']);
  const rows = rate * Number(values.seconds);
  const conn = await sourceConnection();
  await conn.query(`DROP DATABASE IF EXISTS ${DATABASE}`);
  await conn.query(`CREATE DATABASE ${DATABASE}`);
  await conn.query(benchTableSql(DATABASE, TABLE));
  await conn.end();

  const topic = `bench-steady-${Date.now()}`;
  const kafka = new Kafka({ brokers: [stack.kafkaBroker], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 1, configEntries: [{ name: 'message.timestamp.type', value: 'LogAppendTime' }] }], waitForLeaders: true });

  const dir = '.dts/bench-steady';
  await rm(dir, { recursive: true, force: true });
  const source = { host: '127.0.0.1', port: stack.mysqlPort, user: 'root', password: '', serverId: 5498, start: 'current' };
  const destination = { type: 'kafka', name: 'kafka', brokers: [stack.kafkaBroker], topic, format: 'canal-json', compression: values.compression, acks: 'all' };
  const task = parseTask({ name: 'bench-steady', source, objects: [{ database: DATABASE, tables: [TABLE] }], destinations: [destination], queue: { type: 'file', dir } }, 'bench');
  const stop = new AbortController();
  startMemoryTrace('main');
  let ready: () => void = () => {};
  const streaming = new Promise<void>((r) => (ready = r));
  const done = runTaskLocally({ task, origin: 'bench', baseDir: process.cwd(), log: benchLogger(), signal: stop.signal, statusIntervalMs: 60_000, onReaderReady: () => ready() });
  await Promise.race([streaming, done.then((o) => Promise.reject(new Error(`the task ended (${o.status}) before it streamed: ${o.error?.message ?? ''}`)))]);

  const started = Date.now();
  const writer = await runWriter(rows, rate, txRows);
  const seconds = await untilAcknowledged(admin, topic, rows, started);
  const peak = peakRssMiB();
  stop.abort();
  await done;

  const latencies = await readLatencies(kafka, admin, topic, rows, writer);
  await admin.disconnect();
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
  process.stdout.write(
    `${JSON.stringify({
      bench: 'steady',
      rows,
      rate,
      txRows,
      writerRowsPerSecond: Math.round(rows / (writer.elapsedMs / 1000)),
      rowsPerSecond: Math.round(rows / seconds),
      seconds: Number(seconds.toFixed(2)),
      latencyMs: { measures: 'source COMMIT returned -> Kafka LogAppendTime', p50: at(0.5), p90: at(0.9), p99: at(0.99), max: latencies.at(-1) },
      compression: values.compression,
      acks: 'all',
      peakRssMiB: peak,
    })}\n`,
  );
}

/** Runs steady-writer.ts in a process of its own; resolves with its commit times. */
function runWriter(rows: number, rate: number, txRows: number): Promise<WriterCommits> {
  const child = spawnBenchScript('steady-writer.ts', [DATABASE, TABLE, String(rows), String(rate), String(txRows)], 'pipe');
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('COMMITS '));
      if (code !== 0 || !line) reject(new Error(`the writer exited with code ${code} without its commit times`));
      else resolve(JSON.parse(line.slice('COMMITS '.length)) as WriterCommits);
    });
  });
}

/** Reads the topic back; per row, LogAppendTime − its transaction's commit-return time (ms), sorted. */
async function readLatencies(kafka: Kafka, admin: Admin, topic: string, rows: number, writer: WriterCommits): Promise<Float64Array> {
  const commitMs = new Float64Array(writer.commits.length);
  for (const [i, [first, ms]] of writer.commits.entries()) {
    if (first !== i * writer.txRows + 1) throw new Error(`the writer's transaction ${i} starts at row ${first}, expected ${i * writer.txRows + 1}`);
    commitMs[i] = ms;
  }
  const latencies = new Float64Array(rows);
  const seen = new Uint8Array(rows + 1);
  let count = 0;
  const consumer = kafka.consumer({ groupId: `${topic}-reader`, maxBytes: 64 << 20 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const all = new Promise<void>((resolve, reject) => {
    void consumer.run({
      eachBatch: async ({ batch }) => {
        for (const m of batch.messages) {
          const id = Number(/"data":\[\{"id":"(\d+)"/.exec(m.value?.toString() ?? '')?.[1]);
          if (!Number.isInteger(id) || id < 1 || id > rows) return reject(new Error(`message at offset ${m.offset} of ${topic} has no row id in 1..${rows}`));
          if (seen[id]) continue; // delivered twice (a retry): the first append counts
          seen[id] = 1;
          latencies[count++] = Number(m.timestamp) - commitMs[Math.floor((id - 1) / writer.txRows)]!;
        }
        if (count === rows) resolve();
      },
    });
  });
  await all;
  await consumer.disconnect();
  await admin.deleteGroups([`${topic}-reader`]).catch(() => {});
  return latencies.sort();
}
