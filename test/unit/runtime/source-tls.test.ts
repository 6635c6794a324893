/** `source.ssl` resolved by the runtime: PEMs read from files and the environment, problems named by path. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveSourceTls } from '../../../shared/runtime/source-tls.ts';
import { connectionOptions } from '../../../shared/source/binlog/connection-options.ts';
import { Secret } from '../../../shared/task/secret.ts';
import { TaskConfigError } from '../../../shared/task/index.ts';

const caPem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const keyPem = '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n';
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dts-source-tls-'));
  await writeFile(join(dir, 'ca.pem'), caPem);
  await writeFile(join(dir, 'client.pem'), caPem);
  await writeFile(join(dir, 'notes.txt'), 'not a certificate');
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function issues(run: () => unknown): { path: string; message: string }[] {
  try {
    run();
  } catch (err) {
    if (err instanceof TaskConfigError) return [...err.issues];
    throw err;
  }
  throw new Error('expected a TaskConfigError');
}

describe('resolveSourceTls', () => {
  it('is undefined without source.ssl', () => {
    expect(resolveSourceTls(undefined, 'task.yaml', dir, {})).toBeUndefined();
  });

  it('reads files (relative to the base directory) and environment variables; the key becomes a secret', () => {
    const tls = resolveSourceTls({ ca: { file: 'ca.pem' }, cert: { file: join(dir, 'client.pem') }, key: { env: 'TLS_KEY' }, rejectUnauthorized: true, minVersion: 'TLSv1.3' }, 'task.yaml', dir, {
      TLS_KEY: keyPem,
    });
    expect(tls).toMatchObject({ ca: caPem, cert: caPem, rejectUnauthorized: true, minVersion: 'TLSv1.3' });
    expect(tls?.key).toBeInstanceOf(Secret);
    expect(tls?.key?.reveal()).toBe(keyPem);
    expect(JSON.stringify(tls)).not.toContain('PRIVATE KEY');
  });

  it('names the path of a missing file, an unset variable and a file without PEM', () => {
    expect(issues(() => resolveSourceTls({ ca: { file: 'missing.pem' }, rejectUnauthorized: true }, 'task.yaml', dir, {}))).toEqual([
      { path: 'source.ssl.ca', message: `cannot read ${join(dir, 'missing.pem')} (ENOENT); give the path of a readable PEM file` },
    ]);
    expect(issues(() => resolveSourceTls({ cert: { file: 'client.pem' }, key: { env: 'NO_SUCH_KEY' }, rejectUnauthorized: true }, 'task.yaml', dir, {}))).toEqual([
      { path: 'source.ssl.key', message: 'refers to environment variable NO_SUCH_KEY, which is not set; export it (the PEM text) before starting the task' },
    ]);
    expect(issues(() => resolveSourceTls({ ca: { file: 'notes.txt' }, rejectUnauthorized: true }, 'task.yaml', dir, {}))).toEqual([
      { path: 'source.ssl.ca', message: 'notes.txt holds no PEM block (-----BEGIN ...); give a PEM certificate' },
    ]);
  });
});

describe('connectionOptions with TLS', () => {
  const endpoint = { host: 'db.example', port: 3306, user: 'dts', password: new Secret('pw'), connectTimeoutMs: 5000 };

  it('makes no TLS options without source.ssl', () => {
    expect(connectionOptions(endpoint).ssl).toBeUndefined();
  });

  it('passes the PEMs, the version floor, and checks the host name whenever the certificate is checked', () => {
    expect(connectionOptions({ ...endpoint, tls: { ca: caPem, cert: caPem, key: new Secret(keyPem), rejectUnauthorized: true, minVersion: 'TLSv1.2' } }).ssl).toEqual({
      ca: caPem,
      cert: caPem,
      key: keyPem,
      rejectUnauthorized: true,
      verifyIdentity: true,
      minVersion: 'TLSv1.2',
    });
    expect(connectionOptions({ ...endpoint, tls: { rejectUnauthorized: false } }).ssl).toEqual({ rejectUnauthorized: false, verifyIdentity: false });
  });
});
