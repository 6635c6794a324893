import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { YAMLParseError } from 'yaml';
import { ErrorCodes } from '../../../shared/errors.ts';
import { defaults, loadTask, parseTask, TaskConfigError, type Task } from '../../../shared/task/index.ts';
import { kafkaOf } from '../../helpers/destinations.ts';

let dir: string;
let n = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dts-load-test-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function write(text: string): Promise<string> {
  const file = join(dir, `task-${++n}.yaml`);
  await writeFile(file, text);
  return file;
}

async function loadError(text: string): Promise<TaskConfigError> {
  const file = await write(text);
  const err = await loadTask(file).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TaskConfigError);
  const e = err as TaskConfigError;
  expect(e.code).toBe(ErrorCodes.TASK_CONFIG);
  expect(e.message).toContain(file); // the message names the file…
  return e;
}

// The smallest valid task: every other field comes from the defaults.
const MINIMAL = `
name: demo
source: { host: 127.0.0.1, serverId: 5401 }
objects:
  - database: shop
destinations:
  - { type: kafka, brokers: [127.0.0.1:19092], topic: dts }
`;

/** MINIMAL with one line replaced (or added): each bad document differs from a good one in one place. */
function variant(replace: Record<string, string>): string {
  let text = MINIMAL;
  for (const [from, to] of Object.entries(replace)) {
    if (!text.includes(from)) throw new Error(`MINIMAL has no ${from}`);
    text = text.replace(from, to);
  }
  return text;
}

describe('loadTask: valid files', () => {
  it('loads examples/local.yaml with every default filled', async () => {
    const task = await loadTask(new URL('../../../examples/local.yaml', import.meta.url).pathname);
    expect(task.name).toBe('demo');
    expect(task.source).toEqual({ type: 'mysql', host: '127.0.0.1', port: 33306, user: 'root', password: { value: '' }, serverId: 5401, start: 'current', connectTimeoutMs: 10000 });
    expect(task.objects).toEqual([{ database: 'shop', tables: ['orders', 'customers'] }]);
    expect(task.destinations).toEqual([
      {
        type: 'kafka',
        name: 'kafka',
        brokers: ['127.0.0.1:19092'],
        topic: 'dts',
        format: 'canal-json',
        acks: 'all',
        clientId: 'mysql-dts',
        requestTimeoutMs: 30000,
        maxBatchRecords: 2000,
        maxRecordBytes: 10 * 1024 * 1024,
        ssl: false,
        // DTS defaults: LZ4, everything to partition 0, topics created on demand, oversize stops the task.
        compression: 'lz4',
        partitionPolicy: 'partition-zero',
        partitions: 1,
        createTopics: true,
        mapping: [],
        oversize: 'fail',
      },
    ]);
    expect(task.queue).toEqual({ type: 'file', dir: '.dts/demo' });
    expect(task.advanced).toEqual({ retryConnectionMinutes: 720, retryOtherMinutes: 10, heartbeat: { table: 'dts.dts_heartbeat', intervalSeconds: 10 } });
    expect(task.reader).toEqual({ batchMaxRecords: 5000, batchMaxBytes: 8 * 1024 * 1024, batchMaxDelayMs: 200, maxLagBatches: 200 });
    expect(task.log).toEqual({ level: 'info' });
  });

  it('fills the defaults of a minimal file', async () => {
    const task: Task = await loadTask(await write(MINIMAL));
    expect(task.source).toMatchObject({ port: defaults.sourcePort, user: 'root', password: { value: '' }, start: 'current' });
    expect(task.destinations[0]).toMatchObject({ name: 'kafka', acks: 'all', format: 'canal-json', ssl: false });
    expect(kafkaOf(task.destinations[0]).sasl).toBeUndefined();
    expect(task.syncTypes).toEqual(['incremental']);
    expect(task.queue).toEqual({ type: 'file' });
    expect(task.advanced).toEqual({ retryConnectionMinutes: 720, retryOtherMinutes: 10, heartbeat: { table: 'dts.dts_heartbeat', intervalSeconds: 10 } });
    expect(task.reader.batchMaxRecords).toBe(defaults.batchMaxRecords);
    expect(task.reader.maxLagBatches).toBe(defaults.maxLagBatches);
    expect(task.objects[0]!.tables).toBeUndefined();
  });

  it('keeps explicit values over defaults', async () => {
    const task = await loadTask(
      await write(`${MINIMAL}advanced: { retryConnectionMinutes: 30, retryOtherMinutes: 29 }\nqueue: { type: redis, url: "redis://r:6379" }\nreader: { batchMaxRecords: 7 }\n`),
    );
    expect(task.advanced).toEqual({ retryConnectionMinutes: 30, retryOtherMinutes: 29, heartbeat: { table: 'dts.dts_heartbeat', intervalSeconds: 10 } });
    expect(task.queue).toEqual({ type: 'redis', url: { value: 'redis://r:6379' } });
    expect(task.reader).toEqual({ ...{ batchMaxBytes: 8 * 1024 * 1024, batchMaxDelayMs: 200, maxLagBatches: 200 }, batchMaxRecords: 7 });
  });
});

