/**
 * Every FC function checks its event before its entry runs: through the real handlers in
 * functions/, a wrong field fails with InvalidEventError naming the function, the field, what was
 * expected and what was given (the task file named does not exist: had the entry run, the error
 * would be the task file's). s.yaml's timer payloads pass their function's schema.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { createLocalContext } from '../../../shared/runtime/fc/context.ts';
import { deliverEvent, fullSyncEvent, latencyEvent, readerEvent } from '../../../shared/runtime/fc/event-schemas.ts';
import { fcHandler, InvalidEventError, parseEvent, type FcHandler } from '../../../shared/runtime/fc/handler.ts';
import { validateEvent } from '../../../shared/runtime/fc/validate-event.ts';

const repo = join(import.meta.dirname, '..', '..', '..');
const missingTask = '/nonexistent/task.yaml';

async function handlerOf(name: string): Promise<FcHandler> {
  return ((await import(join(repo, 'functions', name, 'index.ts'))) as { handler: FcHandler }).handler;
}

async function failure(name: string, event: unknown): Promise<InvalidEventError> {
  const handler = await handlerOf(name);
  const err = await handler(Buffer.from(typeof event === 'string' ? event : JSON.stringify(event)), createLocalContext(name)).then(
    () => {
      throw new Error(`${name} accepted the event`);
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(InvalidEventError);
  return err as InvalidEventError;
}

/** The entry never runs: `got` is what fcHandler hands it after validation. */
async function accepted<S extends Parameters<typeof fcHandler>[2]>(schema: S, event: unknown): Promise<Record<string, unknown>> {
  const handler = fcHandler('probe', async (validated) => ({ validated }), schema);
  return (await handler(Buffer.from(JSON.stringify(event)), createLocalContext('probe'))).validated as Record<string, unknown>;
}

const hint = (name: string) => `. Fix the invocation's event, or the timer trigger's payload in s.yaml (resources.${name}.props.triggers[].triggerConfig.payload)`;

describe('invalid events fail before the entry runs', () => {
  it('a wrong type: the function, the field, what was expected and what was given', async () => {
    const err = await failure('deliver-kafka', { taskFile: missingTask, idleMs: 'soon' });
    expect(err.message).toBe(
      `deliver-kafka: invalid event: "idleMs": expected a whole number of milliseconds >= 0 (return after the queue was idle this long; default 2000), got "soon" (a string)${hint('deliver-kafka')}`,
    );
    expect([err.code, err.retriable, err.name, err.context]).toEqual(['DTS_INVALID_EVENT', false, 'InvalidEventError', { function: 'deliver-kafka', path: 'idleMs' }]);
  });

  it('every problem at once, in field order', async () => {
    const err = await failure('reader', { taskFile: '', maxRunMs: 1.5 });
    expect(err.message).toBe(
      `reader: invalid event: "taskFile": expected the path of a task file (a non-empty string); default DTS_TASK_FILE, got "" (a string); "maxRunMs": expected a whole number of milliseconds > 0 (the invocation stops working after it), got 1.5 (a number)${hint('reader')}`,
    );
    expect(err.context.path).toBe('taskFile maxRunMs');
  });

  it('an unknown field is named, its value never shown (it may be a secret)', async () => {
    const err = await failure('heartbeat', { taskFile: missingTask, password: 'sentinel-s3cret', maxRunMs: 5 });
    expect(err.message).toBe(
      `heartbeat: invalid event: unknown fields "password", "maxRunMs" (heartbeat reads taskFile, beside FC's timer fields triggerName, triggerTime, payload)${hint('heartbeat')}`,
    );
    expect(JSON.stringify(err.toJSON())).not.toContain('sentinel-s3cret');
  });

  it('the timer payload is checked like a direct event: fields, list items', async () => {
    const timer = (payload: string) => ({ triggerTime: '2026-12-03T10:00:00Z', triggerName: 'rebaseline', payload });
    expect((await failure('full-sync', timer(JSON.stringify({ taskFile: missingTask, tables: [] })))).message).toBe(
      `full-sync: invalid event: "tables": expected a non-empty list of "database.table" names the task selects, or absent for every selected table, got an array of 0${hint('full-sync')}`,
    );
    expect((await failure('full-sync', timer(JSON.stringify({ taskFile: missingTask, tables: ['db.a', 7] })))).message).toBe(
      `full-sync: invalid event: "tables[1]": expected a non-empty list of "database.table" names the task selects, or absent for every selected table, got 7 (a number)${hint('full-sync')}`,
    );
    expect((await failure('latency', timer('{"scanRecords": 0}'))).message).toContain(
      '"scanRecords": expected a whole number of records > 0 (how much backlog to count; default 100000), got 0 (a number)',
    );
  });

  it('a timer payload or an event that is not a JSON object', async () => {
    const timer = { triggerTime: '2026-12-03T10:00:00Z', triggerName: 'keep-alive', payload: 'maxRunMs=5' };
    expect((await failure('reader', timer)).message).toBe('the payload of timer trigger "keep-alive" is not JSON: maxRunMs=5');
    expect((await failure('reader', { ...timer, payload: '[1]' })).message).toBe('the payload of timer trigger "keep-alive" must be a JSON object');
    expect((await failure('retry-window', '[]')).message).toBe('the event must be a JSON object');
    expect((await failure('retry-window', '{oops')).message).toBe('the event is not JSON: {oops');
  });

  it("a valid event reaches the entry: without a task file, the error is the task file's", async () => {
    const handler = await handlerOf('retry-window');
    await expect(handler(Buffer.from(JSON.stringify({ taskFile: missingTask })), createLocalContext('retry-window'))).rejects.toMatchObject({ code: 'DTS_TASK_CONFIG' });
  });
});

