/**
 * The standalone precheck against real servers: every item passes on the stack's source; each
 * fails or warns on a source set up for it (a user with limited grants, missing and keyless
 * tables, a bad filter, the source's own server_id, an unreachable broker, a heartbeat table the
 * user may not write, an FC function or service that does not exist on a local FC endpoint, a
 * private MySQL 8 with STATEMENT binlogs kept one hour); the reader's start stops on the same
 * items; and the CLI's exit codes and --json shape.
 */
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { silentLogger, type Logger, type LogFields } from '../../shared/log.ts';
import type { Finding } from '../../shared/precheck/finding.ts';
import { startLocalFcEndpoint, type LocalFcEndpoint } from '../../shared/runtime/fc/local-endpoint/index.ts';
import { runPrecheck as runItems } from '../../shared/precheck/run.ts';
import { readerOptions, resolveDestinations } from '../../shared/runtime/compose.ts';
import { SourcePrecheckError } from '../../shared/source/errors.ts';
import type { Task, TaskFile } from '../../shared/task/index.ts';
import { createFcTarget } from '../helpers/fc-target.ts';
import { maxComputeDestination, MC_PROJECT, useLocalMaxCompute } from '../helpers/maxcompute-task.ts';
import { PrivateMysql8 } from '../helpers/mysql8-server.ts';
import { createTopic, stack, startTask, taskFor, tempDir, uniqueName, useDatabase } from '../helpers/stack.ts';

const { db, conn } = useDatabase('precheck', 'CREATE TABLE ${db}.keyed (id INT PRIMARY KEY, v INT)', 'CREATE TABLE ${db}.keyless (v INT)');
const topic = uniqueName('precheck');
let dir: string;

beforeAll(async () => {
  await createTopic(topic);
  dir = await tempDir('precheck');
});

function runPrecheck(t: Task, origin: string): Promise<Finding[]> {
  return runItems({ task: t, endpoint: readerOptions(t, origin).endpoint, destinations: resolveDestinations(t, origin) });
}
function byId(findings: readonly Finding[]): Record<string, Finding> {
  return Object.fromEntries(findings.map((f) => [f.id, f]));
}
function task(overrides: Partial<TaskFile> = {}, tables: string[] = ['keyed']): Task {
  return taskFor({ database: db, tables, topic, dir }, overrides);
}

const SOURCE_IDS = [
  'source.log_bin',
  'source.binlog_format',
  'source.binlog_row_image',
  'source.binlog_row_metadata',
  'source.binlog_retention',
  'source.log_slave_updates',
  'source.gtid_mode',
  'source.privileges.replication',
  'source.privileges.select',
  'source.privileges.heartbeat',
  'source.server_id',
  'source.replicas',
];

