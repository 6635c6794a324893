/**
 * TLS to the source (`source.ssl`), against the stack's source (MariaDB, or MySQL 8 where dts_tls
 * authenticates with caching_sha2_password), which serves TLS with the stack's own CA
 * (scripts/start-stack.sh) and has the account dts_tls with REQUIRE SSL. That account can
 * connect only over TLS, so a task that streams as dts_tls proves that every connection the task
 * opens (control, full-sync chunks, binlog) used TLS. Without `ssl` the same account is refused;
 * with a CA that did not sign the server's certificate the task fails at once, finally, naming
 * `source.ssl.ca`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import mysql from 'mysql2/promise';
import { beforeAll, describe, expect, it } from 'vitest';
import { connectionOptions } from '../../shared/source/binlog/connection-options.ts';
import { SourceTlsError } from '../../shared/source/errors.ts';
import { RetryWindowExceededError } from '../../shared/ops/errors.ts';
import { readerOptions } from '../../shared/runtime/compose.ts';
import { sourceWithOwnServerId } from '../helpers/kafka-read.ts';
import { consumeMessages, sourceConnection, stack, startTask, taskFor, tempDir, uniqueName, useDatabase } from '../helpers/stack.ts';
import type { RetryWindows } from '../../shared/ops/index.ts';
import type { TaskOutcome } from '../../shared/runtime/local/run-task.ts';
import type { Task, TaskFile } from '../../shared/task/index.ts';

const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const stackDir = (() => {
  const dir = process.env.DTS_STACK_DIR ?? '.stack';
  return isAbsolute(dir) ? dir : resolve(repoRoot, dir);
})();
const caFile = join(stackDir, 'mariadb-tls/ca.pem');
const tlsUser = { user: 'dts_tls', password: 'dts-tls-secret' };
const restart = `bash scripts/stop-stack.sh ${stack.source} && bash scripts/start-stack.sh ${stack.source}`;
/** How the server names the client in "Access denied": MariaDB by its address, MySQL 8 by the name it resolves the address to. */
const deniedHost = stack.source === 'mysql8' ? 'localhost' : '127.0.0.1';
/** The authentication plugin of dts_tls: MySQL 8's default needs TLS (or an RSA key) to send the password. */
const tlsUserPlugin = stack.source === 'mysql8' ? 'caching_sha2_password' : 'mysql_native_password';

const source = useDatabase('tls', 'CREATE TABLE ${db}.t (id INT PRIMARY KEY, v VARCHAR(20))');

function tlsSource(ssl?: NonNullable<TaskFile['source']>['ssl']): TaskFile['source'] {
  return { ...sourceWithOwnServerId(), ...tlsUser, ...(ssl ? { ssl } : {}) };
}

/** A CA of its own, which signed nothing the server presents. */
async function foreignCa(): Promise<string> {
  const dir = await tempDir('foreign-ca');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=not the stack CA', '-keyout', join(dir, 'ca.key'), '-out', join(dir, 'ca.pem')], {
    stdio: 'ignore',
  });
  return join(dir, 'ca.pem');
}

/** The outcome of a task expected to fail before it is ready (its reader on this thread: errors keep their class). */
function failedRun(task: Task, windows: RetryWindows): Promise<TaskOutcome> {
  const running = startTask(task, { readerThread: false, windows, backoff: { initialMs: 100, maxMs: 200, factor: 2 } });
  running.ready.catch(() => {}); // it never gets ready: the outcome says why
  return running.outcome;
}

beforeAll(async () => {
  // The stack makes the CA and the account at start; a MariaDB started before that has no TLS.
  const conn = await sourceConnection();
  try {
    const [[ssl]] = (await conn.query('SELECT @@have_ssl AS have')) as unknown as [{ have: string }[]];
    const [users] = (await conn.query("SELECT user, plugin, ssl_type FROM mysql.user WHERE user = 'dts_tls'")) as unknown as [{ plugin: string; ssl_type: string }[]];
    if (ssl?.have !== 'YES' || !existsSync(caFile) || users.length === 0) {
      throw new Error(
        `the stack's ${stack.source} on 127.0.0.1:${stack.mysqlPort} does not serve TLS (have_ssl=${ssl?.have}, CA ${caFile} ${existsSync(caFile) ? 'present' : 'missing'}, user dts_tls ${users.length ? 'present' : 'missing'}): it was started before the stack enabled TLS. Restart it: ${restart}`,
      );
    }
    expect(users.map((u) => [u.plugin, u.ssl_type])).toEqual([[tlsUserPlugin, 'ANY']]);
  } finally {
    await conn.end();
  }
});

