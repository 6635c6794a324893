/**
 * The Kafka destination against the stack's authenticated listeners and with its record limit:
 * - SCRAM-SHA-256, SCRAM-SHA-512 (password from the environment) and PLAIN (`${VAR}`) deliver;
 *   TLS with the stack's CA delivers;
 * - a wrong password ends the task FAILED at once, saying Kafka refused the credentials (not
 *   after the retry window); TLS without the CA fails naming the certificate problem;
 * - a record above maxRecordBytes with `oversize: fail` stops the task naming table, key and
 *   binlog position, after delivering what came before it and nothing after; a restart with a
 *   bigger limit on the same queue delivers it and what followed, in order; with
 *   `oversize: dead-letter` its descriptor goes to `<topic>.dead-letter` and the task goes on.
 */
import { readFile } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type mysql from 'mysql2/promise';
import { consumeTopics, masterStatus, messageCount, sourceWithOwnServerId, waitForTopics } from '../helpers/kafka-read.ts';
import { sourceConnection, startTask, taskFor, tempDir, uniqueName, waitFor } from '../helpers/stack.ts';

const db = uniqueName('authlim');
const saslBroker = `127.0.0.1:${process.env.DTS_KAFKA_SASL_PORT ?? 19094}`;
const sslBroker = `127.0.0.1:${process.env.DTS_KAFKA_SSL_PORT ?? 19095}`;
const stackDir = (() => {
  const dir = process.env.DTS_STACK_DIR ?? '.stack';
  return isAbsolute(dir) ? dir : resolve(import.meta.dirname, '..', '..', dir);
})();
const caFile = join(stackDir, 'kafka', 'tls', 'ca.pem');
const env = { scram256: uniqueName('DTS_TEST_SCRAM256').toUpperCase(), scram512: uniqueName('DTS_TEST_SCRAM512').toUpperCase(), plain: uniqueName('DTS_TEST_PLAIN').toUpperCase() };
const fastBackoff = { initialMs: 50, maxMs: 200, factor: 2 };

interface Canal {
  id: number;
  type: string;
  data: { id: string; v: string }[];
}
const canal = (value: Buffer) => JSON.parse(value.toString('utf8')) as Canal;
const ids = (list: { value: Buffer }[]) => list.map((m) => Number(canal(m.value).data[0]!.id));

function destination(name: string, topic: string, extra: Record<string, unknown>) {
  return { type: 'kafka' as const, name, topic, format: 'canal-json' as const, requestTimeoutMs: 5000, ...extra } as never;
}

/** `binlog.000005:1234`, then the GTID when the server has one (MariaDB: `(gtid 0-1-42)`). */
function positionPattern(p: { file: string; position: number }): string {
  return `${p.file.replace(/\./g, '\\.')}:${p.position}(?: \\(gtid [\\d-]+\\))?`;
}

async function stateOf(dir: string): Promise<{ status: string; reason?: { message: string; code?: string } }> {
  return JSON.parse(await readFile(join(dir, 'state.json'), 'utf8')) as { status: string; reason?: { message: string; code?: string } };
}