describe('valid events, as the entry reads them', () => {
  it("a timer event: the payload merged beside FC's fields, defaults applied", async () => {
    const timer = { triggerTime: '2026-12-03T10:00:00Z', triggerName: 'drain', payload: '{"maxRunMs": 840000}' };
    expect(await accepted(deliverEvent, timer)).toEqual({ ...timer, maxRunMs: 840000, idleMs: 2000 });
    expect(await accepted(deliverEvent, { ...timer, payload: '{"maxRunMs": 1000, "idleMs": 0}' })).toEqual({ ...timer, payload: '{"maxRunMs": 1000, "idleMs": 0}', maxRunMs: 1000, idleMs: 0 });
    expect(await accepted(latencyEvent, { ...timer, payload: '' })).toEqual({ ...timer, payload: '', scanRecords: 100_000 });
  });

  it('an empty event: only the defaults', async () => {
    expect(await accepted(readerEvent, {})).toEqual({});
    expect(await accepted(deliverEvent, {})).toEqual({ idleMs: 2000 });
    expect(await accepted(fullSyncEvent, { tables: null })).toEqual({ tables: null });
    expect(await accepted(fullSyncEvent, { tables: ['db.t'], taskFile: 'x.yaml' })).toEqual({ tables: ['db.t'], taskFile: 'x.yaml' });
  });

  it("every enabled or disabled timer payload in s.yaml passes its function's schema", async () => {
    const doc = parse(await readFile(join(repo, 's.yaml'), 'utf8')) as {
      resources: Record<string, { props: { code: string; triggers?: { triggerName: string; triggerConfig: { payload?: string } }[] } }>;
    };
    const folders = (await readdir(join(repo, 'functions'), { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name);
    let checked = 0;
    for (const [name, { props }] of Object.entries(doc.resources)) {
      const dir = props.code.split('/').at(-1)!;
      expect(folders).toContain(dir);
      const { eventSchema } = await handlerOf(dir);
      for (const t of props.triggers ?? []) {
        const event = parseEvent(Buffer.from(JSON.stringify({ triggerTime: '2026-12-03T10:00:00Z', triggerName: t.triggerName, payload: t.triggerConfig.payload ?? '' })));
        expect(() => validateEvent(name, eventSchema, event), `${name} ${t.triggerName}`).not.toThrow();
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(8);
  });

  it("every example event in examples/events passes its function's schema", async () => {
    const files = (await readdir(join(repo, 'examples', 'events'))).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThanOrEqual(8);
    for (const file of files) {
      // deliver.json serves the three deliverers.
      const name = file === 'deliver.json' ? 'deliver-kafka' : file.slice(0, -'.json'.length);
      const { eventSchema } = await handlerOf(name);
      const event = parseEvent(await readFile(join(repo, 'examples', 'events', file)));
      expect(() => validateEvent(name, eventSchema, event), file).not.toThrow();
    }
  });
});
