/**
 * DTS Avro with a schema registry, against the stack's real registry (Apicurio Registry, its
 * Confluent-compatible API) and Kafka:
 * - a task with two destinations (TopicNameStrategy with a mapped table on a second topic, and
 *   the record-name strategy) writes rows; every message starts with the magic byte 0x00 and the
 *   id the registry holds for the topic's subject; the schema fetched by that id over REST decodes
 *   every message strictly (no trailing bytes), with the contents of the changes in binlog order;
 * - a registry that is down fails the connect within the connection window, naming the registry,
 *   and nothing reaches the topic; a registry that rejects the schema (an incompatible subject)
 *   fails the task at once, with the registry's words.
 */
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import avsc from 'avsc';
import { beforeAll, describe, expect, it } from 'vitest';
import type mysql from 'mysql2/promise';
import { dtsAvroRecordType } from '../../shared/encode/dts-avro/index.ts';
import { consumeTopics, messageCount, sourceWithOwnServerId, waitForTopics } from '../helpers/kafka-read.ts';
import { stack, startTask, taskFor, tempDir, uniqueName, useDatabase } from '../helpers/stack.ts';

type AvscSchema = Parameters<typeof avsc.Type.forSchema>[0];
const NS = 'com.alibaba.dts.formats.avro';
const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';
const fastBackoff = { initialMs: 50, maxMs: 200, factor: 2 };