describe('precheck on the stack source', () => {
  it('passes every item', async () => {
    const findings = await runPrecheck(task(), 'test');
    expect(findings.map((f) => f.id)).toEqual([...SOURCE_IDS, 'objects.exist', 'objects.keys', 'objects.filters', 'destination.kafka.reachable', 'destination.kafka.topics']);
    expect(findings.filter((f) => f.status !== 'pass')).toEqual([]);
  });

  it('fails a missing table, a bad filter and the source server_id; warns a keyless table for incremental sync', async () => {
    const t = task({
      source: { host: '127.0.0.1', port: stack.mysqlPort, user: 'root', password: '', serverId: 1 },
      objects: [{ database: db, tables: [{ name: 'keyed', filter: 'nosuch > 1' }, 'keyless', 'missing'] }],
    });
    const items = byId(await runPrecheck(t, 'test'));
    expect(items['objects.exist']).toEqual({
      id: 'objects.exist',
      status: 'fail',
      message: `not on the source (or not visible to the user): ${db}.missing`,
      fix: 'create them on the source, grant the user SELECT on them, or remove them from objects in the task file',
      subject: [`${db}.missing`],
    });
    expect(items['objects.keys']).toEqual({
      id: 'objects.keys',
      status: 'warn',
      message: `${db}.keyless have no primary key and no unique key on NOT NULL columns: their changes carry no key, so destinations cannot tell rows apart and duplicates are possible (DTS requires a key)`,
      fix: 'ALTER TABLE <table> ADD PRIMARY KEY (<columns>)',
      subject: [`${db}.keyless`],
    });
    expect(items['objects.filters']).toMatchObject({ status: 'fail', fix: "correct objects[].tables[].filter in the task file: a WHERE condition over the table's columns" });
    expect(items['objects.filters']!.message).toContain(`${db}.keyed`);
    // One problem: the message is that problem, and the subject lists it alone.
    expect(items['objects.filters']!.subject).toEqual([items['objects.filters']!.message]);
    expect(items['source.server_id']).toEqual({
      id: 'source.server_id',
      status: 'fail',
      message: "source.serverId 1 equals the source's own server_id",
      fix: 'set source.serverId in the task file to a number no server or replica of this source uses',
    });
  });

  it('fails a keyless table when the full sync refuses them', async () => {
    const items = byId(await runPrecheck(task({ syncTypes: ['full', 'incremental'] }, ['keyed', 'keyless']), 'test'));
    expect(items['objects.keys']).toMatchObject({
      status: 'fail',
      fix: 'ALTER TABLE <table> ADD PRIMARY KEY (<columns>), or set fullSync.keylessTables: scan to copy them in one pass',
      subject: [`${db}.keyless`],
    });
  });

  it('fails an unreachable broker, and a missing topic when createTopics is false', async () => {
    const unreachable = byId(await runPrecheck(taskFor({ database: db, tables: ['keyed'], topic, dir, brokers: ['127.0.0.1:1'] }), 'test'));
    expect(unreachable['destination.kafka.reachable']).toMatchObject({
      status: 'fail',
      fix: 'check brokers, the network path (security group, whitelist) and the ssl/sasl settings of the destination',
    });
    expect(unreachable['destination.kafka.reachable']!.message).toMatch(/^Kafka brokers 127\.0\.0\.1:1 do not answer: /);
    const missing = uniqueName('absent');
    const noCreate = byId(await runPrecheck(task({ destinations: [{ type: 'kafka', name: 'kafka', brokers: [stack.kafkaBroker], topic: missing, createTopics: false }] }), 'test'));
    expect(noCreate['destination.kafka.topics']).toEqual({
      id: 'destination.kafka.topics',
      status: 'fail',
      message: `topics do not exist and createTopics is false: ${missing}`,
      fix: `create them (kafka-topics.sh --create --topic <name> --partitions 1) or set createTopics: true`,
      subject: [missing],
    });
  });
});

describe('a MaxCompute destination', () => {
  const mc = useLocalMaxCompute('precheck');
  it('passes with the project and credentials, fails a wrong secret and an unknown project', async () => {
    const check = async (overrides: Record<string, unknown>) =>
      byId(await runPrecheck(task({ destinations: [maxComputeDestination(mc.endpoint(), overrides) as never] }), 'test'))['destination.mc.project'];
    expect(await check({})).toEqual({ id: 'destination.mc.project', status: 'pass', message: `MaxCompute project ${MC_PROJECT} answers at ${mc.endpoint()} with the task's credentials` });
    const fix = 'check endpoint and project, and that the AccessKey belongs to a RAM user with read and write permissions on the project';
    const wrongSecret = await check({ accessKeySecret: 'not-the-secret' });
    expect(wrongSecret).toMatchObject({ status: 'fail', fix });
    expect(wrongSecret!.message).not.toContain('not-the-secret');
    expect(await check({ project: 'no_such_project' })).toMatchObject({ status: 'fail', fix });
  });
});