describe('loadTask: bad documents', () => {
  it.each<{ name: string; text: string; path: string; phrase: string | RegExp }>([
    { name: 'missing source.serverId', text: variant({ 'serverId: 5401': 'port: 3306' }), path: 'source.serverId', phrase: 'is required' },
    { name: 'source.port is not a number', text: variant({ 'serverId: 5401': 'serverId: 5401, port: "x"' }), path: 'source.port', phrase: 'expected number, received string' },
    { name: 'a typo in a key', text: variant({ 'serverId: 5401': 'serverId: 5401, pasword: secret' }), path: 'source', phrase: /unknown key "pasword"; check the spelling/ },
    { name: 'an unknown destination type', text: variant({ 'type: kafka': 'type: kafak' }), path: 'destinations[0].type', phrase: 'must be one of the supported values' },
    { name: 'a broker without a port', text: variant({ '127.0.0.1:19092': '127.0.0.1' }), path: 'destinations[0].brokers[0]', phrase: 'host:port' },
    { name: 'a topic with a space', text: variant({ 'topic: dts': 'topic: "my topic"' }), path: 'destinations[0].topic', phrase: 'a Kafka topic name' },
    {
      name: 'two destinations with the same name',
      text: `${MINIMAL}  - { type: kafka, brokers: [127.0.0.1:19092], topic: other }\n`,
      path: 'destinations[1].name',
      phrase: 'duplicate destination name "kafka"',
    },
    {
      name: 'a database listed twice',
      text: variant({ '  - database: shop\n': '  - database: shop\n  - { database: shop, tables: [t] }\n' }),
      path: 'objects[1].database',
      phrase: 'listed twice',
    },
    { name: 'an unknown sync type', text: `${MINIMAL}syncTypes: [full, schema]\n`, path: 'syncTypes[1]', phrase: 'expected one of "full"|"incremental"' },
    { name: 'a schedule that is not cron', text: `${MINIMAL}fullSync: { schedule: "every day" }\n`, path: 'fullSync.schedule', phrase: 'six fields "sec min hour day month weekday"' },
    { name: 'a signal table without its database', text: `${MINIMAL}fullSync: { signalTable: signals }\n`, path: 'fullSync.signalTable', phrase: 'database.table' },
    { name: 'too many full-sync workers', text: `${MINIMAL}fullSync: { workers: 64 }\n`, path: 'fullSync.workers', phrase: '16' },
    {
      name: 'retryOtherMinutes not below retryConnectionMinutes',
      text: `${MINIMAL}advanced: { retryConnectionMinutes: 20, retryOtherMinutes: 20 }\n`,
      path: 'advanced.retryOtherMinutes',
      phrase: 'must be smaller than retryConnectionMinutes',
    },
    { name: 'retryConnectionMinutes below 10', text: `${MINIMAL}advanced: { retryConnectionMinutes: 5, retryOtherMinutes: 1 }\n`, path: 'advanced.retryConnectionMinutes', phrase: '>=10' },
    { name: 'no objects', text: variant({ 'objects:\n  - database: shop\n': 'objects: []\n' }), path: 'objects', phrase: 'at least one database' },
    {
      name: 'no destinations',
      text: variant({ 'destinations:\n  - { type: kafka, brokers: [127.0.0.1:19092], topic: dts }\n': 'destinations: []\n' }),
      path: 'destinations',
      phrase: 'at least one destination',
    },
    { name: 'a bad task name', text: variant({ 'name: demo': 'name: "-demo"' }), path: 'name', phrase: 'letters, digits' },
    { name: 'a bad env reference', text: variant({ 'serverId: 5401': 'serverId: 5401, password: { env: "MY-PW" }' }), path: 'source.password.env', phrase: 'an environment variable name' },
  ])('$name → $path', async ({ text, path, phrase }) => {
    const err = await loadError(text);
    const issue = err.issues.find((i) => i.path === path);
    expect(issue, JSON.stringify(err.issues)).toStrictEqual({ path, message: expect.any(String) });
    // …and the dotted path, next to the explanation.
    expect(err.message).toContain(`  - ${path}: `);
    if (typeof phrase === 'string') expect(issue!.message).toContain(phrase);
    else expect(issue!.message).toMatch(phrase);
    expect(err.message).toContain(issue!.message);
  });

  it('names a top-level typo as such', async () => {
    const err = await loadError(`${MINIMAL}syncType: [incremental]\n`);
    expect(err.issues).toEqual([{ path: '', message: 'unknown key "syncType"; check the spelling against the task reference' }]);
    expect(err.message).toContain('  - (top level): unknown key "syncType"');
  });

  it('reports one issue per problem, for every problem in the file', async () => {
    const err = await loadError(variant({ 'serverId: 5401': 'port: "x"', 'topic: dts': 'topic: "a b"' }));
    expect(err.issues.map((i) => i.path).sort()).toEqual(['destinations[0].topic', 'source.port', 'source.serverId']);
  });

  it('names line and column of text that is not YAML', async () => {
    const err = await loadError('name: demo\nsource: { host: h\nobjects: [\n');
    expect(err.issues).toHaveLength(1);
    expect(err.issues[0]!.path).toBe('');
    expect(err.message).toMatch(/not valid YAML at line \d+, column \d+/);
    expect(err.message).toContain('(top level)');
    expect(err.cause).toBeInstanceOf(YAMLParseError);
    expect(err.issues[0]!.message).toContain((err.cause as YAMLParseError).message.split('\n')[0]);
  });

  it.each([
    { name: 'a scalar', text: 'just some words\n' },
    { name: 'a number', text: '42\n' },
    { name: 'an empty file', text: '' },
  ])('rejects $name instead of a mapping', async ({ text }) => {
    const err = await loadError(text);
    expect(err.issues).toEqual([{ path: '', message: 'expected a YAML mapping with name, source, objects and destinations' }]);
  });

  it('rejects a YAML list at the top level with the schema message', async () => {
    const err = await loadError('- a\n- b\n');
    expect(err.issues[0]!.path).toBe('');
    expect(err.issues[0]!.message).toMatch(/expected object, received array/);
  });

  it('names a missing file and why it cannot be read', async () => {
    const missing = join(dir, 'does-not-exist.yaml');
    const caught: unknown = await loadTask(missing).catch((e: unknown) => e);
    expect(caught).toBeInstanceOf(TaskConfigError);
    const err = caught as TaskConfigError;
    expect(err.message).toContain(missing);
    expect(err.message).toContain('cannot read the file (ENOENT)');
    expect(err.context.path).toBe(missing);
  });
});

