/**
 * The FC latency function as its timer calls it each minute: it logs the task's metrics as one
 * structured `metrics` line and returns the same values, and appends one sample per destination to
 * the stored latency series (bounded; at most one a minute; a destination without a latency adds
 * none; a destination no longer in the task loses its series). Over a real file queue and state file.
 */
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Logger, LogFields } from '../../../shared/log.ts';
import { createFileQueue } from '../../../shared/queue/file/index.ts';
import type { Batch, ChangeRecord, TableSchema } from '../../../shared/record/index.ts';
import { MysqlTypeCode } from '../../../shared/record/index.ts';
import { LATENCY_SAMPLE_MIN_INTERVAL_MS, latencyEntry } from '../../../shared/runtime/entries/latency.ts';
import type { FcContext } from '../../../shared/runtime/fc/context.ts';
import { LATENCY_SERIES_LIMIT, readTaskState, writeTaskState, type LatencySample } from '../../../shared/task/index.ts';
import { stack, tempDir } from '../../helpers/stack.ts';

const SCHEMA: TableSchema = {
  database: 'shop',
  table: 'orders',
  columns: [{ name: 'k', type: 'int', typeCode: MysqlTypeCode.LONG, unsigned: false, charset: null, nullable: false, key: true }],
  pkNames: ['k'],
};

/** Records `first..last`, each committed at `sourceTimeMs`, in one batch. */
function batch(first: number, last: number, sourceTimeMs: number): Batch {
  const records: ChangeRecord[] = [];
  for (let id = first; id <= last; id++) {
    records.push({
      id,
      seq: 0,
      op: 'INSERT',
      schema: SCHEMA,
      before: null,
      after: [id],
      source: { serverId: 1, file: 'binlog.000001', position: id * 100, gtid: null, timestampMs: sourceTimeMs, txId: String(id) },
    });
  }
  return { records, resume: { file: 'binlog.000001', position: last * 100 + 50, gtidSet: null, nextRecordId: last + 1 }, endsTransaction: true, lastRecordId: last, sourceTimeMs };
}

/** A logger that keeps every line, as FC's log would. */
function capturingLogger(): Logger & { lines: { message: string; fields: LogFields }[] } {
  const lines: { message: string; fields: LogFields }[] = [];
  const log = {
    lines,
    debug: (message: string, fields: LogFields = {}) => void lines.push({ message, fields }),
    info: (message: string, fields: LogFields = {}) => void lines.push({ message, fields }),
    warn: (message: string, fields: LogFields = {}) => void lines.push({ message, fields }),
    error: (message: string, fields: LogFields = {}) => void lines.push({ message, fields }),
    child: () => log,
  };
  return log;
}

