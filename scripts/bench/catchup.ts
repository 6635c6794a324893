/**
 * Catch-up throughput: N rows (16 mixed columns) are written while nothing runs; then the task
 * starts at the position before them and the clock runs until Kafka acknowledged the last row
 * (the topic's end offset reaches N). Reports rows/s and peak RSS of the task process.
 *
 *   npm run bench -- catchup [--rows 1000000] [--batch 1000] [--format canal-json|dts-avro]
 *     [--compression lz4|gzip|snappy|none] [--acks all|leader|none] [--partitions 1] [--policy partition-zero|database-table|primary-key]
 */
import { rm } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import type mysql from 'mysql2/promise';
import { runTaskLocally } from '../../shared/runtime/local/run-task.ts';
import { parseTask } from '../../shared/task/index.ts';
import { benchLogger, peakRssMiB, sourceConnection, stack, untilAcknowledged } from './bench-env.ts';

export const TABLE_SQL = `CREATE TABLE bench.catchup (
  id BIGINT UNSIGNED PRIMARY KEY, a INT, b BIGINT, c SMALLINT UNSIGNED, d DECIMAL(12,2), e DOUBLE, f FLOAT,
  g VARCHAR(64), h CHAR(8), i TEXT, j DATETIME(6), k TIMESTAMP(3) NULL, l DATE, m TINYINT, n VARBINARY(16), o ENUM('x','y','z')
) CHARACTER SET utf8mb4`;

function row(id: number): string {
  const ts = `2026-01-${String((id % 28) + 1).padStart(2, '0')} 12:34:56`;
  return `(${id},${id % 100000},${id * 7},${id % 65535},${(id % 10000) / 100},${id / 3},${id % 1000},'name-${id}','c${id % 1000}','text value ${id}','${ts}.123456','${ts}.123','2026-02-03',${id % 127},x'${(id % 65536).toString(16).padStart(4, '0')}','${'xyz'[id % 3]}')`;
}

export async function insertRows(conn: mysql.Connection, rows: number, batch: number): Promise<void> {
  for (let start = 1; start <= rows; start += batch) {
    const values: string[] = [];
    for (let id = start; id < start + batch && id <= rows; id++) values.push(row(id));
    await conn.query(`INSERT INTO bench.catchup VALUES ${values.join(',')}`);
  }
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
    },
  });
  const partitions = Number(values.partitions);
  const rows = Number(values.rows);
  const conn = await sourceConnection();
  await conn.query('DROP DATABASE IF EXISTS bench');
  await conn.query('CREATE DATABASE bench');
  await conn.query(TABLE_SQL);
  const [[gtid]] = (await conn.query('SELECT @@gtid_binlog_pos AS pos')) as unknown as [[{ pos: string }]];
  const insertStart = Date.now();
  await insertRows(conn, rows, Number(values.batch));
  process.stdout.write(`inserted ${rows} rows in ${((Date.now() - insertStart) / 1000).toFixed(1)} s\n`);
  await conn.end();

  const topic = `bench-catchup-${Date.now()}`;
  const kafka = new Kafka({ brokers: [stack.kafkaBroker], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: true });

  const dir = '.dts/bench-catchup';
  await rm(dir, { recursive: true, force: true });
  const task = parseTask(
    {
      name: 'bench-catchup',
      source: { host: '127.0.0.1', port: stack.mysqlPort, user: 'root', password: '', serverId: 5499, start: { gtid: gtid.pos } },
      objects: [{ database: 'bench', tables: ['catchup'] }],
      destinations: [{ type: 'kafka', name: 'kafka', brokers: [stack.kafkaBroker], topic, format: values.format, compression: values.compression, acks: values.acks, partitionPolicy: values.policy }],
      queue: { type: 'file', dir },
    },
    'bench',
  );
  const stop = new AbortController();
  const started = Date.now();
  const run = runTaskLocally({ task, origin: 'bench', baseDir: process.cwd(), log: benchLogger(), signal: stop.signal, statusIntervalMs: 60_000 });
  const seconds = await untilAcknowledged(admin, topic, rows, started);
  stop.abort();
  await run;
  await admin.disconnect();
  process.stdout.write(`catchup: ${rows} rows, ${values.format}, ${values.compression}, acks=${values.acks}, ${partitions} partition(s) ${values.policy}, ${seconds.toFixed(2)} s, ${Math.round(rows / seconds)} rows/s, peak RSS ${peakRssMiB()} MiB\n`);
}
