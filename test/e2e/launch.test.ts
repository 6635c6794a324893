/**
 * scripts/launch.mjs, which `npm start` and `npm run bench` run through: the entry runs as bundled
 * JavaScript with the reader worker beside it, `process.argv` is what the entry expects, the bundle
 * is reused while no source changed and rebuilt (in a directory of its own) when one did.
 */
import { execFile } from 'node:child_process';
import { readFileSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const repo = join(import.meta.dirname, '..', '..');
const ENTRY = 'test/e2e/launch/entry.ts';
const pointer = join(repo, '.dts/run/test_e2e_launch_entry.json');

interface Said {
  argv1: string;
  args: string[];
  moduleUrl: string;
  workerBeside: boolean;
  projectDir: string;
}

async function launch(...args: string[]): Promise<Said> {
  const { stdout } = await promisify(execFile)(process.execPath, ['scripts/launch.mjs', ENTRY, ...args], { cwd: repo });
  return JSON.parse(stdout) as Said;
}

const buildDir = () => (JSON.parse(readFileSync(pointer, 'utf8')) as { dir: string }).dir;

describe('scripts/launch.mjs', () => {
  it('runs the entry bundled, with its arguments, the reader worker beside it, and the project folder found', { timeout: 60_000 }, async () => {
    const said = await launch('--task', 'x.yaml', 'plain');
    const dir = join(repo, '.dts/run', buildDir());
    expect(said).toEqual({ argv1: join(dir, 'main.mjs'), args: ['--task', 'x.yaml', 'plain'], moduleUrl: `file://${join(dir, 'main.mjs')}`, workerBeside: true, projectDir: repo });
  });

  it('reuses the bundle while no source changed, and rebuilds into a new directory when one did', { timeout: 60_000 }, async () => {
    await launch();
    const first = buildDir();
    await launch();
    expect(buildDir()).toBe(first);
    const later = new Date(Date.now() + 1000); // a saved source: newer than what the bundle holds
    utimesSync(join(repo, ENTRY), later, later);
    const said = await launch();
    expect(buildDir()).not.toBe(first);
    expect(said.argv1).toBe(join(repo, '.dts/run', buildDir(), 'main.mjs'));
  });

  it('refuses an entry that is not TypeScript, with its usage', async () => {
    await expect(promisify(execFile)(process.execPath, ['scripts/launch.mjs', 'scripts/launch.mjs'], { cwd: repo })).rejects.toMatchObject({
      code: 2,
      stderr: 'usage: node scripts/launch.mjs <entry.ts> [args…]\n',
    });
  });
});
