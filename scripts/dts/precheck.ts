/**
 * `npm run dts -- precheck --task <file> [--json]`: every DTS precheck item, without starting the
 * task. Exit 0 when nothing fails (warnings are ignorable), 1 when an item fails, 2 for a task file
 * that cannot be loaded.
 */
import { Command } from 'commander';
import { formatText, report } from '../../shared/precheck/report.ts';
import { runPrecheck } from '../../shared/precheck/run.ts';
import { readerOptions, resolveDestinations } from '../../shared/runtime/compose.ts';
import { loadTask, TaskConfigError, type Task } from '../../shared/task/index.ts';

export const precheckCommand = new Command('precheck')
  .description('run every precheck item of a task without starting it')
  .requiredOption('--task <file>', 'the task file')
  .option('--json', 'print the items as JSON')
  .action(async (options: { task: string; json?: boolean }) => {
    let task: Task;
    try {
      task = await loadTask(options.task);
      const input = { task, endpoint: readerOptions(task, options.task).endpoint, destinations: resolveDestinations(task, options.task) };
      const r = report(task.name, await runPrecheck(input));
      process.stdout.write(`${options.json ? JSON.stringify(r, null, 2) : formatText(r)}\n`);
      process.exitCode = r.result === 'fail' ? 1 : 0;
    } catch (err) {
      if (!(err instanceof TaskConfigError)) throw err;
      process.stderr.write(`${err.message}\n`);
      process.exitCode = 2;
    }
  });