describe('the latency function: metrics line and latency series', () => {
  let dir: string;
  const started = Date.now();
  const t = (secondsAgo: number) => started - secondsAgo * 1000;

  beforeAll(async () => {
    dir = await tempDir('latency-entry');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  async function taskWithQueue(name: string): Promise<{ taskFile: string; queueDir: string }> {
    const queueDir = join(dir, name);
    const queue = await createFileQueue(queueDir, { consumers: ['kafka', 'fc'] });
    await queue.append(batch(1, 4, t(30))); // seq 1
    await queue.append(batch(5, 6, t(20))); // seq 2
    await queue.append({ ...batch(7, 6, t(5)), records: [], lastRecordId: 6 }); // seq 3: a heartbeat checkpoint
    await queue.commit('kafka', 3);
    await queue.close();
    const taskFile = join(dir, `${name}.yaml`);
    // JSON is YAML; the source and brokers are never contacted by this function.
    await writeFile(
      taskFile,
      JSON.stringify({
        name,
        source: { host: '127.0.0.1', port: stack.mysqlPort, user: 'root', password: '', serverId: 5931 },
        objects: [{ database: 'shop' }],
        destinations: [
          { type: 'kafka', name: 'kafka', brokers: [stack.kafkaBroker], topic: 't' },
          { type: 'kafka', name: 'fc', brokers: [stack.kafkaBroker], topic: 't2' },
        ],
        queue: { type: 'file', dir: queueDir },
      }),
    );
    return { taskFile, queueDir };
  }

  it('logs one metrics line with the values it returns, and appends a bounded sample per destination at most once a minute', async () => {
    const { taskFile, queueDir } = await taskWithQueue('lat-entry');
    const stateFile = join(queueDir, 'state.json');
    // A full series from the last hour for kafka, an old one for fc, and one for a destination since removed.
    const hour: LatencySample[] = Array.from({ length: LATENCY_SERIES_LIMIT }, (_, i) => [t(3600 - i * 60), 1000 + i]);
    await writeTaskState(stateFile, {
      status: 'RUNNING',
      at: new Date(t(3600)).toISOString(),
      retryWindows: { 'deliver:fc': { since: t(120), attempts: 3 } },
      latencySeries: { kafka: hour, fc: [[t(600), 42]], removed: [[t(600), 7]] },
    });

    const log = capturingLogger();
    const before = Date.now();
    const result = (await latencyEntry({ taskFile, scanRecords: 100_000 }, {} as FcContext, log)) as { destinations: Record<string, { latencyMs: number | null }>; metrics: unknown };
    const after = Date.now();
    const latencyMs = result.destinations.kafka!.latencyMs!;
    // kafka acknowledged the checkpoint whose passed commit time is 5 s before the test began.
    expect(latencyMs).toBeGreaterThanOrEqual(before - t(5));
    expect(latencyMs).toBeLessThanOrEqual(after - t(5));
    expect(result.metrics).toEqual({
      task: 'lat-entry',
      status: 'RUNNING',
      readRecordsTotal: 6,
      queueHeadSeq: 3,
      destinations: {
        kafka: { deliveredRecordsTotal: 6, latencyMs, latencyExact: true, cursor: 3, pendingBatches: 0, pendingRecords: 0 },
        fc: { deliveredRecordsTotal: 0, latencyMs: null, latencyExact: true, cursor: 0, pendingBatches: 3, pendingRecords: 6 },
      },
      retryWindows: {
        reader: { open: false, openSeconds: 0, attempts: 0 },
        'deliver:kafka': { open: false, openSeconds: 0, attempts: 0 },
        'deliver:fc': { open: true, openSeconds: expect.closeTo(122, -1) as number, attempts: 3 },
      },
      fullSync: null,
    });
    const metricLines = log.lines.filter((l) => l.message === 'metrics');
    expect(metricLines).toHaveLength(1);
    expect(metricLines[0]!.fields).toEqual(result.metrics);

    const series = (await readTaskState(stateFile))!.latencySeries!;
    expect(Object.keys(series)).toEqual(['kafka', 'fc']); // `removed` is no longer a destination
    expect(series.kafka).toHaveLength(LATENCY_SERIES_LIMIT);
    expect(series.kafka!.slice(0, -1)).toEqual(hour.slice(1)); // the oldest fell off, the order is kept
    const [at, sampled] = series.kafka!.at(-1)!;
    expect(at).toBeGreaterThanOrEqual(before);
    expect(at).toBeLessThanOrEqual(after);
    expect(sampled).toBe(latencyMs);
    expect(series.fc).toEqual([[t(600), 42]]); // nothing acknowledged: no sample

    // Invoked again within the minute: the metrics line again, no second sample.
    const again = capturingLogger();
    await latencyEntry({ taskFile, scanRecords: 100_000 }, {} as FcContext, again);
    expect(again.lines.filter((l) => l.message === 'metrics')).toHaveLength(1);
    expect((await readTaskState(stateFile))!.latencySeries).toEqual(series);
    expect(LATENCY_SAMPLE_MIN_INTERVAL_MS).toBeLessThan(60_000);
  });

  it('a task with no stored state gets its metrics logged (RUNNING) and no state made up', async () => {
    const { taskFile, queueDir } = await taskWithQueue('lat-entry-new');
    const log = capturingLogger();
    const result = (await latencyEntry({ taskFile, scanRecords: 100_000 }, {} as FcContext, log)) as { metrics: { status: string; readRecordsTotal: number } };
    expect(result.metrics).toMatchObject({ status: 'RUNNING', readRecordsTotal: 6 });
    expect(log.lines.filter((l) => l.message === 'metrics').map((l) => l.fields)).toEqual([result.metrics]);
    expect(await readTaskState(join(queueDir, 'state.json'))).toBeNull();
  });
});