describe('the heartbeat table privileges', () => {
  const user = `hb_${process.pid}`;
  const account = `'${user}'@'%'`;
  const role = `hbw_${process.pid}`;
  const heartbeatIn = (table: string, heartbeat: unknown = { table: `${db}.${table}`, intervalSeconds: 10 }): Task =>
    task({ source: { host: '127.0.0.1', port: stack.mysqlPort, user, password: 'hb-secret', serverId: 6000 + (process.pid % 1000) }, advanced: { heartbeat } as never });
  const item = async (t: Task) => byId(await runPrecheck(t, 'test'))['source.privileges.heartbeat'];
  beforeAll(async () => {
    await conn().query(`CREATE USER '${user}'@'%' IDENTIFIED BY 'hb-secret'`);
    await conn().query(`GRANT SELECT ON ${db}.keyed TO ${account}`);
    await conn().query(`CREATE TABLE ${db}.hb_there (task VARCHAR(64) NOT NULL PRIMARY KEY, beat_at DATETIME(3) NOT NULL)`);
  });
  afterAll(async () => {
    await conn().query(`DROP USER IF EXISTS ${account}`);
    await conn().query(`DROP ROLE IF EXISTS ${role}`);
  });

  it('warns with the GRANT that fixes it, passes on database, table or global grants', async () => {
    const fix = (grant: string) => `${grant} TO ${account} (or set advanced.heartbeat.table to a table the user may write, or advanced.heartbeat: false)`;
    // Not created yet: the user creates it, so it needs CREATE as well, on the database.
    expect(await item(heartbeatIn('hb_new'))).toEqual({
      id: 'source.privileges.heartbeat',
      status: 'warn',
      message: `the user lacks CREATE, SELECT, INSERT, UPDATE on \`${db}\`.*, needed to create and write the heartbeat table ${db}.hb_new: without heartbeats the latency grows while the source is idle`,
      fix: fix(`GRANT CREATE, SELECT, INSERT, UPDATE ON \`${db}\`.*`),
      subject: ['CREATE', 'SELECT', 'INSERT', 'UPDATE'],
    });
    await conn().query(`GRANT CREATE, SELECT, INSERT, UPDATE ON \`${db}\`.* TO ${account}`);
    expect(await item(heartbeatIn('hb_new'))).toEqual({ id: 'source.privileges.heartbeat', status: 'pass', message: `the user may create and write the heartbeat table ${db}.hb_new` });
    expect(await item(heartbeatIn('hb_there'))).toMatchObject({ status: 'pass', message: `the user may write the heartbeat table ${db}.hb_there` });
    await conn().query(`REVOKE CREATE, SELECT, INSERT, UPDATE ON \`${db}\`.* FROM ${account}`);

    // Existing: table grants count, and only the missing privilege is asked for.
    await conn().query(`GRANT SELECT, INSERT ON ${db}.hb_there TO ${account}`);
    expect(await item(heartbeatIn('hb_there'))).toEqual({
      id: 'source.privileges.heartbeat',
      status: 'warn',
      message: `the user lacks UPDATE on \`${db}\`.\`hb_there\`, needed to write the heartbeat table ${db}.hb_there: without heartbeats the latency grows while the source is idle`,
      fix: fix(`GRANT UPDATE ON \`${db}\`.\`hb_there\``),
      subject: ['UPDATE'],
    });
    await conn().query(`GRANT UPDATE ON ${db}.hb_there TO ${account}`);
    expect(await item(heartbeatIn('hb_there'))).toMatchObject({ status: 'pass' });
    // ...but a table grant does not let the user create another table.
    expect(await item(heartbeatIn('hb_new'))).toMatchObject({ status: 'warn', fix: fix(`GRANT CREATE, SELECT, INSERT, UPDATE ON \`${db}\`.*`) });

    await conn().query(`GRANT CREATE, SELECT, INSERT, UPDATE ON *.* TO ${account}`);
    expect(await item(heartbeatIn('hb_new'))).toMatchObject({ status: 'pass' });
    await conn().query(`REVOKE CREATE, SELECT, INSERT, UPDATE ON *.* FROM ${account}`);

    // Off: no item at all.
    expect(await item(heartbeatIn('hb_new', false))).toBeUndefined();
  });

  it('notes that a role may hold the privileges (SHOW GRANTS does not list them)', async () => {
    await conn().query(`CREATE ROLE ${role}`);
    await conn().query(`GRANT CREATE, SELECT, INSERT, UPDATE ON \`${db}\`.* TO ${role}`);
    await conn().query(`GRANT ${role} TO ${account}`);
    const found = await item(heartbeatIn('hb_new'));
    expect(found).toMatchObject({
      status: 'warn',
      fix: `GRANT CREATE, SELECT, INSERT, UPDATE ON \`${db}\`.* TO ${account} (or set advanced.heartbeat.table to a table the user may write, or advanced.heartbeat: false)`,
    });
    expect(found!.message).toMatch(/\(privileges granted through roles are not listed by SHOW GRANTS: check them by hand\)$/);
  });
});

