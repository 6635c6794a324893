/**
 * `npm start -- --task <file>` with bad task files: a clear message naming each bad field, exit
 * code 2, and nothing started.
 */
import { describe, expect, it } from 'vitest';
import { startTaskProcess, writeTaskFile } from '../helpers/cli.ts';
import { tempDir } from '../helpers/stack.ts';

const valid = {
  name: 'cli',
  source: { host: '127.0.0.1', port: 33306, user: 'root', password: '', serverId: 5701 },
  objects: [{ database: 'shop' }],
  destinations: [{ type: 'kafka', name: 'kafka', brokers: ['127.0.0.1:19092'], topic: 'dts', format: 'canal-json' }],
};

const cases: [name: string, doc: unknown, expected: RegExp[]][] = [
  ['missing keys', { name: 'cli', objects: [{ database: 'shop' }] }, [/source: is required/, /destinations: is required/]],
  ['wrong types', { ...valid, source: { ...valid.source, port: '33306x', serverId: 'one' } }, [/source\.port: expected number, received string/, /source\.serverId: expected number/]],
  ['unknown destination type', { ...valid, destinations: [{ type: 'kafak', brokers: ['127.0.0.1:19092'], topic: 'dts' }] }, [/destinations\[0\]\.type: .*"type" must be one of/]],
  ['a typo in a key', { ...valid, source: { ...valid.source, pasword: 'x' } }, [/source: unknown key "pasword"/]],
  [
    'retry windows out of order',
    { ...valid, advanced: { retryConnectionMinutes: 30, retryOtherMinutes: 60 } },
    [/advanced\.retryOtherMinutes: retryOtherMinutes must be smaller than retryConnectionMinutes/],
  ],
  ['not YAML', 'name: [unclosed\nsource: {', [/not valid YAML at line \d+, column \d+/]],
  [
    'an unset secret',
    { ...valid, source: { ...valid.source, password: { env: 'DTS_TEST_UNSET_PASSWORD' } } },
    [/source\.password: refers to environment variable DTS_TEST_UNSET_PASSWORD, which is not set/],
  ],
];

describe('bad task files', () => {
  it.each(cases)('%s: exit code 2 and the field named', async (_name, doc, expected) => {
    const dir = await tempDir('cli');
    const file = await writeTaskFile(dir, doc);
    const run = startTaskProcess(file);
    const { code } = await run.exit;
    expect(code).toBe(2);
    const stderr = run.stderr();
    expect(stderr).toContain(`task file ${file} is not valid`);
    for (const pattern of expected) expect(stderr).toMatch(pattern);
    expect(stderr).not.toMatch(/^\s+at /m); // a message, not a stack trace
  });

  it('a missing file says so', async () => {
    const run = startTaskProcess('/nonexistent/task.yaml');
    expect((await run.exit).code).toBe(2);
    expect(run.stderr()).toContain('cannot read the file (ENOENT)');
  });
});
