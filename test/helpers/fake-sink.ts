/**
 * A fake destination for delivery-loop tests (ops/delivery.ts): it keeps every call and every
 * record it was handed, and answers each call by a policy, the way real sinks may: acknowledge at
 * once, later (buffering), on a tick or a flush, partly with a failure, by rejecting, or only
 * after the test lets it (a policy may wait).
 */
import type { Queue } from '../../shared/queue/index.ts';
import type { ChangeRecord } from '../../shared/record/index.ts';
import type { Acknowledgement, DeliverOptions, Sink } from '../../shared/sink/types.ts';

export interface Call {
  readonly ids: number[];
  readonly flush: boolean | undefined;
}

/** What a fake sink answers for one call, given everything it was handed so far; an Error rejects the call. */
export type Policy = (state: { taken: readonly ChangeRecord[]; acked: number; call: Call }) => Acknowledgement | Error | Promise<Acknowledgement | Error>;

export interface FakeSink extends Sink {
  readonly calls: Call[];
  readonly taken: ChangeRecord[];
  /** connect, deliver, tick (an empty call), flush, close: in the order they happened. */
  readonly events: string[];
  /** The highest id it acknowledged so far. */
  acked(): number;
}

export function fakeSink(policy: Policy, name = 'dest'): FakeSink {
  const calls: Call[] = [];
  const taken: ChangeRecord[] = [];
  const events: string[] = [];
  let acked = 0;
  return {
    name,
    calls,
    taken,
    events,
    acked: () => acked,
    async connect() {
      events.push('connect');
    },
    async deliver(records: readonly ChangeRecord[], options?: DeliverOptions) {
      const call = { ids: records.map((r) => r.id), flush: options?.flush };
      calls.push(call);
      events.push(options?.flush === true ? 'flush' : records.length === 0 ? 'tick' : 'deliver');
      taken.push(...records);
      const answer = await policy({ taken, acked, call });
      if (answer instanceof Error) throw answer;
      acked = Math.max(acked, answer.acknowledgedThrough);
      return answer;
    },
    async close() {
      events.push('close');
    },
  };
}

export const lastTaken = (taken: readonly ChangeRecord[]) => taken.at(-1)?.id ?? 0;
/** Acknowledges every record of each call before it resolves (Kafka, FC). */
export const writeThrough: Policy = ({ taken }) => ({ acknowledgedThrough: lastTaken(taken) });

export interface TrackedCommit {
  readonly seq: number;
  /** What the sink under test had acknowledged when the commit was made (-1: no sink). */
  readonly ackedWhenCommitted: number;
}

/** Records every commit of `queue` with what `acked()` said at that moment, so a test can see a cursor moved too early. */
export function trackCommits(queue: Queue, acked: () => number): TrackedCommit[] {
  const commits: TrackedCommit[] = [];
  const commit = queue.commit.bind(queue);
  queue.commit = async (consumer, seq) => {
    const ackedWhenCommitted = acked();
    await commit(consumer, seq);
    commits.push({ seq, ackedWhenCommitted });
  };
  return commits;
}

export function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

export async function waitUntil(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}