describe('a Function Compute destination', () => {
  const KEY = { accessKeyId: 'LTAI-precheck-test', accessKeySecret: 'precheck-fc-secret' };
  let endpoint: LocalFcEndpoint;
  beforeAll(async () => {
    const target = await createFcTarget();
    endpoint = await startLocalFcEndpoint({
      dir: target.dir,
      port: 0,
      credentials: KEY,
      service: 'dts',
      functionName: 'sink',
      region: 'cn-hangzhou',
      accountId: '1234567890',
      log: silentLogger,
      writeLogLine: () => {},
    });
  });
  afterAll(async () => {
    await endpoint?.close();
  });
  const check = async (overrides: Record<string, unknown>) => {
    const destination = {
      type: 'fc',
      name: 'fn',
      region: 'cn-hangzhou',
      accountId: '1234567890',
      endpoint: endpoint.url,
      accessKeyId: KEY.accessKeyId,
      accessKeySecret: KEY.accessKeySecret,
      service: 'dts',
      function: 'sink',
      ...overrides,
    };
    return byId(await runPrecheck(task({ destinations: [destination as never] }), 'test'))['destination.fn.function'];
  };
  const where = () => `in region cn-hangzhou (account 1234567890, endpoint ${endpoint.url})`;

  it('FC 2.0: passes when the service and function exist; fails a missing function, a missing service, a wrong secret', async () => {
    expect(await check({})).toEqual({ id: 'destination.fn.function', status: 'pass', message: `FC 2.0 function dts.LATEST/sink exists ${where()}` });
    expect(await check({ function: 'nosuch' })).toEqual({
      id: 'destination.fn.function',
      status: 'fail',
      message: `FC function dts.LATEST/nosuch does not exist ${where()} (FunctionNotFound)`,
      fix: 'create the function (and the qualifier LATEST), or correct function, qualifier, region and accountId of destination "fn"',
    });
    expect(await check({ service: 'other' })).toEqual({
      id: 'destination.fn.function',
      status: 'fail',
      message: `FC service other does not exist ${where()}`,
      fix: 'create the FC 2.0 service other with function sink, or correct service, region and accountId of destination "fn"',
    });
    const wrongSecret = await check({ accessKeySecret: 'not-the-secret' });
    expect(wrongSecret).toEqual({
      id: 'destination.fn.function',
      status: 'fail',
      message: `FC refused the task's credentials for dts.LATEST/sink ${where()} (SignatureNotMatch)`,
      fix: 'check accessKeyId, accessKeySecret and securityToken of destination "fn"',
    });
    expect(JSON.stringify(wrongSecret)).not.toContain('not-the-secret');
  });

  it('FC 3.0: passes when the function exists; fails a missing one and a wrong secret', async () => {
    const v3 = { fcVersion: '3.0', service: undefined };
    expect(await check(v3)).toEqual({ id: 'destination.fn.function', status: 'pass', message: `FC 3.0 function sink:LATEST exists ${where()}` });
    expect(await check({ ...v3, function: 'nosuch', qualifier: 'prod' })).toMatchObject({ status: 'fail', message: `FC function nosuch:prod does not exist ${where()} (FunctionNotFound)` });
    expect(await check({ ...v3, accessKeySecret: 'not-the-secret' })).toMatchObject({
      status: 'fail',
      message: `FC refused the task's credentials for sink:LATEST ${where()} (SignatureDoesNotMatch)`,
    });
  });

  it('fails an endpoint that does not answer', async () => {
    const closed = await check({ endpoint: 'http://127.0.0.1:1' });
    expect(closed).toMatchObject({ status: 'fail', fix: 'check endpoint, region and accountId of destination "fn" and the network path to FC' });
    expect(closed!.message).toMatch(/^FC did not answer for function dts\.LATEST\/sink in region cn-hangzhou \(account 1234567890, endpoint http:\/\/127\.0\.0\.1:1\): /);
  });
});

