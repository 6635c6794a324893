/**
 * `npm run dts -- status|pause|resume|stop --task <file> [--json]`: the task's lifecycle, through
 * its stored state (beside the queue: state.json locally, `<prefix>:state` in Redis). A running
 * `npm start` or FC function notices pause and stop within a second or two; a paused task stays
 * paused across restarts until `resume`. Exit 0 on success, 1 when status finds the task FAILED
 * or an operation does not apply, 2 for a task file that cannot be loaded.
 */
import { Command } from 'commander';
import { DtsError } from '../../shared/errors.ts';
import { changeTaskLifecycle, type LifecycleOperation } from '../../shared/runtime/task-state/lifecycle.ts';
import { taskStatus, type DestinationStatus, type TaskStatusReport } from '../../shared/runtime/task-state/task-status.ts';
import { loadTask, objectNames, TaskConfigError, type Task } from '../../shared/task/index.ts';

const baseDir = () => process.env.DTS_BASE_DIR ?? process.cwd();

/** Loads the task and runs `act`; a bad task file or a refused operation is a message, not a stack trace. */
async function withTask(file: string, act: (task: Task) => Promise<number>): Promise<void> {
  try {
    process.exitCode = await act(await loadTask(file));
  } catch (err) {
    if (err instanceof TaskConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exitCode = 2;
    } else if (err instanceof DtsError) {
      process.stderr.write(`${err.message}\n`);
      process.exitCode = 1;
    } else throw err;
  }
}

/** `1.2 s`, `4 min 5 s`, `2 h 3 min`: latencies read at a glance. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

/** The DTS latency now, and the highest of the stored samples (the series itself is in --json). */
function formatLatency(d: DestinationStatus): string {
  if (d.latencyMs === null) return 'latency unknown (nothing acknowledged yet)';
  const now = `latency ${d.latencyExact ? '' : 'at least '}${formatDuration(d.latencyMs)} (current to ${d.currentTo})`;
  if (d.latencySeries.length === 0) return now;
  const since = new Date(d.latencySeries[0]![0]).toISOString();
  return `${now}, highest ${formatDuration(Math.max(...d.latencySeries.map(([, ms]) => ms)))} in ${d.latencySeries.length} samples since ${since}`;
}

export function formatStatus(r: TaskStatusReport): string {
  const lines = [`task ${r.task}: ${r.status}${r.since ? ` since ${r.since}` : ''}${r.recorded ? '' : ' (no state recorded yet)'}`];
  if (r.reason) lines.push(`  reason: ${r.reason.message}${r.reason.code ? ` [${r.reason.code}]` : ''}`);
  lines.push(`  reader: last queued batch ${r.readerSeq}`);
  for (const d of r.destinations) lines.push(`  ${d.name} (${d.type}): delivered up to batch ${d.deliveredSeq}, lag ${d.lagRecords} records in ${d.lagBatches} batches, ${formatLatency(d)}`);
  if (r.retryWindows.length === 0) lines.push('  retry windows: none open');
  for (const w of r.retryWindows) lines.push(`  retrying ${w.stage} since ${w.since} (${w.openSeconds} s, ${w.attempts} attempts): ${w.lastError ?? 'unknown error'}`);
  const fs = r.fullSync as { tablesDone?: number; tables?: number; rows?: number; completed?: boolean } | null;
  if (fs) lines.push(`  full sync: ${fs.tablesDone ?? '?'}/${fs.tables ?? '?'} tables, ${fs.rows ?? '?'} rows${fs.completed ? ', completed' : ''}`);
  const objects = r.objectSets.at(-1);
  if (objects) {
    const changes = r.objectSets.length - 1;
    lines.push(
      `  objects: ${objectNames(objects.objects).join(', ')} (from ${objects.from.file}:${objects.from.position}, ${objects.signalId === null ? 'as the task started' : `switched ${objects.at} by signal ${objects.signalId}`}${changes > 0 ? `; ${changes} change${changes > 1 ? 's' : ''} recorded` : ''})`,
    );
    if (objects.added.length > 0 && objects.signalId !== null) lines.push(`    added: ${objects.added.join(', ')}`);
    if (objects.removed.length > 0) lines.push(`    removed: ${objects.removed.join(', ')}`);
  }
  lines.push(`  state: ${r.stateAt}`);
  return lines.join('\n');
}

export const statusCommand = new Command('status')
  .description("the task's state, each destination's position, lag and latency, open retry windows, full-sync progress")
  .requiredOption('--task <file>', 'the task file')
  .option('--json', 'print the status as JSON')
  .option('--watch [seconds]', 'refresh every few seconds (default 2) until interrupted')
  .action(async (options: { task: string; json?: boolean; watch?: string | boolean }) => {
    await withTask(options.task, async (task) => {
      const everyMs = options.watch === undefined ? 0 : Math.max(0.5, Number(options.watch === true ? 2 : options.watch)) * 1000;
      for (;;) {
        const r = await taskStatus(task, baseDir(), options.task);
        process.stdout.write(`${options.json ? JSON.stringify(r, null, 2) : formatStatus(r)}\n`);
        if (!everyMs) return r.status === 'FAILED' ? 1 : 0;
        await new Promise((resolve) => setTimeout(resolve, everyMs));
      }
    });
  });

function lifecycleCommand(operation: LifecycleOperation, description: string): Command {
  return new Command(operation)
    .description(description)
    .requiredOption('--task <file>', 'the task file')
    .option('--json', 'print the states before and after as JSON')
    .action(async (options: { task: string; json?: boolean }) => {
      await withTask(options.task, async (task) => {
        const { before, after } = await changeTaskLifecycle(task, baseDir(), options.task, operation);
        const text = options.json
          ? JSON.stringify({ task: task.name, before: before?.status ?? null, after: after.status })
          : `task ${task.name}: ${before?.status ?? 'RUNNING (no state recorded)'} → ${after.status}`;
        process.stdout.write(`${text}\n`);
        return 0;
      });
    });
}

export const lifecycleCommands: Command[] = [
  statusCommand,
  lifecycleCommand('pause', 'stop reading and delivering until resume (survives restarts)'),
  lifecycleCommand('resume', 'continue a paused, stopped or failed task from its checkpoint'),
  lifecycleCommand('stop', 'end the task (STOPPED); a running `npm start` exits'),
];
