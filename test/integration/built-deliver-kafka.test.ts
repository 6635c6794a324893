/**
 * The bundled deliver-kafka function (scripts/build.ts) against the stack's Kafka: what `s deploy`
 * uploads delivers the queue as the source tree does. The build's own checks, which need no
 * server, are in test/unit/deploy/build.test.ts.
 */
import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFunctions } from '../../scripts/build.ts';
import { createFileQueue } from '../../shared/queue/file/index.ts';
import { makeBatch } from '../helpers/queue-batches.ts';
import { consumeMessages, createTopic, stack, tempDir, uniqueName } from '../helpers/stack.ts';
import { invokeBuilt } from '../unit/deploy/run-built.ts';

describe('the built deliver-kafka function', () => {
  const outdir = join(tmpdir(), `dts-build-kafka-${process.pid}-${Date.now().toString(36)}`);
  let work: string;

  beforeAll(async () => {
    await buildFunctions({ outdir, functions: ['deliver-kafka'] });
    work = await tempDir('built');
  }, 180_000);

  afterAll(async () => {
    await rm(outdir, { recursive: true, force: true });
  });

  it('deliver-kafka sends the queue to Kafka, LZ4-compressed, in order, and moves its cursor', { timeout: 90_000 }, async () => {
    const topic = uniqueName('built');
    await createTopic(topic);
    const queueDir = join(work, 'deliver-queue');
    const queue = await createFileQueue(queueDir, { consumers: ['kafka'] });
    for (let i = 1; i <= 4; i++) await queue.append(makeBatch(i, 2));
    await queue.close();
    const taskFile = join(work, 'deliver.yaml');
    await writeFile(
      taskFile,
      stringify({
        name: 'built-deliver',
        source: { host: '127.0.0.1', port: stack.mysqlPort, user: 'root', password: '', serverId: 5901 },
        objects: [{ database: 'shop' }],
        destinations: [{ type: 'kafka', name: 'kafka', brokers: [stack.kafkaBroker], topic, format: 'canal-json', compression: 'lz4' }],
        queue: { type: 'file', dir: queueDir },
      }),
    );
    const run = await invokeBuilt(outdir, 'deliver-kafka', { taskFile, idleMs: 300, maxRunMs: 30_000 }, { cwd: work });
    expect(run.error).toBeUndefined();
    expect(run.result).toEqual({ task: 'built-deliver', delivered: { kafka: 8 } });
    const messages = await consumeMessages(topic, 8);
    expect(messages.map((m) => [m.json.id, m.json.type, m.json.table])).toEqual(Array.from({ length: 8 }, (_, n) => [n + 1, n % 2 === 0 ? 'INSERT' : 'UPDATE', 'orders']));
    const after = await createFileQueue(queueDir, { consumers: ['kafka'], writer: false });
    expect(await after.cursor('kafka')).toBe(4);
    await after.close();
  });
});