describe('a user with limited grants', () => {
  const user = `pc_${process.pid}`;
  beforeAll(async () => {
    await conn().query(`CREATE USER '${user}'@'%' IDENTIFIED BY 'pc-secret'`);
    await conn().query(`GRANT SELECT ON ${db}.keyed TO '${user}'@'%'`);
  });
  afterAll(async () => {
    await conn().query(`DROP USER IF EXISTS '${user}'@'%'`);
  });
  const limited = (): Task => task({ source: { host: '127.0.0.1', port: stack.mysqlPort, user, password: 'pc-secret', serverId: 6000 + (process.pid % 1000) } }, ['keyed', 'keyless']);

  it('fails the privilege items with the GRANT statements that fix them', async () => {
    const items = byId(await runPrecheck(limited(), 'test'));
    expect(items['source.privileges.replication']).toEqual({
      id: 'source.privileges.replication',
      status: 'fail',
      message: 'the user lacks REPLICATION SLAVE and REPLICATION CLIENT on *.*, needed to read the binlog',
      fix: `GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO '${user}'@'%'`,
      subject: ['REPLICATION SLAVE', 'REPLICATION CLIENT'],
    });
    expect(items['source.privileges.select']).toEqual({
      id: 'source.privileges.select',
      status: 'fail',
      message: `the user lacks SELECT on \`${db}\`.\`keyless\``,
      fix: `GRANT SELECT ON \`${db}\`.\`keyless\` TO '${user}'@'%'`,
      subject: [`\`${db}\`.\`keyless\``],
    });
    expect(items['source.replicas']?.status).toBe('warn');
    expect(JSON.stringify(items)).not.toContain('pc-secret');
  });

  // On a reader thread the findings cross to the main thread: the same typed error either way.
  for (const readerThread of [false, true]) {
    it(`stops the reader at start with the same items (${readerThread ? 'on' : 'without'} a reader thread)`, async () => {
      const failedLines: LogFields[] = [];
      const log: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: (message, fields) => void (message === 'task failed' && failedLines.push(fields ?? {})), child: () => log };
      const run = startTask(limited(), { readerThread, log });
      await expect(run.ready).rejects.toThrow(/task ended before it was ready: FAILED/);
      const outcome = await run.outcome;
      expect(outcome.error).toBeInstanceOf(SourcePrecheckError);
      const error = outcome.error as SourcePrecheckError;
      expect(error.message).toBe(
        `the source is not ready for incremental sync:\n  - the user lacks REPLICATION SLAVE and REPLICATION CLIENT on *.*, needed to read the binlog: GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO '${user}'@'%'\n  - the user lacks SELECT on \`${db}\`.\`keyless\`: GRANT SELECT ON \`${db}\`.\`keyless\` TO '${user}'@'%'`,
      );
      expect(error.context).toEqual({ items: 'source.privileges.replication,source.privileges.select' });
      expect(error.findings).toEqual([
        {
          id: 'source.privileges.replication',
          status: 'fail',
          message: 'the user lacks REPLICATION SLAVE and REPLICATION CLIENT on *.*, needed to read the binlog',
          fix: `GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO '${user}'@'%'`,
          subject: ['REPLICATION SLAVE', 'REPLICATION CLIENT'],
        },
        {
          id: 'source.privileges.select',
          status: 'fail',
          message: `the user lacks SELECT on \`${db}\`.\`keyless\``,
          fix: `GRANT SELECT ON \`${db}\`.\`keyless\` TO '${user}'@'%'`,
          subject: [`\`${db}\`.\`keyless\``],
        },
      ]);
      // The failure's log line names the failed items, as `dts precheck` does.
      expect(failedLines.map((f) => [f.code, f.items])).toEqual([['DTS_SOURCE_PRECHECK', 'source.privileges.replication,source.privileges.select']]);
    });
  }
});

