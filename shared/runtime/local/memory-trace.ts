/**
 * Memory tracing for diagnosis, off unless asked for through the environment (the reader thread
 * and the benches call it; each V8 isolate reports its own heap, the RSS is the process's):
 * - `DTS_MEMORY_TRACE=<file>`: one JSON line per second per thread appended to the file
 *   (`{ thread, t, rss, heapTotal, heapUsed, external, arrayBuffers }`, MiB);
 * - `DTS_HEAP_SNAPSHOT_AT=<seconds>`: one heap snapshot per thread that many seconds after it
 *   started (`Heap-<thread>-<pid>.heapsnapshot` in the working directory), for Chrome DevTools.
 */
import { appendFileSync } from 'node:fs';
import { writeHeapSnapshot } from 'node:v8';

const MiB = 1048576;

export function startMemoryTrace(thread: string, env: NodeJS.ProcessEnv = process.env): () => void {
  const file = env.DTS_MEMORY_TRACE;
  const snapshotAt = Number(env.DTS_HEAP_SNAPSHOT_AT ?? Number.NaN);
  const timers: NodeJS.Timeout[] = [];
  const started = Date.now();
  if (file) {
    const sample = () => {
      const m = process.memoryUsage();
      const line = {
        thread,
        t: Math.round((Date.now() - started) / 1000),
        rss: m.rss / MiB,
        heapTotal: m.heapTotal / MiB,
        heapUsed: m.heapUsed / MiB,
        external: m.external / MiB,
        arrayBuffers: m.arrayBuffers / MiB,
      };
      appendFileSync(file, `${JSON.stringify(line, (_, v: unknown) => (typeof v === 'number' ? Math.round(v) : v))}\n`);
    };
    const timer = setInterval(sample, 1000);
    timer.unref();
    timers.push(timer);
  }
  if (Number.isFinite(snapshotAt)) {
    const timer = setTimeout(() => writeHeapSnapshot(`Heap-${thread}-${process.pid}.heapsnapshot`), snapshotAt * 1000);
    timer.unref();
    timers.push(timer);
  }
  return () => timers.forEach((t) => clearTimeout(t));
}
