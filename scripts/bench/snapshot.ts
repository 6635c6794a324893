/**
 * Full data sync throughput: a table of N rows (16 mixed columns) is copied by a full-only task
 * into a fresh Kafka topic (LZ4, acks=all) for each worker count; the clock stops when Kafka
 * acknowledged the last row, and the task must end COMPLETED. Each measurement runs in a child
 * process of its own, so peak RSS belongs to that run (the reader is a worker thread of it).
 * A second child reads the same table through the snapshot code alone (chunk reads, decode, merge;
 * no queue, no Kafka): the source side's ceiling.
 *
 *   npm run bench -- snapshot [--rows 5000000] [--workers 1,2,4] [--chunk-rows 4096]
 *     [--format canal-json|dts-avro] [--reload] [--profile <dir>]
 *
 * --profile writes a V8 CPU profile (.cpuprofile) of each end-to-end run into <dir>, with the reader
 * on the main thread so one profile holds every stage.
 *
 * The table (bench_snapshot.mixed) is kept between runs and reloaded only when its size differs.
 */
import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import type mysql from 'mysql2/promise';
import type { LogFields, Logger } from '../../shared/log.ts';
import { createThrottle } from '../../shared/ops/throttle.ts';
import type { ResumePosition } from '../../shared/record/index.ts';
import { readerOptions } from '../../shared/runtime/compose.ts';
import { runTaskLocally } from '../../shared/runtime/local/run-task.ts';
import type { SqlQuery } from '../../shared/source/schema/table-schemas.ts';
import { ChunkMerger } from '../../shared/source/snapshot/chunk-merger.ts';
import { newSnapshotCursor, runSnapshot } from '../../shared/source/snapshot/snapshot-runner.ts';
import { parseTask, type Task } from '../../shared/task/index.ts';
import { silentLogger } from '../../shared/log.ts';
import { benchLogger, peakRssMiB, sourceConnection, stack, untilAcknowledged } from './bench-env.ts';

const DATABASE = 'bench_snapshot';
const TABLE = 'mixed';
const TABLE_SQL = `CREATE TABLE ${DATABASE}.${TABLE} (
  id BIGINT UNSIGNED NOT NULL PRIMARY KEY, a INT NOT NULL, b DECIMAL(14,4), c VARCHAR(64), d CHAR(10), e DATETIME(3), f TIMESTAMP NULL,
  g DATE, h DOUBLE, i FLOAT, j TEXT, k BLOB, l ENUM('new','paid','shipped','closed'), m JSON, n TINYINT, o BIT(8)
) CHARACTER SET utf8mb4`;
/** Rows per LOAD DATA statement: one transaction each, so undo stays small. */
const LOAD_SLICE = 250_000;

/** A deterministic spread of values per id (xorshift), so every row differs but reruns match. */
function mix(id: number): number {
  let x = (id * 2654435761) >>> 0 || 1;
  x ^= x << 13;
  x ^= x >>> 17;
  x ^= x << 5;
  return x >>> 0;
}

const WORDS = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india', 'juliet'];

/** One tab-separated line for LOAD DATA (`\N` is NULL; the blob goes as hex through @k). */
function line(id: number): string {
  const r = mix(id);
  const day = `2026-${String((r % 12) + 1).padStart(2, '0')}-${String((r % 28) + 1).padStart(2, '0')}`;
  const time = `${String(r % 24).padStart(2, '0')}:${String(r % 60).padStart(2, '0')}:${String((r >>> 8) % 60).padStart(2, '0')}`;
  const text = Array.from({ length: 3 + (r % 20) }, (_, i) => WORDS[(r >>> i) % 10]).join(' ');
  const blob = (r.toString(16).padStart(8, '0') + id.toString(16)).padEnd(24, 'ab');
  return [
    id,
    (r % 2_000_000) - 1_000_000,
    r % 17 === 0 ? '\\N' : `${Math.floor(r / 1000)}.${String(r % 10000).padStart(4, '0')}`,
    `name-${id}-${WORDS[r % 10]}`,
    `c${r % 100000}`,
    `${day} ${time}.${String(r % 1000).padStart(3, '0')}`,
    r % 13 === 0 ? '\\N' : `${day} ${time}`,
    day,
    (r / 7919).toString(),
    ((r % 100000) / 64).toString(),
    text,
    r % 11 === 0 ? '\\N' : blob,
    ['new', 'paid', 'shipped', 'closed'][r % 4],
    `{"id":${id},"tag":"${WORDS[r % 10]}","n":[${r % 7},${r % 5}]}`,
    (r % 256) - 128,
    r % 256,
  ].join('\t');
}