// A private server: one is enough, so it runs in the mysql8 project only.
// Only in the mysql8 project (private MySQL 8 servers); not registered, rather than skipped, on MariaDB.
if (stack.source === 'mysql8') {
  describe('a MySQL 8 with STATEMENT binlogs kept one hour', () => {
    let server: PrivateMysql8;
    beforeAll(async () => {
      server = await PrivateMysql8.create([
        '--binlog-format=STATEMENT',
        '--binlog-row-image=MINIMAL',
        '--binlog-row-metadata=MINIMAL',
        '--binlog-expire-logs-seconds=3600',
        '--gtid-mode=OFF',
        '--enforce-gtid-consistency=OFF',
      ]);
      const c = await server.connect();
      await c.query('CREATE DATABASE pc');
      await c.query('CREATE TABLE pc.t (id INT PRIMARY KEY)');
      await c.end();
    });
    afterAll(async () => {
      await server?.remove();
    });
    const onServer = (): Task =>
      taskFor({ database: 'pc', tables: ['t'], topic, dir }, { source: { host: '127.0.0.1', port: server.port, user: 'root', password: '', serverId: 6000 + (process.pid % 1000) } });

    it('fails format, image and retention, warns row metadata and GTID mode', async () => {
      const items = byId(await runPrecheck(onServer(), 'test'));
      expect(items['source.binlog_format']).toEqual({
        id: 'source.binlog_format',
        status: 'fail',
        message: 'binlog_format is STATEMENT, must be ROW',
        fix: "SET GLOBAL binlog_format='ROW' (and binlog_format=ROW in my.cnf)",
      });
      expect(items['source.binlog_row_image']).toMatchObject({ status: 'fail', message: 'binlog_row_image is MINIMAL, must be FULL' });
      expect(items['source.binlog_retention']).toEqual({
        id: 'source.binlog_retention',
        status: 'fail',
        message: 'binlogs are kept 3600 s (binlog_expire_logs_seconds), less than the 24 h minimum: a task stopped longer than that cannot resume',
        fix: 'SET GLOBAL binlog_expire_logs_seconds = 604800 (and in my.cnf)',
      });
      expect(items['source.binlog_row_metadata']?.status).toBe('warn');
      expect(items['source.gtid_mode']?.status).toBe('warn');
      expect(items['source.log_bin']?.status).toBe('pass');
    });

    it('stops the reader at start naming each failed item and its fix', async () => {
      const run = startTask(onServer(), { readerThread: false });
      await expect(run.ready).rejects.toThrow(/task ended before it was ready: FAILED/);
      const outcome = await run.outcome;
      expect(outcome.error).toBeInstanceOf(SourcePrecheckError);
      expect((outcome.error as SourcePrecheckError).message).toBe(
        "the source is not ready for incremental sync:\n  - binlog_format is STATEMENT, must be ROW: SET GLOBAL binlog_format='ROW' (and binlog_format=ROW in my.cnf)\n  - binlog_row_image is MINIMAL, must be FULL: SET GLOBAL binlog_row_image='FULL' (and binlog_row_image=FULL in my.cnf)\n  - binlogs are kept 3600 s (binlog_expire_logs_seconds), less than the 24 h minimum: a task stopped longer than that cannot resume: SET GLOBAL binlog_expire_logs_seconds = 604800 (and in my.cnf)",
      );
      expect((outcome.error as SourcePrecheckError).findings.map((f) => [f.id, f.status])).toEqual([
        ['source.binlog_format', 'fail'],
        ['source.binlog_row_image', 'fail'],
        ['source.binlog_retention', 'fail'],
      ]);
    });
  });
}

