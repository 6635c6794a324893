/**
 * `npm start -- --task <file>`: runs a task locally (reader and deliverers in one process) until
 * SIGINT/SIGTERM, with Prometheus metrics on `--metrics-port`. `--as-deployed` instead invokes the
 * FC functions on s.yaml's timers (shared/runtime/local/scheduled/run-scheduled.ts). Exit code 0 when stopped on request,
 * 1 when the task FAILED, 2 for a bad task file or a metrics port that cannot be bound.
 */
import { Command } from 'commander';
import { resolve } from 'node:path';
import { DtsError, ErrorCodes } from '../shared/errors.ts';
import { createLogger } from '../shared/runtime/logger.ts';
import { runTaskLocally } from '../shared/runtime/local/run-task.ts';
import { requestObjectChangeFromFile } from '../shared/runtime/object-change-request.ts';
import { runScheduled } from '../shared/runtime/local/scheduled/run-scheduled.ts';
import { projectDir } from '../shared/runtime/local/project-dir.ts';
import { loadTask, TaskConfigError } from '../shared/task/index.ts';

const repo = projectDir();

const program = new Command()
  .name('npm start --')
  .description('Run a DTS task locally: binlog → queue → destinations')
  .option('-t, --task <file>', 'task file (YAML)', resolve(repo, 'examples/local.yaml'))
  .option('--log-format <format>', 'text or json', process.env.DTS_LOG_FORMAT ?? 'text')
  .option('--status-interval <seconds>', 'seconds between progress lines', '10')
  .option('--metrics-port <port>', 'serve Prometheus metrics on GET /metrics at this port (0: any free port)')
  .option('--metrics-host <address>', 'the address the metrics endpoint binds', '127.0.0.1')
  .option('--as-deployed', "invoke the FC functions on s.yaml's timer schedules instead of running reader and deliverers continuously (docs/operations.md)")
  .option('--s-yaml <file>', 's.yaml to read the functions and timers from (with --as-deployed)', resolve(repo, 's.yaml'))
  .parse();

const opts = program.opts<{ task: string; logFormat: 'text' | 'json'; statusInterval: string; metricsPort?: string; metricsHost: string; asDeployed?: true; sYaml: string }>();

/** The --metrics-port value as a port number, or a message that says what to pass. */
function metricsPortOf(value: string | undefined): number | undefined | string {
  if (value === undefined) return undefined;
  const port = Number(value);
  return Number.isInteger(port) && port >= 0 && port <= 65535 ? port : `--metrics-port must be a port number from 0 to 65535 (0: any free port), not "${value}"`;
}

async function main(): Promise<number> {
  const metricsPort = metricsPortOf(opts.metricsPort);
  if (typeof metricsPort === 'string') {
    process.stderr.write(`${metricsPort}\n`);
    return 2;
  }
  const file = resolve(opts.task);
  let task;
  try {
    task = await loadTask(file);
  } catch (err) {
    if (err instanceof TaskConfigError) {
      process.stderr.write(`${err.message}\n`);
      return 2;
    }
    throw err;
  }
  const log = createLogger({ level: task.log.level, format: opts.logFormat }).child({ task: task.name });
  const stop = new AbortController();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      log.info('stopping', { signal });
      stop.abort();
    });
  }
  // SIGHUP: the task file's object set (edited since the start) is applied at a binlog position.
  process.on('SIGHUP', () => {
    requestObjectChangeFromFile(file, process.cwd()).then(
      ({ request }) =>
        log.info(
          request ? 'object set change requested on SIGHUP' : 'SIGHUP: the task file selects the objects already read',
          request ? { signalId: request.signalId, objects: request.objects.join(','), fullSync: request.fullSyncTables.join(',') } : {},
        ),
      (err: Error) => log.error('SIGHUP: the task file was not applied', { error: err.message }),
    );
  });
  if (opts.asDeployed) {
    if (metricsPort !== undefined) {
      process.stderr.write('--metrics-port serves the continuous runner; drop it with --as-deployed (the latency function reports lag there)\n');
      return 2;
    }
    process.env.DTS_LOG_FORMAT ??= opts.logFormat; // the functions' own loggers, as on FC
    try {
      await runScheduled({ sYaml: resolve(opts.sYaml), taskFile: file, baseDir: process.cwd(), log, signal: stop.signal });
      return 0;
    } catch (err) {
      if (isUsageError(err)) {
        process.stderr.write(`${err.message}\n`);
        return 2;
      }
      throw err;
    }
  }
  try {
    const outcome = await runTaskLocally({
      task,
      origin: file,
      baseDir: process.cwd(),
      log,
      signal: stop.signal,
      statusIntervalMs: Number(opts.statusInterval) * 1000,
      metricsPort,
      metricsHost: opts.metricsHost,
      onReaderReady: (start) => log.info('reader streaming', { file: start.file, position: start.position, gtid: start.gtidSet ?? undefined }),
    });
    return outcome.status === 'FAILED' ? 1 : 0;
  } catch (err) {
    // A bad task file, or a metrics port that cannot be bound: a message and exit code 2, not a stack.
    if (err instanceof TaskConfigError || isUsageError(err)) {
      process.stderr.write(`${err.message}\n`);
      return 2;
    }
    throw err;
  }
}

/** What the user fixes in the task file, s.yaml or the command line: a message and exit code 2. */
function isUsageError(err: unknown): err is DtsError {
  const usage: readonly string[] = [ErrorCodes.TASK_CONFIG, ErrorCodes.DEPLOY_CONFIG, ErrorCodes.METRICS_ENDPOINT];
  return err instanceof DtsError && usage.includes(err.code);
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    process.stderr.write(`fatal: ${err.stack ?? err.message}\n`);
    process.exit(1);
  },
);