describe('secrets in the task file', () => {
  it.each([
    { form: 'password: ${MYSQL_PW}', yaml: 'password: ${MYSQL_PW}', want: { env: 'MYSQL_PW' } },
    { form: 'password: "${MYSQL_PW}"', yaml: 'password: "${MYSQL_PW}"', want: { env: 'MYSQL_PW' } },
    { form: 'password: { env: MYSQL_PW }', yaml: 'password: { env: MYSQL_PW }', want: { env: 'MYSQL_PW' } },
    { form: 'a literal', yaml: 'password: s3cret', want: { value: 's3cret' } },
    { form: 'a literal that only looks like a reference', yaml: 'password: "x${MYSQL_PW}"', want: { value: 'x${MYSQL_PW}' } },
    { form: 'an invalid variable name stays literal', yaml: 'password: "${1PW}"', want: { value: '${1PW}' } },
  ])('$form → $want', async ({ yaml, want }) => {
    const file = await write(`name: demo\nsource:\n  host: h\n  serverId: 1\n  ${yaml}\nobjects: [{ database: shop }]\ndestinations: [{ type: kafka, brokers: ["k:9092"], topic: t }]\n`);
    expect((await readFile(file, 'utf8')).includes(yaml)).toBe(true);
    const task = await loadTask(file);
    expect(task.source.password).toEqual(want);
  });

  it('parses Kafka SASL and Redis URL references the same way (parseTask on a parsed document)', () => {
    const task = parseTask(
      {
        name: 'demo',
        source: { host: 'h', serverId: 1 },
        objects: [{ database: 'shop' }],
        destinations: [{ type: 'kafka', brokers: ['k:9092'], topic: 't', sasl: { mechanism: 'plain', username: 'u', password: '${KAFKA_PW}' } }],
        queue: { type: 'redis', url: { env: 'REDIS_URL' } },
      },
      'inline',
    );
    expect(kafkaOf(task.destinations[0]).sasl).toEqual({ mechanism: 'plain', username: 'u', password: { env: 'KAFKA_PW' } });
    expect(task.queue).toEqual({ type: 'redis', url: { env: 'REDIS_URL' } });
  });
});
