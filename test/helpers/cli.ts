/** Runs `scripts/run-task.ts` as its own process, exactly as `npm start` does (bundled by scripts/launch.mjs). */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';

const repo = join(import.meta.dirname, '..', '..');
/** package.json's `start` script after `node`: its flags, scripts/launch.mjs and the entry. */
const startArgs = (JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start.split(' ').slice(1);

export interface TaskProcess {
  readonly child: ChildProcess;
  /** Everything the process wrote to stderr so far. */
  stderr(): string;
  /** Resolves when stderr contains the text. */
  waitForLog(text: string, timeoutMs?: number): Promise<void>;
  readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function startTaskProcess(taskFile: string, extraArgs: string[] = []): TaskProcess {
  const child = spawn(process.execPath, [...startArgs, '--task', taskFile, '--status-interval', '1', ...extraArgs], {
    cwd: repo,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, DTS_LOG_FORMAT: 'text' },
  });
  let err = '';
  const listeners = new Set<() => void>();
  child.stderr!.on('data', (chunk: Buffer) => {
    err += chunk.toString('utf8');
    for (const l of listeners) l();
  });
  child.stdout!.resume();
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return {
    child,
    stderr: () => err,
    exit,
    waitForLog: (text, timeoutMs = 30_000) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (err.includes(text)) {
            listeners.delete(check);
            clearTimeout(timer);
            resolve();
          }
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`timed out waiting for "${text}" in the task's log:\n${err}`));
        }, timeoutMs);
        listeners.add(check);
        void exit.then(({ code }) => {
          if (!err.includes(text)) {
            clearTimeout(timer);
            reject(new Error(`the task exited (code ${code}) before logging "${text}":\n${err}`));
          }
        });
        check();
      }),
  };
}

export async function writeTaskFile(dir: string, task: unknown, name = 'task.yaml'): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, typeof task === 'string' ? task : stringify(task));
  return file;
}