describe('TLS to the source (source.ssl)', () => {
  it('copies and streams as a REQUIRE SSL account with the stack CA, over TLS sessions', { timeout: 60_000 }, async () => {
    const { db } = source;
    const conn = source.conn();
    await conn.query(`INSERT INTO ${db}.t VALUES (1, 'copied'), (2, 'copied')`);
    const topic = uniqueName('tls');
    const task = taskFor({ database: db, tables: ['t'], topic, dir: await tempDir('tls') }, { source: tlsSource({ ca: caFile, minVersion: 'TLSv1.2' }), syncTypes: ['full', 'incremental'] });

    // The connection options every source connection of the task is made from give a TLS session.
    const session = await mysql.createConnection(connectionOptions(readerOptions(task, 'test').endpoint));
    try {
      const [[status]] = (await session.query("SHOW SESSION STATUS LIKE 'Ssl_cipher'")) as unknown as [{ Value: string }[]];
      expect(status?.Value).toMatch(/^[A-Z0-9_-]+$/);
      const [[version]] = (await session.query("SHOW SESSION STATUS LIKE 'Ssl_version'")) as unknown as [{ Value: string }[]];
      expect(['TLSv1.2', 'TLSv1.3']).toContain(version?.Value);
    } finally {
      await session.end();
    }

    const running = startTask(task);
    await running.ready;
    // The copy first (full-sync chunk connections), then changes from the binlog connection.
    await consumeMessages(topic, 2, 30_000);
    await conn.query(`INSERT INTO ${db}.t VALUES (3, 'streamed')`);
    await conn.query(`UPDATE ${db}.t SET v = 'changed' WHERE id = 1`);
    const messages = await consumeMessages(topic, 4, 30_000);
    expect(messages.map((m) => [m.json.type, (m.json.data as Record<string, string>[])[0]])).toEqual([
      ['INSERT', { id: '1', v: 'copied' }],
      ['INSERT', { id: '2', v: 'copied' }],
      ['INSERT', { id: '3', v: 'streamed' }],
      ['UPDATE', { id: '1', v: 'changed' }],
    ]);
    expect((await running.stop()).status).toBe('STOPPED');
  });

  it('without source.ssl the REQUIRE SSL account is refused, and the error says to set source.ssl', { timeout: 30_000 }, async () => {
    const task = taskFor({ database: source.db, tables: ['t'], topic: uniqueName('tls_plain'), dir: await tempDir('tls-plain') }, { source: tlsSource() });
    const outcome = await failedRun(task, { connectionMs: 1_000, otherMs: 1_000 });
    expect(outcome.status).toBe('FAILED');
    expect(outcome.error).toBeInstanceOf(RetryWindowExceededError);
    expect(outcome.error?.message).toContain(
      `the reader cannot connect to the source 127.0.0.1:${stack.mysqlPort} as dts_tls: Access denied for user 'dts_tls'@'${deniedHost}' (using password: YES); `,
    );
    expect(outcome.error?.message).toContain('if the account requires TLS (REQUIRE SSL or X509), set source.ssl');
  });

  it('an untrusted CA fails the task at once, not retried, naming the certificate problem and source.ssl.ca', { timeout: 30_000 }, async () => {
    const task = taskFor({ database: source.db, tables: ['t'], topic: uniqueName('tls_foreign'), dir: await tempDir('tls-foreign') }, { source: tlsSource({ ca: await foreignCa() }) });
    const started = Date.now();
    // Windows of a minute: a retried failure would not end within the test's time-out.
    const outcome = await failedRun(task, { connectionMs: 60_000, otherMs: 60_000 });
    expect(outcome.status).toBe('FAILED');
    expect(outcome.error).toBeInstanceOf(SourceTlsError);
    const error = outcome.error as SourceTlsError;
    expect(error.retriable).toBe(false);
    expect(error.context).toEqual({ host: '127.0.0.1', port: stack.mysqlPort, user: 'dts_tls', tls: 'certificate not trusted' });
    expect(error.message).toContain(`the reader cannot connect to the source 127.0.0.1:${stack.mysqlPort}: its TLS certificate is not trusted (self-signed certificate in certificate chain); `);
    expect(error.message).toContain('set source.ssl.ca to the file of the CA that signed the server');
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
