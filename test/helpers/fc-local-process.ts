/** Runs `npm run fc:local` (scripts/fc-local.ts) as its own process, as a user would, on a free port. */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const repo = join(import.meta.dirname, '..', '..');

export interface FcLocalProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** Everything the endpoint logged to stderr so far. */
  stderr(): string;
  stop(): Promise<void>;
}

export async function startFcLocalProcess(dir: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<FcLocalProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(repo, 'scripts/fc-local.ts'), dir, '--port', '0', ...args], {
    cwd: repo,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  let out = '';
  let err = '';
  child.stderr!.on('data', (c: Buffer) => (err += c.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`fc:local did not start within 30 s:\n${err}`)), 30_000);
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString('utf8');
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`fc:local exited with ${code}:\n${err}`));
    });
  });
  return {
    url,
    child,
    stderr: () => err,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