// Only in the mysql8 project (private MySQL 8 servers); not registered, rather than skipped, on MariaDB.
if (stack.source === 'mysql8') {
  describe('a MySQL 8 without binary logging', () => {
    let server: PrivateMysql8;
    beforeAll(async () => {
      server = await PrivateMysql8.create(['--skip-log-bin']);
    });
    afterAll(async () => {
      await server?.remove();
    });

    it('fails source.log_bin with its fix', async () => {
      const t = taskFor({ database: 'mysql', tables: ['user'], topic, dir }, { source: { host: '127.0.0.1', port: server.port, user: 'root', password: '', serverId: 6000 + (process.pid % 1000) } });
      expect(byId(await runPrecheck(t, 'test'))['source.log_bin']).toEqual({
        id: 'source.log_bin',
        status: 'fail',
        message: 'log_bin is OFF',
        fix: 'start the server with --log-bin (log_bin in my.cnf) and restart it',
      });
    });
  });
}

describe('npm run dts -- precheck', () => {
  function cli(file: string, json: boolean): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, '../../scripts/dts.ts'), 'precheck', '--task', file, ...(json ? ['--json'] : [])], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      child.on('exit', (code) => resolve({ code, stdout, stderr }));
    });
  }
  const file = (name: string, doc: unknown): Promise<string> => writeFile(join(dir, name), typeof doc === 'string' ? doc : stringify(doc)).then(() => join(dir, name));
  const doc = (tables: string[]) => ({
    name: 'pc',
    source: { host: '127.0.0.1', port: stack.mysqlPort, user: 'root', serverId: 6000 + (process.pid % 1000) },
    objects: [{ database: db, tables }],
    destinations: [{ type: 'kafka', brokers: [stack.kafkaBroker], topic }],
    queue: { type: 'file', dir },
  });

  it('exit 0 with the --json shape when nothing fails (a warning is ignorable)', async () => {
    const { code, stdout } = await cli(await file('ok.yaml', doc(['keyed', 'keyless'])), true);
    expect(code).toBe(0);
    const r = JSON.parse(stdout) as { task: string; result: string; counts: Record<string, number>; items: Finding[] };
    expect(Object.keys(r)).toEqual(['task', 'result', 'counts', 'items']);
    expect(r).toMatchObject({ task: 'pc', result: 'warn', counts: { pass: 16, warn: 1, fail: 0 } });
    expect(r.items.find((i) => i.id === 'objects.keys')).toEqual({
      id: 'objects.keys',
      status: 'warn',
      message: `${db}.keyless have no primary key and no unique key on NOT NULL columns: their changes carry no key, so destinations cannot tell rows apart and duplicates are possible (DTS requires a key)`,
      fix: 'ALTER TABLE <table> ADD PRIMARY KEY (<columns>)',
      subject: [`${db}.keyless`],
    });
    expect(r.items.find((i) => i.id === 'destination.kafka.topics')).toEqual({ id: 'destination.kafka.topics', status: 'pass', message: `topics exist: ${topic}`, subject: [topic] });
  });

  it('exit 1 with readable text when an item fails', async () => {
    const { code, stdout } = await cli(await file('fail.yaml', doc(['keyed', 'missing'])), false);
    expect(code).toBe(1);
    expect(stdout).toContain(`FAIL  objects.exist: not on the source (or not visible to the user): ${db}.missing\n      fix: create them on the source`);
    expect(stdout).toMatch(/16 passed, 0 warning\(s\) \(ignorable\), 1 failed\n$/);
  });

  it('exit 2 for a task file that cannot be loaded', async () => {
    const { code, stderr } = await cli(await file('bad.yaml', 'name: [unclosed'), false);
    expect(code).toBe(2);
    expect(stderr).toContain('bad.yaml');
  });
});
