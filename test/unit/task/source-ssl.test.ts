/** `source.ssl` in the task file: the shapes it takes, and what it refuses, each named by its path. */
import { describe, expect, it } from 'vitest';
import { parseTask, TaskConfigError } from '../../../shared/task/index.ts';

function withSsl(ssl: unknown) {
  return parseTask(
    { name: 't', source: { host: 'db', serverId: 7, ssl }, objects: [{ database: 'shop' }], destinations: [{ type: 'kafka', name: 'k', brokers: ['b:9092'], topic: 't' }] },
    'task.yaml',
  );
}

function issuesOf(ssl: unknown): { path: string; message: string }[] {
  try {
    withSsl(ssl);
  } catch (err) {
    if (err instanceof TaskConfigError) return err.issues.map((i) => ({ path: i.path, message: i.message }));
    throw err;
  }
  throw new Error('expected the task to be refused');
}

describe('source.ssl', () => {
  it('is absent by default: plain TCP', () => {
    expect(
      parseTask({ name: 't', source: { host: 'db', serverId: 7 }, objects: [{ database: 'shop' }], destinations: [{ type: 'kafka', name: 'k', brokers: ['b:9092'], topic: 't' }] }, 'task.yaml').source
        .ssl,
    ).toBeUndefined();
  });

  it('true means TLS checked against the system CAs', () => {
    expect(withSsl(true).source.ssl).toEqual({ rejectUnauthorized: true });
  });

  it('takes PEMs as file paths, { file }, { env } or ${VAR}', () => {
    expect(withSsl({ ca: 'certs/ca.pem', cert: { file: '/etc/dts/client.pem' }, key: '${DTS_TLS_KEY}', minVersion: 'TLSv1.3' }).source.ssl).toEqual({
      ca: { file: 'certs/ca.pem' },
      cert: { file: '/etc/dts/client.pem' },
      key: { env: 'DTS_TLS_KEY' },
      rejectUnauthorized: true,
      minVersion: 'TLSv1.3',
    });
    expect(withSsl({ ca: { env: 'RDS_CA' }, rejectUnauthorized: false }).source.ssl).toEqual({ ca: { env: 'RDS_CA' }, rejectUnauthorized: false });
  });

  it('refuses a cert without its key, an unknown TLS version and unknown keys', () => {
    expect(issuesOf({ cert: 'client.pem' })).toEqual([{ path: 'source.ssl', message: 'cert and key go together: a client certificate needs its key, and a key its certificate' }]);
    expect(issuesOf({ minVersion: 'TLSv1.1' }).map((i) => i.path)).toEqual(['source.ssl.minVersion']);
    expect(issuesOf({ caFile: 'ca.pem' }).map((i) => i.path)).toEqual(['source.ssl']);
    expect(issuesOf({ ca: { env: 'not a name' } }).map((i) => i.path)).toEqual(['source.ssl.ca.env']);
  });
});
