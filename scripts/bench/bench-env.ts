/** Endpoints of the local stack and the helpers every benchmark shares. */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { Admin } from 'kafkajs';
import mysql from 'mysql2/promise';
import type { Logger } from '../../shared/log.ts';
import { projectDir } from '../../shared/runtime/local/project-dir.ts';
import { createLogger } from '../../shared/runtime/logger.ts';

/** Same variables as scripts/stack-env.sh. */
export const stack = {
  mysqlPort: Number(process.env.DTS_MYSQL_PORT ?? 33306),
  kafkaBroker: `127.0.0.1:${process.env.DTS_KAFKA_PORT ?? 19092}`,
};

/** Peak resident set size of this process so far, in MiB. */
export function peakRssMiB(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

export function rssMiB(): number {
  return Math.round(process.memoryUsage().rss / 1048576);
}

/**
 * A bench script (scripts/bench/<file>) in a process of its own under tsx, however this one runs
 * (source or bundle): its work and memory are not the task's. Its stdout is piped or inherited.
 */
export function spawnBenchScript(file: string, args: readonly string[], stdout: 'pipe' | 'inherit'): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', join(projectDir(), 'scripts/bench', file), ...args], { stdio: ['ignore', stdout, 'inherit'] });
}

/** Root on the stack's MariaDB (no password). */
export function sourceConnection(options: mysql.ConnectionOptions = {}): Promise<mysql.Connection> {
  return mysql.createConnection({ host: '127.0.0.1', port: stack.mysqlPort, user: 'root', ...options });
}

/** The task's log on stderr: warnings only unless DTS_LOG_LEVEL says otherwise. */
export function benchLogger(): Logger {
  return createLogger({ level: (process.env.DTS_LOG_LEVEL as 'warn' | undefined) ?? 'warn', format: 'text' });
}

/**
 * Polls the topic's end offsets until they reach `rows` (every row acknowledged by Kafka), printing
 * progress every 5 s; returns the seconds since `started`.
 */
export async function untilAcknowledged(admin: Admin, topic: string, rows: number, started: number): Promise<number> {
  let delivered = 0;
  let lastReport = started;
  while (delivered < rows) {
    await new Promise((r) => setTimeout(r, 100));
    delivered = (await admin.fetchTopicOffsets(topic)).reduce((n, p) => n + Number(p.high), 0);
    if (Date.now() - lastReport > 5000) {
      lastReport = Date.now();
      process.stdout.write(`  ${delivered} rows acknowledged after ${((lastReport - started) / 1000).toFixed(1)} s, rss ${rssMiB()} MiB\n`);
    }
  }
  return (Date.now() - started) / 1000;
}
