/**
 * The DTS heartbeat against the real source: the local runner upserts a row into the heartbeat
 * table every interval, the reader passes its commit time into the queue without delivering it,
 * and a destination's latency (now − source time of the newest change it acknowledged) stays
 * within about two intervals on an idle source, while it grows without heartbeats. Binlog times
 * have second precision, so "two intervals" of 1 s is checked as under 3 s.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../shared/log.ts';
import type { FcContext } from '../../shared/runtime/fc/context.ts';
import { heartbeatEntry } from '../../shared/runtime/entries/heartbeat.ts';
import { latencyEntry } from '../../shared/runtime/entries/latency.ts';
import { loadTask } from '../../shared/task/index.ts';
import { createFileQueue } from '../../shared/queue/file/index.ts';
import { destinationLatency } from '../../shared/queue/latency.ts';
import { readerOptions } from '../../shared/runtime/compose.ts';
import { beat, HeartbeatPrivilegeError, parseHeartbeatTable } from '../../shared/source/heartbeat/index.ts';
import type { Task } from '../../shared/task/index.ts';
import { consumeMessages, createTopic, sourceConnection, stack, startTask, taskFor, tempDir, uniqueName, useDatabase, waitFor } from '../helpers/stack.ts';
import { readAll } from '../helpers/stored-queue.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Samples the destination's latency every 250 ms for `ms`, each time on a fresh read-only view of the queue. */
async function sampleLatency(dir: string, ms: number): Promise<{ latencies: number[]; firstTime: number; lastTime: number }> {
  const latencies: number[] = [];
  let firstTime = 0;
  let lastTime = 0;
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const queue = await createFileQueue(dir, { consumers: ['kafka'], writer: false });
    try {
      const l = await destinationLatency(queue, 'kafka');
      expect(l.exact).toBe(true);
      latencies.push(l.latencyMs!);
      firstTime ||= l.sourceTimeMs!;
      lastTime = l.sourceTimeMs!;
    } finally {
      await queue.close();
    }
    await sleep(250);
  }
  return { latencies, firstTime, lastTime };
}

describe('heartbeat and latency', () => {
  const { db, conn } = useDatabase('hb', 'CREATE TABLE ${db}.t (id INT PRIMARY KEY, v VARCHAR(20))');

  it('keeps an idle task current within two intervals, and never delivers a heartbeat row, even when the whole database is selected', { timeout: 60_000 }, async () => {
    const topic = uniqueName('hb');
    await createTopic(topic);
    const dir = await tempDir('hb');
    // The heartbeat table lives in the selected database: its rows and its CREATE TABLE are in the stream.
    const task = taskFor({ database: db, topic, dir }, { name: uniqueName('hbtask'), advanced: { heartbeat: { table: `${db}.dts_heartbeat`, intervalSeconds: 1 } } });
    const run = startTask(task);
    try {
      await run.ready;
      await conn().query(`INSERT INTO ${db}.t VALUES (1, 'one'), (2, 'two')`);
      await conn().query(`UPDATE ${db}.t SET v = 'uno' WHERE id = 1`);
      await consumeMessages(topic, 3);
      await sleep(2_000); // idle from here on: only heartbeats
      const idle = await sampleLatency(dir, 6_000);
      expect(Math.max(...idle.latencies)).toBeLessThan(3_000);
      // The acknowledged source time moved with the beats (about 6 s), not with changes.
      expect(idle.lastTime - idle.firstTime).toBeGreaterThanOrEqual(4_000);

      await conn().query(`INSERT INTO ${db}.t VALUES (3, 'three')`);
      // canal-json: one message per row. A heartbeat leaking into the topic would come before 'three'.
      const messages = (await consumeMessages(topic, 4)).map((m) => m.json as { type: string; table: string; data: { id: string; v: string }[] });
      expect(messages.map((m) => [m.type, m.table, m.data.map((r) => [r.id, r.v])])).toEqual([
        ['INSERT', 't', [['1', 'one']]],
        ['INSERT', 't', [['2', 'two']]],
        ['UPDATE', 't', [['1', 'uno']]],
        ['INSERT', 't', [['3', 'three']]],
      ]);
      const [beats] = (await conn().query(`SELECT task FROM ${db}.dts_heartbeat`)) as unknown as [{ task: string }[]];
      expect(beats).toEqual([{ task: task.name }]); // one row per task, upserted at every beat
    } finally {
      await run.stop();
    }
    // Every stored record is a row of t: heartbeats moved the stream (empty batches) and carried no record.
    const queue = await createFileQueue(dir, { consumers: ['kafka'], writer: false });
    try {
      const entries = await readAll(queue);
      const records = entries.flatMap((e) => e.batch.records);
      expect(records.map((r) => (r.op === 'DDL' ? `DDL ${r.table}` : `${r.op} ${r.schema.table}`))).toEqual(['INSERT t', 'INSERT t', 'UPDATE t', 'INSERT t']);
      expect(entries.filter((e) => e.batch.records.length === 0).length).toBeGreaterThanOrEqual(5);
    } finally {
      await queue.close();
    }
  });

  it('without heartbeats, the latency of an idle task grows past the checkpoint interval', { timeout: 60_000 }, async () => {
    const topic = uniqueName('nohb');
    await createTopic(topic);
    const dir = await tempDir('nohb');
    const task = taskFor({ database: db, tables: ['t'], topic, dir }, { name: uniqueName('nohbtask'), advanced: { heartbeat: false } });
    const run = startTask(task);
    try {
      await run.ready;
      await conn().query(`INSERT INTO ${db}.t VALUES (10, 'ten')`);
      await consumeMessages(topic, 1);
      // Other writers of the shared server may move the stream, but only at the 5 s checkpoints.
      const idle = await sampleLatency(dir, 7_000);
      expect(Math.max(...idle.latencies)).toBeGreaterThanOrEqual(4_000);
    } finally {
      await run.stop();
    }
  });
});

