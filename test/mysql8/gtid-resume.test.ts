/**
 * Resuming by GTID on MySQL 8, whose sets read `uuid:1-5,uuid2:1-3`:
 * - a task checkpoints the executed set, stops, and delivers exactly the rows written meanwhile;
 * - across a restart of the source (a private MySQL 8, test/helpers/mysql8-server.ts: the stack's
 *   is shared) with the binlog rotated and the old file purged, both while the task runs (its
 *   reader reconnects) and while it is stopped;
 * - `source.start: { gtid }` starts after the given set; a malformed set, a purged one and one
 *   from another server fail the task before it starts, naming source.start.gtid and the fix.
 */
import type mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFileQueue } from '../../shared/queue/file/index.ts';
import { SourcePrecheckError } from '../../shared/source/errors.ts';
import type { TaskFile } from '../../shared/task/index.ts';
import { PrivateMysql8 } from '../helpers/mysql8-server.ts';
import { consumeMessages, createTopic, stack, startTask, taskFor, tempDir, uniqueName, useDatabase } from '../helpers/stack.ts';

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const serverId = 7100 + (process.pid % 500);
/** Another primary's server_uuid, for a set of two sources. */
const OTHER = '0a0b0c0d-1111-2222-3333-444455556666';
const normalize = (set: string) => set.replace(/\s+/g, '');

interface Message {
  id: number;
  type: string;
  data: { id: string; v: string }[];
}

const rowsOf = (messages: { json: unknown }[]) => messages.map((m) => m.json as Message).map((j) => [j.id, j.type, Number(j.data[0]!.id), j.data[0]!.v]);

async function lastResume(dir: string) {
  const queue = await createFileQueue(dir, { consumers: ['kafka'], writer: false });
  try {
    return (await queue.last())?.batch.resume;
  } finally {
    await queue.close();
  }
}

async function scalar<T>(conn: mysql.Connection, sql: string): Promise<T> {
  const [[row]] = (await conn.query({ sql, rowsAsArray: true })) as unknown as [[[T]]];
  return row![0];
}