/** GET or PUT/POST on the registry's Confluent API, JSON both ways; fails on any non-2xx. */
async function registry<T>(path: string, method = 'GET', body?: unknown): Promise<T> {
  const res = await fetch(`${stack.registryUrl}${path}`, { method, headers: { 'Content-Type': CONTENT_TYPE, Accept: CONTENT_TYPE }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status} ${text}`);
  return JSON.parse(text) as T;
}

/** The writer's schema by id, from the registry, parsed once per id. */
const typesById = new Map<number, Promise<avsc.Type>>();
function typeOf(id: number): Promise<avsc.Type> {
  let t = typesById.get(id);
  if (!t) {
    t = registry<{ schema: string }>(`/schemas/ids/${id}`).then(({ schema }) => avsc.Type.forSchema(JSON.parse(schema) as AvscSchema, { wrapUnions: true }));
    typesById.set(id, t);
  }
  return t;
}

interface Decoded {
  schemaId: number;
  id: number;
  operation: string;
  objectName: string | null;
  before: (string | null)[] | null;
  after: (string | null)[] | null;
}

/** A wrapped image cell as text: Integer and Decimal carry strings, Character raw bytes. */
function cell(v: unknown): string | null {
  if (v === null) return null;
  const [branch, x] = Object.entries(v as Record<string, { value: string | Buffer }>)[0]!;
  if (branch === `${NS}.Character`) return (x.value as Buffer).toString('utf8');
  return String(x.value);
}

async function decode(value: Buffer): Promise<Decoded> {
  expect(value[0]).toBe(0);
  const schemaId = value.readInt32BE(1);
  // fromBuffer is strict: bytes left over after the record fail the decode.
  const r = (await typeOf(schemaId)).fromBuffer(value.subarray(5)) as Record<string, unknown>;
  const image = (i: unknown) => (i === null ? null : (i as { array: unknown[] }).array.map(cell));
  return {
    schemaId,
    id: Number(r.id),
    operation: String(r.operation),
    objectName: (r.objectName as { string: string } | null)?.string ?? null,
    before: image(r.beforeImages),
    after: image(r.afterImages),
  };
}

async function stateOf(dir: string): Promise<{ status: string; reason?: { message: string; code?: string } }> {
  return JSON.parse(await readFile(join(dir, 'state.json'), 'utf8')) as { status: string; reason?: { message: string; code?: string } };
}

describe('DTS Avro with a Confluent-compatible schema registry', () => {
  const { db, conn: source } = useDatabase(
    'schemareg',
    'CREATE TABLE ${db}.orders (id INT PRIMARY KEY, note VARCHAR(40), amount DECIMAL(10,2))',
    'CREATE TABLE ${db}.items (id INT PRIMARY KEY, name VARCHAR(20))',
  );
  let conn: mysql.Connection;
  beforeAll(async () => {
    conn = source();
    // Fails here, with the stack's hint, when the registry is not running.
    await registry<string[]>('/subjects').catch((err: Error) => {
      throw new Error(`no schema registry at ${stack.registryUrl} (${err.message}); start it: bash scripts/start-stack.sh registry`);
    });
  });

  it('frames every message with the registered id; the schema fetched by id decodes each in order', { timeout: 90_000 }, async () => {
    const ordersTopic = uniqueName('sr_orders');
    const itemsTopic = uniqueName('sr_items');
    const allTopic = uniqueName('sr_all');
    const task = startTask(
      taskFor(
        { database: db, topic: '', dir: await tempDir('schemareg') },
        {
          source: sourceWithOwnServerId(),
          destinations: [
            {
              type: 'kafka',
              name: 'by-topic',
              brokers: [stack.kafkaBroker],
              topic: ordersTopic,
              format: 'dts-avro',
              mapping: [{ database: db, table: 'items', topic: itemsTopic }],
              schemaRegistry: { url: stack.registryUrl },
            },
            { type: 'kafka', name: 'by-record', brokers: [stack.kafkaBroker], topic: allTopic, format: 'dts-avro', schemaRegistry: { url: `${stack.registryUrl}/`, subjectStrategy: 'record' } },
          ],
        },
      ),
    );
    try {
      await task.ready;
      await conn.query(`INSERT INTO ${db}.orders VALUES (1, 'first', 10.50)`);
      await conn.query(`INSERT INTO ${db}.items VALUES (1, 'äpfel')`);
      await conn.query(`UPDATE ${db}.orders SET note = 'second', amount = 11.00 WHERE id = 1`);
      await conn.query(`BEGIN; INSERT INTO ${db}.orders VALUES (2, NULL, NULL); DELETE FROM ${db}.items WHERE id = 1; COMMIT`);
      await conn.query(`DELETE FROM ${db}.orders WHERE id = 2`);

      const got = await consumeTopics({ [ordersTopic]: 4, [itemsTopic]: 2, [allTopic]: 6 }, 60_000);
      const decoded = Object.fromEntries(await Promise.all(Object.entries(got).map(async ([t, list]) => [t, await Promise.all(list.map((m) => decode(m.value)))] as const)));

      // The ids are the registry's own for each subject.
      const latest = async (subject: string) => (await registry<{ id: number; subject: string }>(`/subjects/${encodeURIComponent(subject)}/versions/latest`)).id;
      const expectedId = { [ordersTopic]: await latest(`${ordersTopic}-value`), [itemsTopic]: await latest(`${itemsTopic}-value`), [allTopic]: await latest(`${NS}.Record`) };
      for (const [t, list] of Object.entries(decoded)) expect([t, [...new Set(list.map((d) => d.schemaId))]]).toEqual([t, [expectedId[t]]]);
      // What the registry holds under those ids is the DTS Record schema itself.
      for (const id of new Set(Object.values(expectedId))) expect((await typeOf(id)).fingerprint('sha256').toString('hex')).toBe(dtsAvroRecordType.fingerprint('sha256').toString('hex'));

      const orders = `${db}.orders`;
      const items = `${db}.items`;
      const changes = [
        { operation: 'INSERT', objectName: orders, before: null, after: ['1', 'first', '10.50'] },
        { operation: 'INSERT', objectName: items, before: null, after: ['1', 'äpfel'] },
        { operation: 'UPDATE', objectName: orders, before: ['1', 'first', '10.50'], after: ['1', 'second', '11.00'] },
        { operation: 'INSERT', objectName: orders, before: null, after: ['2', null, null] },
        { operation: 'DELETE', objectName: items, before: ['1', 'äpfel'], after: null },
        { operation: 'DELETE', objectName: orders, before: ['2', null, null], after: null },
      ];
      const shape = (list: readonly Decoded[]) => list.map(({ operation, objectName, before, after }) => ({ operation, objectName, before, after }));
      expect(shape(decoded[allTopic]!)).toEqual(changes);
      expect(shape(decoded[ordersTopic]!)).toEqual(changes.filter((c) => c.objectName === orders));
      expect(shape(decoded[itemsTopic]!)).toEqual(changes.filter((c) => c.objectName === items));
      // Record ids increase in binlog order and are the same records on both destinations.
      const ids = decoded[allTopic]!.map((d) => d.id);
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
      expect(new Set(ids).size).toBe(6);
      expect(decoded[ordersTopic]!.map((d) => d.id)).toEqual(ids.filter((_, i) => changes[i]!.objectName === orders));
      // Exactly these messages: nothing unframed or extra.
      expect([await messageCount(ordersTopic), await messageCount(itemsTopic), await messageCount(allTopic)]).toEqual([4, 2, 6]);
    } finally {
      expect((await task.stop()).status).toBe('STOPPED');
    }
  });

  it('fails within the connection window when the registry is down, naming it, and writes nothing', { timeout: 60_000 }, async () => {
    const topic = uniqueName('sr_down');
    const dir = await tempDir('schemareg-down');
    // A port nothing listens on (fetch refuses the well-known ones such as 1 outright).
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const task = startTask(
      taskFor(
        { database: db, tables: ['orders'], topic, dir },
        {
          source: sourceWithOwnServerId(),
          destinations: [
            { type: 'kafka', name: 'kafka', brokers: [stack.kafkaBroker], topic, format: 'dts-avro', schemaRegistry: { url: `http://127.0.0.1:${port}/apis/ccompat/v7`, timeoutMs: 2000 } },
          ],
        },
      ),
      { windows: { connectionMs: 1500, otherMs: 500 }, backoff: fastBackoff },
    );
    task.ready.catch(() => {}); // the sink may fail before the reader is ready
    await conn.query(`INSERT INTO ${db}.orders VALUES (100, 'waits', 1.00)`);
    const outcome = await task.outcome;
    expect([outcome.status, outcome.error?.name]).toEqual(['FAILED', 'RetryWindowExceededError']);
    expect(outcome.error?.message).toMatch(
      new RegExp(
        `failed-connection retry window\\): cannot reach the schema registry at http://127\\.0\\.0\\.1:${port}/apis/ccompat/v7 \\(ECONNREFUSED\\); check schemaRegistry\\.url of destination "kafka" and that the registry is running$`,
      ),
    );
    expect(await stateOf(dir)).toMatchObject({ status: 'FAILED', reason: { code: 'DTS_RETRY_WINDOW_EXCEEDED', message: outcome.error!.message } });
    await waitForTopics([topic]); // created before the registry was asked
    expect(await messageCount(topic)).toBe(0);
    await conn.query(`DELETE FROM ${db}.orders WHERE id = 100`);
  });

  it('fails at once when the registry rejects the schema for the subject', { timeout: 60_000 }, async () => {
    const topic = uniqueName('sr_reject');
    const subject = `${topic}-value`;
    // Another schema already owns the subject, and FULL compatibility refuses the DTS Record.
    await registry(`/subjects/${subject}/versions`, 'POST', { schema: JSON.stringify({ type: 'record', name: 'Other', fields: [{ name: 'x', type: 'int' }] }) });
    await registry(`/config/${subject}`, 'PUT', { compatibility: 'FULL' });
    const dir = await tempDir('schemareg-reject');
    const started = Date.now();
    const task = startTask(
      taskFor(
        { database: db, tables: ['orders'], topic, dir },
        { source: sourceWithOwnServerId(), destinations: [{ type: 'kafka', name: 'avro', brokers: [stack.kafkaBroker], topic, format: 'dts-avro', schemaRegistry: { url: stack.registryUrl } }] },
      ),
      // Windows far longer than the test: failing inside them means the error was final.
      { windows: { connectionMs: 600_000, otherMs: 300_000 }, backoff: fastBackoff },
    );
    task.ready.catch(() => {});
    const outcome = await task.outcome;
    expect([outcome.status, outcome.error?.name]).toEqual(['FAILED', 'SinkWriteError']);
    expect(outcome.error?.message).toContain(`the schema registry at ${stack.registryUrl} rejected the DTS Avro schema for subject ${subject} (HTTP 409, error_code 409: `);
    expect(outcome.error?.message).toMatch(
      /Incompatible artifact: .*; allow it \(the subject's compatibility level\) or choose another subject with schemaRegistry\.subjectStrategy of destination "avro"$/,
    );
    expect((Date.now() - started) / 1000).toBeLessThan(30);
    expect(await stateOf(dir)).toMatchObject({ status: 'FAILED', reason: { code: 'DTS_SINK_WRITE', message: outcome.error!.message } });
    // The subject still holds only the other schema.
    expect((await registry<{ version: number }>(`/subjects/${subject}/versions/latest`)).version).toBe(1);
  });
});