describe('the heartbeat and latency functions', () => {
  const { db, conn } = useDatabase('hbfn', 'CREATE TABLE ${db}.t (id INT PRIMARY KEY)');

  it('the heartbeat function writes the beat that brings the latency function back to seconds', { timeout: 60_000 }, async () => {
    const topic = uniqueName('hbfn');
    await createTopic(topic);
    const dir = await tempDir('hbfn');
    const taskFile = join(dir, 'task.yaml');
    // An interval of an hour: the runner beats once at start, then only the function's beat moves the stream.
    await writeFile(
      taskFile,
      JSON.stringify({
        name: uniqueName('hbfn'),
        source: { host: '127.0.0.1', port: stack.mysqlPort, user: 'root', password: '', serverId: 6000 + (process.pid % 1000) },
        objects: [{ database: db, tables: ['t'] }],
        destinations: [{ type: 'kafka', name: 'kafka', brokers: [stack.kafkaBroker], topic, format: 'canal-json' }],
        queue: { type: 'file', dir: join(dir, 'queue') },
        advanced: { heartbeat: { table: `${db}.beat`, intervalSeconds: 3600 } },
      }),
    );
    const task = await loadTask(taskFile);
    const run = startTask(task);
    // Entries take their validated event (defaults applied), as fcHandler hands it over.
    const invoke = async (entry: typeof latencyEntry) => entry({ taskFile, scanRecords: 100_000 }, {} as FcContext, silentLogger);
    try {
      await run.ready;
      await conn().query(`INSERT INTO ${db}.t VALUES (1)`);
      await consumeMessages(topic, 1);
      // Other writers of the shared server move the stream too, but only at the reader's 5 s checkpoints.
      const stale = await waitFor(
        async () => {
          const r = (await invoke(latencyEntry)) as { destinations: { kafka: { latencyMs: number; behindBatches: number } } };
          return r.destinations.kafka.latencyMs >= 3_000 && r;
        },
        15_000,
        'latency of 3 s or more on the idle source',
      );
      expect(stale.destinations.kafka.behindBatches).toBe(0);

      const beatAt = Date.now();
      const report = await invoke(heartbeatEntry);
      expect(report.heartbeat).toMatchObject({ table: `${db}.beat`, intervalSeconds: 3600, written: true });
      const [beats] = (await conn().query(`SELECT task FROM ${db}.beat`)) as unknown as [{ task: string }[]];
      expect(beats).toEqual([{ task: task.name }]);
      // The beat reaches the queue at the reader's next checkpoint (every 5 s here): from then on
      // the latency is measured from the beat (binlog times are whole seconds), not from row 1.
      type Latency = { latencyMs: number; currentTo: string | null };
      const fresh = await waitFor(
        async () => {
          const k = ((await invoke(latencyEntry)) as { destinations: { kafka: Latency } }).destinations.kafka;
          return k.currentTo !== null && Date.parse(k.currentTo) >= Math.floor(beatAt / 1000) * 1000 && { k, at: Date.now() };
        },
        15_000,
        "the latency function current to the heartbeat function's beat",
      );
      expect(fresh.k.latencyMs).toBeLessThanOrEqual(fresh.at - beatAt + 1_000);
      expect(fresh.k.latencyMs).toBeLessThan(stale.destinations.kafka.latencyMs + (fresh.at - beatAt));
    } finally {
      await run.stop();
    }
  });
});