describe('GTID resume on the stack MySQL 8', () => {
  const source = useDatabase('gtid8', 'CREATE TABLE ${db}.t (id INT PRIMARY KEY, v VARCHAR(20))');

  beforeAll(() => {
    expect(stack.source).toBe('mysql8');
  });

  it('checkpoints the executed GTID set, and after a stop delivers exactly the missed rows, once, in order', { timeout: 60_000 }, async () => {
    const { db } = source;
    const conn = source.conn();
    const topic = uniqueName('gtid8');
    await createTopic(topic);
    const dir = await tempDir('gtid8');
    const task = taskFor({ database: db, tables: ['t'], topic, dir }, { source: { host: '127.0.0.1', port: stack.mysqlPort, serverId } });
    const uuid = await scalar<string>(conn, 'SELECT @@server_uuid');

    const first = startTask(task);
    await first.ready;
    await conn.query(`INSERT INTO ${db}.t VALUES (1, 'first run')`);
    const executedAfterOne = (await scalar<string>(conn, 'SELECT @@gtid_executed')).replace(/\s+/g, '');
    await consumeMessages(topic, 1);
    expect((await first.stop()).status).toBe('STOPPED');
    const checkpoint = await lastResume(dir);
    // MySQL's form, this server's uuid, and it contains the transaction of row 1.
    expect(checkpoint?.gtidSet).toMatch(new RegExp(`^${UUID}:\\d+(-\\d+)?(:\\d+(-\\d+)?)*(,${UUID}:\\d+(-\\d+)?(:\\d+(-\\d+)?)*)*$`));
    expect(checkpoint?.gtidSet).toContain(`${uuid}:1-`);
    expect(Number(await scalar<string>(conn, `SELECT GTID_SUBSET('${executedAfterOne}', '${checkpoint!.gtidSet}')`))).toBe(1);

    await conn.query(`INSERT INTO ${db}.t VALUES (2, 'while stopped')`);
    await conn.query(`UPDATE ${db}.t SET v = 'while stopped' WHERE id = 1`);
    await conn.query(`INSERT INTO ${db}.t VALUES (3, 'while stopped')`);
    const second = startTask(task);
    await second.ready;
    await conn.query(`DELETE FROM ${db}.t WHERE id = 2`);
    const messages = await consumeMessages(topic, 5);
    expect((await second.stop()).status).toBe('STOPPED');
    expect(rowsOf(messages)).toEqual([
      [1, 'INSERT', 1, 'first run'],
      [2, 'INSERT', 2, 'while stopped'],
      [3, 'UPDATE', 1, 'while stopped'],
      [4, 'INSERT', 3, 'while stopped'],
      [5, 'DELETE', 2, 'while stopped'],
    ]);
  });

  it('source.start { gtid } starts right after the given set', { timeout: 60_000 }, async () => {
    const { db } = source;
    const conn = source.conn();
    const topic = uniqueName('gtid8start');
    await createTopic(topic);
    await conn.query(`INSERT INTO ${db}.t VALUES (10, 'before the set')`);
    // As @@gtid_executed prints it, newlines after commas included: the task accepts it as is.
    const executed = await scalar<string>(conn, 'SELECT @@gtid_executed');
    await conn.query(`INSERT INTO ${db}.t VALUES (11, 'after the set')`);
    const task = taskFor({ database: db, tables: ['t'], topic, dir: await tempDir('gtid8start') }, { source: { host: '127.0.0.1', port: stack.mysqlPort, serverId, start: { gtid: executed } } });
    const run = startTask(task);
    await run.ready;
    await conn.query(`INSERT INTO ${db}.t VALUES (12, 'after the start')`);
    const messages = await consumeMessages(topic, 2);
    expect((await run.stop()).status).toBe('STOPPED');
    expect(rowsOf(messages)).toEqual([
      [1, 'INSERT', 11, 'after the set'],
      [2, 'INSERT', 12, 'after the start'],
    ]);
  });

  it.each([
    ['malformed', 'not-a-gtid-set', /^source\.start\.gtid "not-a-gtid-set" is not a MySQL GTID set: write source_uuid:first-last intervals separated by commas .*, or start from "current"$/],
    ['in MariaDB form', '0-1-42', /^source\.start\.gtid "0-1-42" is not a MySQL GTID set/],
    [
      'from another server',
      '11111111-2222-3333-4444-555555555555:1-3',
      /^source\.start\.gtid "11111111-2222-3333-4444-555555555555:1-3" names transactions this source never executed \(its gtid_executed is \S+\): .*Use a set from this server's SELECT @@gtid_executed, or start from "current"$/,
    ],
  ])('a GTID set %s fails the task before it starts, naming source.start.gtid', { timeout: 30_000 }, async (_what, gtid, message) => {
    const task = taskFor(
      { database: source.db, tables: ['t'], topic: uniqueName('gtid8bad'), dir: await tempDir('gtid8bad') },
      { source: { host: '127.0.0.1', port: stack.mysqlPort, serverId, start: { gtid } } },
    );
    const run = startTask(task, { readerThread: false });
    await expect(run.ready).rejects.toThrow(/task ended before it was ready: FAILED/);
    const outcome = await run.outcome;
    expect(outcome.error).toBeInstanceOf(SourcePrecheckError);
    expect((outcome.error as SourcePrecheckError).retriable).toBe(false);
    expect((outcome.error as SourcePrecheckError).context?.path).toBe('source.start.gtid');
    expect(outcome.error?.message).toMatch(message);
  });
});

