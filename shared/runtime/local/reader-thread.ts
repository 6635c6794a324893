/** Starts the reader worker (reader-worker.ts) and mirrors its status and outcome on this thread. */
import { Worker } from 'node:worker_threads';
import { DtsError, ErrorCodes, type ErrorCode, type ErrorContext } from '../../errors.ts';
import { newReaderStatus, type ReaderStatus } from '../../source/reader.ts';
import { SourcePrecheckError } from '../../source/errors.ts';
import type { ReaderFailure, ReaderWorkerData, ReaderWorkerMessage } from './reader-worker.ts';

/** The reader thread's failure, rebuilt on this side with the same code, message and context. */
export class ReaderThreadError extends DtsError {
  constructor(error: { message: string; code?: string; context?: unknown }) {
    super(error.message, { code: (error.code as ErrorCode | undefined) ?? ErrorCodes.READER_THREAD, retriable: false, context: error.context as ErrorContext });
  }
}

/**
 * A failed precheck comes back as the SourcePrecheckError the reader threw, its findings included,
 * as on a reader without a thread; any other failure as a ReaderThreadError with its code.
 */
function rebuild(error: ReaderFailure): Error {
  if (error.code === ErrorCodes.SOURCE_PRECHECK) return new SourcePrecheckError(error.message, error.context as ErrorContext, error.findings);
  return new ReaderThreadError(error);
}

/**
 * The reader isolate's young generation (V8 keeps three semi-spaces' worth: 12 MiB is
 * --max-semi-space-size=4, which `npm start` also gives the main thread). V8's default lets each
 * isolate's new space grow to 16 MiB semi-spaces; with two isolates that is ~45 MiB more peak RSS
 * in the catch-up bench and no throughput gained (README Performance). Batches outlive a scavenge
 * either way (they wait for fsync and Kafka acks), so a bigger nursery does not save promotions.
 */
const READER_YOUNG_GENERATION_MB = 12;

export interface ReaderThread {
  readonly status: ReaderStatus;
  /** Resolves when the reader stopped on request; rejects when it failed. */
  readonly done: Promise<void>;
  stop(): void;
}

export function startReaderThread(data: Omit<ReaderWorkerData, 'entry'>, onReady?: (start: { file: string; position: number; gtidSet: string | null }) => void): ReaderThread {
  const status = newReaderStatus();
  const resourceLimits = { maxYoungGenerationSizeMb: READER_YOUNG_GENERATION_MB };
  // From source (tsx: tests, `npm run dts`) the worker registers the TypeScript loader first; from
  // the bundle scripts/launch.mjs writes, the worker is that bundle's second entry, beside this code.
  const worker = import.meta.url.endsWith('.ts')
    ? new Worker(new URL('./ts-worker.mjs', import.meta.url), { workerData: { ...data, entry: new URL('./reader-worker.ts', import.meta.url).href } satisfies ReaderWorkerData, resourceLimits })
    : new Worker(new URL('./reader-worker.mjs', import.meta.url), { workerData: { ...data, entry: '' } satisfies ReaderWorkerData, resourceLimits });
  const done = new Promise<void>((resolve, reject) => {
    let failed: Error | null = null;
    let finished = false;
    worker.on('message', (m: ReaderWorkerMessage) => {
      if (m.type === 'ready') onReady?.(m.start);
      else if (m.type === 'status') Object.assign(status, m.status);
      else if (m.type === 'failed') failed = rebuild(m.error);
      // The reader's work is over (its queue is closed); end the thread rather than wait for
      // every library handle in it to wind down.
      if (m.type === 'failed' || m.type === 'done') {
        finished = true;
        void worker.terminate();
      }
    });
    worker.on('error', (err) => (failed ??= err));
    worker.on('exit', (code) => {
      if (failed) reject(failed);
      else if (finished) resolve();
      else reject(new DtsError(`the reader thread exited with code ${code} before it finished`, { code: ErrorCodes.READER_THREAD }));
    });
  });
  done.catch(() => {});
  return { status, done, stop: () => worker.postMessage({ type: 'stop' }) };
}
