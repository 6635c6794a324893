/**
 * `npm run dts -- reload --task <file> [--json]`: applies the task file's edited object set to the
 * running task. It writes an object-set request into the source's signal table; the reader (local
 * or on FC) switches at that row's binlog position, and with `full` in syncTypes the added tables
 * are copied beside the stream. Other keys of the file take effect at the next start.
 * Exit 0 when requested (or nothing to change), 1 when the source refused it, 2 for a bad task file.
 */
import { Command } from 'commander';
import { DtsError } from '../../shared/errors.ts';
import { requestObjectChangeFromFile } from '../../shared/runtime/object-change-request.ts';
import { TaskConfigError } from '../../shared/task/index.ts';

export const reloadCommand = new Command('reload')
  .description("apply the task file's edited objects to the running task at a binlog position (added tables are copied when syncTypes has full)")
  .requiredOption('--task <file>', 'the task file')
  .option('--json', 'print the request as JSON')
  .action(async (options: { task: string; json?: boolean }) => {
    try {
      const { task, request } = await requestObjectChangeFromFile(options.task, process.env.DTS_BASE_DIR ?? process.cwd());
      if (options.json) process.stdout.write(`${JSON.stringify({ task: task.name, request })}\n`);
      else if (!request) process.stdout.write(`task ${task.name}: the file selects the objects the reader already reads (or the task has not run yet); nothing to change\n`);
      else {
        const copy = request.fullSyncTables.length > 0 ? `; then copies ${request.fullSyncTables.join(', ')}` : '';
        process.stdout.write(
          `task ${task.name}: object set change ${request.alreadyRequested ? 'already requested' : 'requested'} (signal ${request.signalId}); the reader switches to ${request.objects.join(', ')} when it reads it${copy}\n`,
        );
      }
      process.exitCode = 0;
    } catch (err) {
      if (!(err instanceof TaskConfigError) && !(err instanceof DtsError)) throw err;
      process.stderr.write(`${err.message}\n`);
      process.exitCode = err instanceof TaskConfigError ? 2 : 1;
    }
  });