describe('a source user without the heartbeat privileges', () => {
  const user = `hb_${process.pid}`;
  const database = uniqueName('hbpriv');
  const heartbeat = parseHeartbeatTable(`${database}.beat`);
  let task: Task;
  beforeAll(async () => {
    const c = await sourceConnection();
    await c.query(`CREATE USER '${user}'@'%' IDENTIFIED BY 'hb-secret'`);
    await c.end();
    task = taskFor({ database, topic: 'unused', dir: '/tmp/unused' }, { source: { host: '127.0.0.1', port: stack.mysqlPort, user, password: 'hb-secret', serverId: 6000 + (process.pid % 1000) } });
  });
  afterAll(async () => {
    const c = await sourceConnection();
    await c.query(`DROP USER IF EXISTS '${user}'@'%'`);
    await c.query(`DROP DATABASE IF EXISTS ${database}`);
    await c.end();
  });
  const grant = async (privilege: string) => {
    const c = await sourceConnection();
    await c.query(`GRANT ${privilege} ON ${database}.* TO '${user}'@'%'`);
    await c.end();
  };
  const failure = async (): Promise<HeartbeatPrivilegeError> => {
    const err = await beat(readerOptions(task, 'test').endpoint, heartbeat, 'privtask').then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(HeartbeatPrivilegeError);
    return err as HeartbeatPrivilegeError;
  };

  it('names CREATE, then INSERT, then UPDATE, each with the GRANT that fixes it, and writes once all are granted', async () => {
    const create = await failure();
    expect(create.privilege).toBe('CREATE');
    expect(create.code).toBe('DTS_HEARTBEAT_PRIVILEGE');
    expect(create.retriable).toBe(false);
    expect(create.message).toBe(
      `the heartbeat cannot create ${database}.beat in the source: the source user lacks the CREATE privilege; run GRANT CREATE, SELECT, INSERT, UPDATE ON \`${database}\`.* TO the task's source user, or set advanced.heartbeat.table to a table it may write, or advanced.heartbeat: false (latency then grows while the source is idle)`,
    );
    expect(create.message).not.toContain('hb-secret');

    await grant('CREATE');
    const insert = await failure();
    expect(insert.privilege).toBe('INSERT');
    expect(insert.message).toContain(`lacks the INSERT privilege; run GRANT SELECT, INSERT, UPDATE ON \`${database}\`.\`beat\` TO the task's source user`);

    await grant('INSERT');
    const update = await failure();
    expect(update.privilege).toBe('UPDATE');

    // MariaDB also checks SELECT on the column the upsert sets; granted with UPDATE, as the message advises.
    await grant('SELECT, UPDATE');
    await beat(readerOptions(task, 'test').endpoint, heartbeat, 'privtask');
    await beat(readerOptions(task, 'test').endpoint, heartbeat, 'privtask');
    const c = await sourceConnection();
    const [rows] = (await c.query(`SELECT task FROM ${database}.beat`)) as unknown as [{ task: string }[]];
    await c.end();
    expect(rows).toEqual([{ task: 'privtask' }]);
  });
});