describe('Kafka authentication, TLS and the record size limit', () => {
  let conn: mysql.Connection;

  beforeAll(async () => {
    conn = await sourceConnection();
    await conn.query(`CREATE DATABASE ${db}`);
    await conn.query(`CREATE TABLE ${db}.auth (id INT PRIMARY KEY, v VARCHAR(20))`);
    await conn.query(`CREATE TABLE ${db}.big (id INT PRIMARY KEY, v TEXT)`);
    await conn.query(`CREATE TABLE ${db}.dlq (id INT PRIMARY KEY, v TEXT)`);
    process.env[env.scram256] = 'dts-secret';
    process.env[env.scram512] = 'dts-secret';
    process.env[env.plain] = 'dts-secret';
  });

  afterAll(async () => {
    for (const name of Object.values(env)) delete process.env[name];
    await conn?.query(`DROP DATABASE IF EXISTS ${db}`);
    await conn?.end();
  });

  it('delivers over SASL SCRAM-SHA-256, SCRAM-SHA-512 and PLAIN, and over TLS with the CA file', { timeout: 60_000 }, async () => {
    const topics = { scram256: uniqueName('auth_scram256'), scram512: uniqueName('auth_scram512'), plain: uniqueName('auth_plain'), tls: uniqueName('auth_tls') };
    const sasl = (mechanism: string, password: unknown) => ({ brokers: [saslBroker], sasl: { mechanism, username: 'dts', password } });
    const task = startTask(
      taskFor(
        { database: db, tables: ['auth'], topic: '', dir: await tempDir('auth') },
        {
          source: sourceWithOwnServerId(),
          destinations: [
            destination('scram256', topics.scram256, sasl('scram-sha-256', { env: env.scram256 })),
            destination('scram512', topics.scram512, sasl('scram-sha-512', { env: env.scram512 })),
            destination('plain', topics.plain, sasl('plain', `\${${env.plain}}`)),
            destination('tls', topics.tls, { brokers: [sslBroker], ssl: { caFile } }),
          ],
        },
      ),
    );
    try {
      await task.ready;
      await conn.query(`INSERT INTO ${db}.auth VALUES (1, 'one'), (2, 'two')`);
      await conn.query(`UPDATE ${db}.auth SET v = 'uno' WHERE id = 1`);
      await waitForTopics(Object.values(topics));
      const got = await consumeTopics(Object.fromEntries(Object.values(topics).map((t) => [t, 3])));
      for (const [name, topic] of Object.entries(topics)) {
        expect([name, got[topic]!.map((m) => canal(m.value)).map((m) => [m.id, m.type, m.data[0]!.id, m.data[0]!.v])]).toEqual([
          name,
          [
            [1, 'INSERT', '1', 'one'],
            [2, 'INSERT', '2', 'two'],
            [3, 'UPDATE', '1', 'uno'],
          ],
        ]);
        expect(await messageCount(topic)).toBe(3);
      }
    } finally {
      expect((await task.stop()).status).toBe('STOPPED');
    }
  });

  it('fails at once when Kafka refuses the password, for every mechanism', { timeout: 60_000 }, async () => {
    const started = Date.now();
    const runs = await Promise.all(
      (['scram-sha-256', 'scram-sha-512', 'plain'] as const).map(async (mechanism) => {
        const dir = await tempDir('badpass');
        const task = startTask(
          taskFor(
            { database: db, tables: ['auth'], topic: '', dir },
            {
              source: sourceWithOwnServerId(),
              destinations: [destination('kafka', uniqueName('badpass'), { brokers: [saslBroker], sasl: { mechanism, username: 'dts', password: 'not-the-password' } })],
            },
          ),
          // Windows far longer than the test: failing inside them means the error was final.
          { windows: { connectionMs: 600_000, otherMs: 300_000 }, backoff: fastBackoff },
        );
        task.ready.catch(() => {}); // the sink may fail before the reader is ready
        return { mechanism, dir, outcome: await task.outcome, seconds: (Date.now() - started) / 1000 };
      }),
    );
    for (const { mechanism, dir, outcome, seconds } of runs) {
      expect([mechanism, outcome.status, outcome.error?.name]).toEqual([mechanism, 'FAILED', 'SinkConnectionError']);
      expect(outcome.error?.message).toMatch(/^Kafka refused the credentials or permissions for topic \S+ \(KafkaJSSASLAuthenticationError: .*\); check the destination's sasl settings/);
      expect(outcome.error?.message).not.toContain('not-the-password');
      expect(seconds).toBeLessThan(20);
      const state = await stateOf(dir);
      expect(state).toMatchObject({ status: 'FAILED', reason: { message: outcome.error!.message, code: 'DTS_SINK_CONNECTION' } });
    }
  });

  it('fails at once naming the certificate problem when TLS is on without the private CA', { timeout: 60_000 }, async () => {
    const dir = await tempDir('noca');
    // Windows far longer than the test: only a final (non-retried) failure can end it in time.
    const task = startTask(
      taskFor({ database: db, tables: ['auth'], topic: '', dir }, { source: sourceWithOwnServerId(), destinations: [destination('kafka', uniqueName('noca'), { brokers: [sslBroker], ssl: true })] }),
      { windows: { connectionMs: 600_000, otherMs: 300_000 }, backoff: fastBackoff },
    );
    task.ready.catch(() => {});
    const outcome = await task.outcome;
    expect(outcome.status).toBe('FAILED');
    expect(outcome.error?.name).toBe('SinkConnectionError');
    expect(outcome.error?.message).toMatch(/TLS certificate is not trusted .*(unable to verify the first certificate|self[- ]signed certificate).*set ssl\.caFile/);
    expect((await stateOf(dir)).reason?.message).toBe(outcome.error?.message);
  });

  /** Rows 1–2 alone, then 3, the big row 4 and 5 in one transaction, then 6; returns where that transaction starts. */
  async function writeAroundBigRow(table: string): Promise<{ file: string; position: number }> {
    await conn.query(`INSERT INTO ${db}.${table} VALUES (1, 'small 1')`);
    await conn.query(`INSERT INTO ${db}.${table} VALUES (2, 'small 2')`);
    const start = await masterStatus(conn);
    await conn.query(`BEGIN; INSERT INTO ${db}.${table} VALUES (3, 'small 3'); INSERT INTO ${db}.${table} VALUES (4, REPEAT('x', 5000)); INSERT INTO ${db}.${table} VALUES (5, 'small 5'); COMMIT`);
    await conn.query(`INSERT INTO ${db}.${table} VALUES (6, 'small 6')`);
    return start;
  }

  it('oversize fail: stops at the big row naming table, key and position; a bigger limit resumes with it', { timeout: 60_000 }, async () => {
    const topic = uniqueName('oversize');
    const dir = await tempDir('oversize');
    const serverSource = sourceWithOwnServerId();
    const task = (maxRecordBytes: number) =>
      taskFor(
        { database: db, tables: ['big'], topic, dir },
        { source: serverSource, destinations: [destination('kafka', topic, { brokers: [`127.0.0.1:${process.env.DTS_KAFKA_PORT ?? 19092}`], maxRecordBytes })] },
      );

    const first = startTask(task(1024), { backoff: fastBackoff });
    await first.ready;
    const start = await writeAroundBigRow('big');
    const outcome = await first.outcome;
    expect([outcome.status, outcome.error?.name]).toEqual(['FAILED', 'RecordTooLargeError']);
    const message = outcome.error!.message;
    // The transaction's first event is where the binlog ended before it; MariaDB adds its GTID.
    expect(message).toMatch(new RegExp(`^INSERT of ${db}\\.big primary key \\(id\\) at ${positionPattern(start)} row 1 encodes to \\d{4} bytes, above the 1024-byte limit; raise maxRecordBytes`));
    expect(message).toMatch(/ at binlog\.\d{6}:\d+ /);
    expect(message).not.toContain('xxxx'); // no row values
    expect(await stateOf(dir)).toMatchObject({ status: 'FAILED', reason: { message, code: 'DTS_RECORD_TOO_LARGE' } });
    // What came before the big row is in Kafka, nothing after it.
    await waitForTopics([topic]);
    const before = (await consumeTopics({ [topic]: 3 }))[topic]!;
    expect(ids(before)).toEqual([1, 2, 3]);
    expect(before.map((m) => canal(m.value).id)).toEqual([1, 2, 3]);
    expect(await messageCount(topic)).toBe(3);

    // Restarted on the same queue with room for it: the big row, then the rest, in order. The
    // cursor stayed before the batch that failed (its transaction holds rows 3–5), so that batch
    // and any after the last commit come again, at least once and with the same record ids.
    const second = startTask(task(1024 * 1024), { backoff: fastBackoff });
    try {
      await second.ready;
      await conn.query(`INSERT INTO ${db}.big VALUES (7, 'after restart')`);
      const all = await waitFor(
        async () => {
          const count = await messageCount(topic);
          if (count < 8) return undefined;
          const list = (await consumeTopics({ [topic]: count }))[topic]!;
          return ids(list).at(-1) === 7 ? list : undefined;
        },
        30_000,
        'row 7 after the restart',
      );
      const again = all.slice(3);
      const from = ids(again)[0]!;
      expect(from).toBeGreaterThanOrEqual(1);
      expect(from).toBeLessThanOrEqual(3);
      expect(ids(again)).toEqual(Array.from({ length: 8 - from }, (_, i) => from + i));
      expect(again.map((m) => canal(m.value).id)).toEqual(ids(again)); // record ids: one per row, as before
      // Rows sent twice are the same messages but for `ts`.
      const withoutTs = (m: { value: Buffer }) => ({ ...canal(m.value), ts: 0 });
      expect(again.slice(0, 4 - from).map(withoutTs)).toEqual(before.slice(from - 1).map(withoutTs));
      expect(canal(again.at(-4)!.value).data[0]!.v).toBe('x'.repeat(5000));
      expect(await messageCount(topic)).toBe(all.length);
    } finally {
      expect((await second.stop()).status).toBe('STOPPED');
    }
  });

  it('oversize dead-letter: the big row becomes a descriptor in <topic>.dead-letter and the rest flows on', { timeout: 60_000 }, async () => {
    const topic = uniqueName('dlq');
    const deadLetter = `${topic}.dead-letter`;
    const task = startTask(
      taskFor(
        { database: db, tables: ['dlq'], topic, dir: await tempDir('dlq') },
        {
          source: sourceWithOwnServerId(),
          destinations: [destination('kafka', topic, { brokers: [`127.0.0.1:${process.env.DTS_KAFKA_PORT ?? 19092}`], maxRecordBytes: 1024, oversize: 'dead-letter' })],
        },
      ),
    );
    try {
      await task.ready;
      const start = await writeAroundBigRow('dlq');
      await waitForTopics([topic, deadLetter]);
      const got = await consumeTopics({ [topic]: 5, [deadLetter]: 1 });
      expect(ids(got[topic]!)).toEqual([1, 2, 3, 5, 6]);
      expect(got[topic]!.map((m) => canal(m.value).id)).toEqual([1, 2, 3, 5, 6]);
      const descriptor = JSON.parse(got[deadLetter]![0]!.value.toString('utf8')) as Record<string, unknown>;
      expect(Object.keys(descriptor).sort()).toEqual(['bytes', 'database', 'id', 'position', 'primaryKey', 'reason', 'table']);
      expect(descriptor).toMatchObject({ id: 4, database: db, table: 'dlq', primaryKey: 'id=4' });
      expect(descriptor.position).toMatch(new RegExp(`^${positionPattern(start)} row 1$`));
      expect(descriptor.bytes).toBeGreaterThan(5000);
      expect(descriptor.bytes).toBeLessThan(6000);
      expect(descriptor.reason).toBe(`INSERT of ${db}.dlq primary key (id=4) at ${descriptor.position as string} encodes to ${descriptor.bytes as number} bytes, above maxRecordBytes 1024`);

      // Still running: a later row arrives.
      await conn.query(`INSERT INTO ${db}.dlq VALUES (7, 'later')`);
      expect(ids((await consumeTopics({ [topic]: 6 }))[topic]!)).toEqual([1, 2, 3, 5, 6, 7]);
      expect([await messageCount(topic), await messageCount(deadLetter)]).toEqual([6, 1]);
    } finally {
      expect((await task.stop()).status).toBe('STOPPED');
    }
  });
});
