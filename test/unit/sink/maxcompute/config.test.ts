/** The maxcompute destination in a task file: defaults, and errors that name the field and the fix. */
import { describe, expect, it } from 'vitest';
import { parseTask, type TaskFile } from '../../../../shared/task/index.ts';

const base = (destination: Record<string, unknown>) =>
  ({
    name: 't',
    source: { host: '127.0.0.1', serverId: 7 },
    objects: [{ database: 'd' }],
    destinations: [{ type: 'maxcompute', name: 'mc', endpoint: 'http://127.0.0.1:18090/api', project: 'dts_demo', accessKeyId: 'ak', accessKeySecret: { env: 'MC_SECRET' }, ...destination }],
  }) as TaskFile;

describe('maxcompute destination config', () => {
  it('fills the defaults and turns the secrets into env references', () => {
    const [d] = parseTask(base({ securityToken: '${MC_TOKEN}' }), 'task.yaml').destinations;
    expect(d).toEqual({
      type: 'maxcompute',
      name: 'mc',
      endpoint: 'http://127.0.0.1:18090/api',
      project: 'dts_demo',
      accessKeyId: { value: 'ak' },
      accessKeySecret: { env: 'MC_SECRET' },
      securityToken: { env: 'MC_TOKEN' },
      namingRule: 'new',
      partitionKeys: ['year', 'month', 'day', 'hour'],
      flush: { maxRows: 100_000, maxMegabytes: 64, maxSeconds: 30 },
      timeoutMs: 120_000,
    });
  });

  it('reads the access key id from the environment when written ${NAME}, as in DTS task files', () => {
    expect(parseTask(base({ accessKeyId: '${MC_ACCESS_KEY_ID}' }), 'task.yaml').destinations[0]).toMatchObject({ accessKeyId: { env: 'MC_ACCESS_KEY_ID' } });
  });

  it('keeps the chosen naming rule, partition levels (any ordered subset, even none) and flush limits', () => {
    const [d] = parseTask(base({ namingRule: 'old', partitionKeys: ['day', 'minute'], flush: { maxRows: 10, maxSeconds: 2 } }), 'task.yaml').destinations;
    expect(d).toMatchObject({ namingRule: 'old', partitionKeys: ['day', 'minute'], flush: { maxRows: 10, maxMegabytes: 64, maxSeconds: 2 } });
    expect(parseTask(base({ partitionKeys: [] }), 'task.yaml').destinations[0]).toMatchObject({ partitionKeys: [] });
  });

  it.each([
    [{ partitionKeys: ['hour', 'day'] }, /destinations\[0\]\.partitionKeys\[1\].*"day" comes after a finer level; list the levels in the order year, month, day, hour, minute/],
    [{ partitionKeys: ['year', 'year'] }, /destinations\[0\]\.partitionKeys\[1\].*"year" is listed twice/],
    [{ partitionKeys: ['week'] }, /destinations\[0\]\.partitionKeys\[0\]/],
    [{ namingRule: 'newest' }, /destinations\[0\]\.namingRule/],
    [{ flush: { maxRows: 0 } }, /destinations\[0\]\.flush\.maxRows/],
    [{ flush: { maxMegabytes: 2048 } }, /destinations\[0\]\.flush\.maxMegabytes/],
    [{ flush: { maxSeconds: 0 } }, /destinations\[0\]\.flush\.maxSeconds/],
    [{ flush: { maxBytes: 1 } }, /destinations\[0\]\.flush/],
    [{ endpoint: 'service.maxcompute' }, /destinations\[0\]\.endpoint.*http:\/\/ or https:\/\/ URL/],
    [{ project: '9demo' }, /destinations\[0\]\.project.*a MaxCompute project name/],
    [{ accessKeySecret: undefined }, /destinations\[0\]\.accessKeySecret/],
    [{ timeoutMs: 10 }, /destinations\[0\]\.timeoutMs/],
    [{ extra: true }, /destinations\[0\]/],
  ])('refuses %j', (destination, message) => {
    expect(() => parseTask(base(destination), 'task.yaml')).toThrow(message);
  });
});
