/**
 * The reader on its own thread. Decoding the binlog and delivering to destinations each need
 * most of a core at full speed; on one thread they take turns, on two they overlap (catch-up
 * throughput roughly doubles, see docs/performance.md). The queue is the only link between them:
 * this thread appends, the main thread reads, exactly as separate FC functions would.
 *
 * The reader's retry window is kept in the task state (its own store, opened here), as the FC
 * reader keeps it: a window spans restarts of `npm start` and `dts status` lists it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { DtsError } from '../../errors.ts';
import { supervise, type BackoffOptions, type RetryWindows } from '../../ops/index.ts';
import { newReaderStatus, runReader, type ReaderStatus } from '../../source/reader.ts';
import { SourcePrecheckError } from '../../source/errors.ts';
import type { Finding } from '../../precheck/finding.ts';
import type { Task } from '../../task/index.ts';
import { openQueue, readerOptions } from '../compose.ts';
import { openTaskStateStore } from '../task-state/state-store.ts';
import { objectSetLogOf } from '../task-state/object-set-log.ts';
import { createLogger, type LoggerOptions } from '../logger.ts';
import { startMemoryTrace } from './memory-trace.ts';

export interface ReaderWorkerData {
  /** This module's URL for ts-worker.mjs to import after registering tsx; '' when bundled. */
  readonly entry: string;
  readonly task: Task;
  readonly origin: string;
  readonly baseDir: string;
  readonly log: Pick<LoggerOptions, 'level' | 'format'>;
  readonly windows: RetryWindows;
  readonly backoff?: BackoffOptions;
}

/** What crosses from the failed reader: flat data, and a precheck's failed items as they are. */
export interface ReaderFailure {
  readonly message: string;
  readonly name: string;
  readonly code?: string;
  readonly context?: unknown;
  readonly findings?: readonly Finding[];
}

export type ReaderWorkerMessage =
  | { readonly type: 'ready'; readonly start: { file: string; position: number; gtidSet: string | null } }
  | { readonly type: 'status'; readonly status: ReaderStatus }
  | { readonly type: 'failed'; readonly error: ReaderFailure }
  | { readonly type: 'done' };

const data = workerData as ReaderWorkerData;
const stopMemoryTrace = startMemoryTrace('reader');
const port = parentPort!;
const post = (m: ReaderWorkerMessage) => port.postMessage(m);
const stop = new AbortController();
port.on('message', (m: { type: string }) => {
  if (m.type === 'stop') stop.abort();
});

const log = createLogger({ level: data.log.level, format: data.log.format }).child({ task: data.task.name, stage: 'reader' });
const status = newReaderStatus();
let lastPost = 0;
const store = await openTaskStateStore(data.task, data.baseDir, data.origin);
const queue = await openQueue(data.task, data.baseDir, data.origin).catch(async (err: unknown) => {
  await store.close();
  throw err;
});
// Appends post their status at most every 50 ms; this catches the last ones before a quiet spell.
const statusTimer = setInterval(() => post({ type: 'status', status }), 1000);
try {
  await supervise(
    (progress) =>
      runReader(
        readerOptions(data.task, data.origin),
        {
          queue,
          log,
          signal: stop.signal,
          objectSets: objectSetLogOf(store),
          // Streaming from the source is a success too: an idle source must not keep a window open.
          onReady: (start) => {
            progress();
            post({ type: 'ready', start: { file: start.file, position: start.position, gtidSet: start.gtidSet } });
          },
          onProgress: () => {
            progress();
            const now = Date.now();
            if (now - lastPost >= 50) {
              lastPost = now;
              post({ type: 'status', status });
            }
          },
        },
        status,
      ),
    { windows: data.windows, backoff: data.backoff, signal: stop.signal, log, stored: { store, stage: 'reader' } },
  );
  post({ type: 'status', status });
  post({ type: 'done' });
} catch (err) {
  const e = err as Error;
  const typed = e instanceof DtsError ? { code: e.code, context: e.context, ...(e instanceof SourcePrecheckError ? { findings: e.findings } : {}) } : {};
  post({ type: 'failed', error: { message: e.message, name: e.name, ...typed } });
} finally {
  clearInterval(statusTimer);
  stopMemoryTrace();
  await queue.close().finally(() => store.close());
}
