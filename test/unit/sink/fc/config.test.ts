/** The fc destination in a task file: defaults, and errors that name the field and the fix. */
import { describe, expect, it } from 'vitest';
import { parseTask, type TaskFile } from '../../../../shared/task/index.ts';

const base = (destination: Record<string, unknown>) =>
  ({
    name: 't',
    source: { host: '127.0.0.1', serverId: 7 },
    objects: [{ database: 'd' }],
    destinations: [{ type: 'fc', region: 'cn-hangzhou', accountId: '1234567890', accessKeyId: 'id', accessKeySecret: '${FC_SECRET}', service: 'svc', function: 'fn', ...destination }],
  }) as TaskFile;

describe('fc destination config', () => {
  it('fills the defaults and turns the secret into an env reference', () => {
    const [d] = parseTask(base({}), 'task.yaml').destinations;
    expect(d).toEqual({
      type: 'fc',
      name: 'fc',
      fcVersion: '2.0',
      region: 'cn-hangzhou',
      accountId: '1234567890',
      accessKeyId: 'id',
      accessKeySecret: { env: 'FC_SECRET' },
      service: 'svc',
      function: 'fn',
      qualifier: 'LATEST',
      maxInvocationRecords: 500,
      maxInvocationBytes: 30 * 1024 * 1024,
      maxRecordBytes: 16 * 1024 * 1024,
      timeoutMs: 300_000,
    });
  });

  it.each([
    [{ service: undefined }, /destinations\[0\]\.service.*an FC 2\.0 function lives in a service/],
    [{ fcVersion: '3.0' }, /destinations\[0\]\.service.*FC 3\.0 functions have no service/],
    [{ maxInvocationBytes: 33 * 1024 * 1024 }, /destinations\[0\]\.maxInvocationBytes/],
    [{ maxRecordBytes: 17 * 1024 * 1024 }, /destinations\[0\]\.maxRecordBytes/],
    [{ maxRecordBytes: 4096, maxInvocationBytes: 4096 }, /destinations\[0\]\.maxInvocationBytes.*must hold one record of maxRecordBytes \(4096\) plus 14 bytes/],
    [{ qualifier: 'v1.2' }, /destinations\[0\]\.qualifier.*LATEST, a version number or an alias name/],
    [{ endpoint: 'ftp://host' }, /destinations\[0\]\.endpoint.*http:\/\/ or https:\/\/ URL/],
    [{ accountId: 'me' }, /destinations\[0\]\.accountId.*numeric Alibaba Cloud account id/],
    [{ function: '9lives' }, /destinations\[0\]\.function.*an FC name/],
    [{ extra: true }, /destinations\[0\]/],
  ])('refuses %j', (destination, message) => {
    expect(() => parseTask(base(destination), 'task.yaml')).toThrow(message);
  });

  it('accepts an FC 3.0 function with an alias and the local endpoint', () => {
    const [d] = parseTask(base({ fcVersion: '3.0', service: undefined, qualifier: 'prod', endpoint: 'http://127.0.0.1:9000' }), 'task.yaml').destinations;
    expect(d).toMatchObject({ fcVersion: '3.0', qualifier: 'prod', endpoint: 'http://127.0.0.1:9000' });
  });
});
