/**
 * A child process for crash tests: appends `makeBatch(seq)` to the file queue in `<dir>` in a loop
 * and prints each seq after `append` resolved (that is, after fsync), one per line, until killed
 * or `<count>` batches are in.
 *
 *   node --import tsx test/helpers/queue-writer.ts <dir> [count]
 */
import { createFileQueue } from '../../shared/queue/file/index.ts';
import { makeBatch } from './queue-batches.ts';

const [dir, count = String(Number.MAX_SAFE_INTEGER)] = process.argv.slice(2);
if (!dir) {
  process.stderr.write('usage: queue-writer.ts <dir> [count]\n');
  process.exit(2);
}
const queue = await createFileQueue(dir, { consumers: ['kafka'], segmentBytes: 64 * 1024 });
let seq = (await queue.last())?.seq ?? 0;
process.stdout.write(`ready ${process.pid}\n`);
for (let n = 0; n < Number(count); n++) {
  seq = await queue.append(makeBatch(seq + 1));
  // stdout to a pipe is synchronous on Linux: once written, the parent will see it even after SIGKILL
  process.stdout.write(`${seq}\n`);
}
await queue.close();