describe('GTID resume across restarts of the source (a private MySQL 8)', () => {
  let server: PrivateMysql8 | undefined;
  let conn: mysql.Connection | undefined;
  const db = uniqueName('gtidrestart');

  beforeAll(async () => {
    server = await PrivateMysql8.create();
    conn = await server.connect();
    await conn.query(`CREATE DATABASE ${db}`);
    await conn.query(`CREATE TABLE ${db}.t (id INT PRIMARY KEY, v VARCHAR(20))`);
  }, 60_000);

  afterAll(async () => {
    await conn?.end().catch(() => {});
    await server?.remove();
  });

  const reconnect = async () => {
    await conn?.end().catch(() => {});
    conn = await server!.connect();
    return conn;
  };
  const binlogFile = async (c: mysql.Connection) => ((await c.query('SHOW MASTER STATUS')) as unknown as [{ File: string }[]])[0][0]!.File;

  it('resumes from its GTID checkpoint with nothing lost or repeated, across restarts, rotations and a purge', { timeout: 90_000 }, async () => {
    const topic = uniqueName('gtidrestart');
    await createTopic(topic);
    const dir = await tempDir('gtidrestart');
    const source: TaskFile['source'] = { host: '127.0.0.1', port: server!.port, user: 'root', password: '', serverId };
    // No heartbeat: the test counts the private server's transactions (uuid:1-3, then 1-7).
    const task = taskFor({ database: db, tables: ['t'], topic, dir }, { source, advanced: { heartbeat: false } });
    const windows = { connectionMs: 60_000, otherMs: 60_000 };
    const backoff = { initialMs: 200, maxMs: 1_000, factor: 2 };
    let c = conn!;
    const uuid = await scalar<string>(c, 'SELECT @@server_uuid');

    const first = startTask(task, { windows, backoff });
    await first.ready;
    await c.query(`INSERT INTO ${db}.t VALUES (1, 'before restart')`);
    await consumeMessages(topic, 1);
    // Restart under the running task: its binlog connection drops and reconnects by GTID.
    const fileBefore = await binlogFile(c);
    await server!.restart();
    c = await reconnect();
    expect(await binlogFile(c)).not.toBe(fileBefore); // a restart opens a new binlog file
    // Row 2 comes with another server's GTID, as after a failover: the set becomes `uuid:1-3,other:1`.
    await c.query(`SET gtid_next = '${OTHER}:1'`);
    await c.query(`INSERT INTO ${db}.t VALUES (2, 'after restart')`);
    await c.query("SET gtid_next = 'AUTOMATIC'");
    const executed = normalize(await scalar<string>(c, 'SELECT @@gtid_executed'));
    expect(executed.split(',').sort()).toEqual([`${uuid}:1-3`, `${OTHER}:1`].sort());
    await consumeMessages(topic, 2);
    expect((await first.stop()).status).toBe('STOPPED');
    const checkpoint = await lastResume(dir);
    expect(checkpoint?.gtidSet).toBe(executed); // CREATE DATABASE, CREATE TABLE, row 1; row 2

    // Stopped: the files up to the checkpoint rotated away and purged, then writes, a rotation and a restart.
    await c.query('FLUSH BINARY LOGS');
    await c.query(`PURGE BINARY LOGS TO '${await binlogFile(c)}'`);
    expect(normalize(await scalar<string>(c, 'SELECT @@gtid_purged'))).toBe(checkpoint!.gtidSet); // the checkpoint's file is gone: only the GTID set places it
    await c.query(`INSERT INTO ${db}.t VALUES (3, 'while stopped')`);
    await c.query('FLUSH BINARY LOGS');
    await c.query(`UPDATE ${db}.t SET v = 'while stopped' WHERE id = 1`);
    await server!.restart();
    c = await reconnect();
    await c.query(`INSERT INTO ${db}.t VALUES (4, 'while stopped')`);

    const second = startTask(task, { windows, backoff });
    await second.ready;
    await c.query(`DELETE FROM ${db}.t WHERE id = 3`);
    const messages = await consumeMessages(topic, 6);
    expect((await second.stop()).status).toBe('STOPPED');
    expect(rowsOf(messages)).toEqual([
      [1, 'INSERT', 1, 'before restart'],
      [2, 'INSERT', 2, 'after restart'],
      [3, 'INSERT', 3, 'while stopped'],
      [4, 'UPDATE', 1, 'while stopped'],
      [5, 'INSERT', 4, 'while stopped'],
      [6, 'DELETE', 3, 'while stopped'],
    ]);
    expect((await lastResume(dir))?.gtidSet).toBe(normalize(await scalar<string>(c, 'SELECT @@gtid_executed')));
    expect((await lastResume(dir))?.gtidSet).toContain(`${uuid}:1-7`);

    // A configured start inside the purged range cannot be served: named before the task starts.
    const purged = executed;
    const stale = taskFor({ database: db, tables: ['t'], topic: uniqueName('gtidpurged'), dir: await tempDir('gtidpurged') }, { source: { ...source, start: { gtid: `${uuid}:1-2` } } });
    const run = startTask(stale, { readerThread: false });
    await expect(run.ready).rejects.toThrow(/task ended before it was ready: FAILED/);
    const outcome = await run.outcome;
    expect(outcome.error).toBeInstanceOf(SourcePrecheckError);
    expect(outcome.error?.message).toBe(
      `source.start.gtid "${uuid}:1-2" lacks transactions whose binlogs the source has already purged (gtid_purged ${purged}), so they can no longer be read: start from "current" with a full sync (syncTypes ["full", "incremental"]), or give a set that contains gtid_purged; keep binlogs longer (binlog_expire_logs_seconds, 7 days as DTS advises)`,
    );
  });
});