function* lines(from: number, to: number): Generator<Buffer> {
  for (let start = from; start <= to; start += 1000) {
    const end = Math.min(to, start + 999);
    let text = '';
    for (let id = start; id <= end; id++) text += `${line(id)}\n`;
    yield Buffer.from(text);
  }
}

/** Creates and fills the table unless it already holds exactly ids 1..rows (slices load in id order). */
async function ensureTable(conn: mysql.Connection, rows: number, reload: boolean): Promise<void> {
  const [existing] = (await conn.query('SELECT COUNT(*) AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?', [DATABASE, TABLE])) as unknown as [{ n: number }[]];
  if (!reload && Number(existing[0]!.n) > 0) {
    const [[max]] = (await conn.query(`SELECT MAX(id) AS max FROM ${DATABASE}.${TABLE}`)) as unknown as [[{ max: string | null }]];
    if (Number(max.max) === rows) {
      process.stdout.write(`reusing ${DATABASE}.${TABLE} (${rows} rows)\n`);
      return;
    }
  }
  await conn.query(`DROP DATABASE IF EXISTS ${DATABASE}`);
  await conn.query(`CREATE DATABASE ${DATABASE}`);
  await conn.query(TABLE_SQL);
  // The copy reads the table, not the binlog: loading without binlog keeps the stack's binlog small.
  await conn.query("SET SESSION sql_log_bin = 0, time_zone = '+00:00'");
  const started = Date.now();
  for (let from = 1; from <= rows; from += LOAD_SLICE) {
    const to = Math.min(rows, from + LOAD_SLICE - 1);
    await conn.query({
      sql: `LOAD DATA LOCAL INFILE 'generated' INTO TABLE ${DATABASE}.${TABLE} CHARACTER SET utf8mb4 FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\' LINES TERMINATED BY '\\n'
        (id, a, b, c, d, e, f, g, h, i, j, @k, l, m, n, @o) SET k = UNHEX(@k), o = CAST(@o AS UNSIGNED)`,
      infileStreamFactory: () => Readable.from(lines(from, to)),
    });
  }
  process.stdout.write(`loaded ${rows} rows in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}

const queueDir = (workers: number) => `.dts/bench-snapshot-${workers}`;

function benchTask(topic: string, workers: number, chunkRows: number, format: string): Task {
  return parseTask(
    {
      name: 'bench-snapshot',
      // A replica id no other bench uses (catchup 5499, steady 5498): two benches at once would keep evicting each other's binlog connection.
      source: { host: '127.0.0.1', port: stack.mysqlPort, user: 'root', password: '', serverId: 5497 },
      objects: [{ database: DATABASE, tables: [TABLE] }],
      syncTypes: ['full'],
      fullSync: { workers, chunkRows },
      destinations: [{ type: 'kafka', name: 'kafka', brokers: [stack.kafkaBroker], topic, format, compression: 'lz4', acks: 'all' }],
      queue: { type: 'file', dir: queueDir(workers) },
    },
    'bench',
  );
}

interface RunResult {
  readonly seconds: number;
  readonly rowsPerSecond: number;
  readonly peakRssMiB: number;
  /** CPU (user + system, every thread of the child) per 1,000 rows: steadier than rows/s on a shared machine. */
  readonly cpuMsPer1000Rows: number;
  /** End to end: until Kafka acknowledged the last row; with the time the reader had queued every row. */
  readonly queuedSeconds?: number;
}

/** Wraps the task's logger to keep the reader's row count from the progress lines, with their time. */
function progressWatcher(inner: Logger, rows: number, started: number): { log: Logger; queuedSeconds: () => number | undefined } {
  let queued: number | undefined;
  const log: Logger = {
    ...inner,
    debug: (m, f) => inner.debug(m, f),
    warn: (m, f) => inner.warn(m, f),
    error: (m, f) => inner.error(m, f),
    child: (b) => inner.child(b),
    info(message: string, fields?: LogFields) {
      if (message === 'progress' && queued === undefined && Number(fields?.read) >= rows) queued = (Date.now() - started) / 1000;
      inner.info(message, fields);
    },
  };
  return { log, queuedSeconds: () => queued };
}

/** Child: the full-only task into Kafka, until every row is acknowledged and the task is COMPLETED. */
async function endToEnd(rows: number, workers: number, chunkRows: number, format: string, readerThread: boolean): Promise<RunResult> {
  const topic = `bench-snapshot-${workers}w-${Date.now()}`;
  const admin = new Kafka({ brokers: [stack.kafkaBroker], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
  const task = benchTask(topic, workers, chunkRows, format);
  await rm(queueDir(workers), { recursive: true, force: true });
  const started = Date.now();
  const watcher = progressWatcher(benchLogger(), rows, started);
  const run = runTaskLocally({ task, origin: 'bench', baseDir: process.cwd(), log: watcher.log, signal: new AbortController().signal, statusIntervalMs: 250, readerThread });
  const seconds = await untilAcknowledged(admin, topic, rows, started);
  const outcome = await run;
  if (outcome.status !== 'COMPLETED') throw new Error(`the full-only task ended ${outcome.status}, not COMPLETED: ${outcome.error?.message ?? ''}`);
  const delivered = (await admin.fetchTopicOffsets(topic)).reduce((n, p) => n + Number(p.high), 0);
  await admin.deleteTopics({ topics: [topic] }).catch(() => {});
  await admin.disconnect();
  if (delivered !== rows) throw new Error(`Kafka holds ${delivered} messages, the table ${rows} rows`);
  return { seconds, rowsPerSecond: Math.round(rows / seconds), peakRssMiB: peakRssMiB(), cpuMsPer1000Rows: cpuMsPer1000(rows), queuedSeconds: watcher.queuedSeconds() };
}

/** Child: the snapshot code alone, its chunks merged into a target that only counts them. */
async function readOnly(rows: number, workers: number, chunkRows: number): Promise<RunResult> {
  const task = benchTask('unused', workers, chunkRows, 'canal-json');
  const options = readerOptions(task, 'bench');
  const conn = await sourceConnection();
  const query: SqlQuery = async <T>(sql: string, params: unknown[]) => (await conn.query(sql, params))[0] as T[];
  let counted = 0;
  const boundary: ResumePosition = { file: 'binlog.999999', position: Number.MAX_SAFE_INTEGER, gtidSet: null, nextRecordId: 0 };
  const target = { inTransaction: false, boundary, init: (_schema: unknown, chunk: { length: number }) => void (counted += chunk.length), record: () => {} };
  const merger = new ChunkMerger(
    newSnapshotCursor('bench', [`${DATABASE}.${TABLE}`]),
    () => target,
    () => {},
  );
  const started = Date.now();
  await runSnapshot(
    { ...options.fullSync!, throttle: createThrottle(undefined), endpoint: options.endpoint, isMariaDb: true },
    { merger, query, signal: new AbortController().signal, log: silentLogger, room: async () => {} },
  );
  const seconds = (Date.now() - started) / 1000;
  await conn.end();
  if (counted !== rows) throw new Error(`the snapshot read ${counted} rows, the table has ${rows}`);
  return { seconds, rowsPerSecond: Math.round(rows / seconds), peakRssMiB: peakRssMiB(), cpuMsPer1000Rows: cpuMsPer1000(rows) };
}

/** This process's CPU time so far (start-up included, a second or so) per 1,000 rows. */
function cpuMsPer1000(rows: number): number {
  const { user, system } = process.cpuUsage();
  return Math.round(((user + system) / 1000 / rows) * 1000 * 100) / 100;
}

/** Runs one measurement in a fresh process (this script with --child), optionally CPU-profiled. */
function inChild(args: string[], profileDir: string | undefined): Promise<RunResult> {
  const nodeArgs = [...process.execArgv, ...(profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : []), process.argv[1]!, 'snapshot', ...args];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, nodeArgs, { stdio: ['ignore', 'pipe', 'inherit'] });
    let result: RunResult | undefined;
    let buffered = '';
    child.stdout.on('data', (data: Buffer) => {
      buffered += data.toString();
      const parts = buffered.split('\n');
      buffered = parts.pop()!;
      for (const l of parts) {
        if (l.startsWith('RESULT ')) result = JSON.parse(l.slice(7)) as RunResult;
        else process.stdout.write(`${l}\n`);
      }
    });
    child.on('error', reject);
    child.on('exit', (code) => (result && code === 0 ? resolve(result) : reject(new Error(`snapshot bench child ${args.join(' ')} exited with code ${code}`))));
  });
}

const fmt = (n: number) => n.toLocaleString('en-US');

export async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      rows: { type: 'string', default: '5000000' },
      workers: { type: 'string', default: '1,2,4' },
      'chunk-rows': { type: 'string', default: '4096' },
      format: { type: 'string', default: 'canal-json' },
      reload: { type: 'boolean', default: false },
      /** Write V8 CPU profiles of the end-to-end children here; the reader then runs on the main thread, in the same profile. */
      profile: { type: 'string' },
      child: { type: 'string' },
    },
  });
  const rows = Number(values.rows);
  const chunkRows = Number(values['chunk-rows']);
  const workerCounts = values.workers.split(',').map(Number);
  if (values.child) {
    const workers = workerCounts[0]!;
    const result = values.child === 'read' ? await readOnly(rows, workers, chunkRows) : await endToEnd(rows, workers, chunkRows, values.format, !values.profile);
    process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
    process.exit(0); // kafkajs and the reader thread's handles need not wind down
  }

  const conn = await sourceConnection();
  await ensureTable(conn, rows, values.reload);
  await conn.end();
  const common = ['--rows', String(rows), '--chunk-rows', String(chunkRows), '--format', values.format];
  const table: string[] = [];
  for (const workers of workerCounts) {
    process.stdout.write(`workers ${workers}: snapshot read only\n`);
    const read = await inChild([...common, '--workers', String(workers), '--child', 'read'], undefined);
    process.stdout.write(`workers ${workers}: end to end into Kafka\n`);
    const e2e = await inChild([...common, '--workers', String(workers), '--child', 'e2e', ...(values.profile ? ['--profile', values.profile] : [])], values.profile);
    const queued = e2e.queuedSeconds === undefined ? 'n/a' : `${fmt(Math.round(rows / e2e.queuedSeconds))} (${e2e.queuedSeconds.toFixed(1)} s)`;
    table.push(
      `| ${fmt(rows)} | ${workers} | ${fmt(chunkRows)} | ${values.format} | ${fmt(e2e.rowsPerSecond)} | ${e2e.seconds.toFixed(1)} | ${e2e.peakRssMiB} MiB | ${e2e.cpuMsPer1000Rows} | ${queued} | ${fmt(read.rowsPerSecond)} | ${read.peakRssMiB} MiB | ${read.cpuMsPer1000Rows} |`,
    );
  }
  process.stdout.write(
    [
      '',
      '| rows | workers | chunk rows | format | end to end rows/s | seconds | peak RSS | CPU ms / 1k rows | queued rows/s (s) | read-only rows/s | read-only peak RSS | read-only CPU ms / 1k rows |',
      '|---|---|---|---|---|---|---|---|---|---|---|---|',
      ...table,
      '',
    ].join('\n'),
  );
}
