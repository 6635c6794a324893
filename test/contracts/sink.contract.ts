/**
 * The Sink contract: every destination runs this one suite against its real target (or the local
 * server that stands in for it), from a file of its own such as kafka-sink.test.ts:
 *
 *   sinkContract({
 *     name: 'kafka',
 *     newTarget: async ({ maxRecordBytes }) => ({ newSink, readBack, refuse, heal, cleanup }),
 *     noDuplicates: false,
 *     skip: [{ reason: 'why the rule cannot hold here', rules: ['failure'] }],
 *   });
 *
 * Factory options:
 * - `newTarget(setup)`: a fresh, empty destination for one test (a new topic, function, project),
 *   whose sinks refuse records encoding above `setup.maxRecordBytes` (8 KiB in the oversize rule;
 *   1 MiB elsewhere, and the suite's records stay under 64 KiB). It returns:
 *   - `newSink(deps)`: a new sink writing to that target. Called again to model a reconnect (a
 *     retry, a restart); `deps.checkpoint` is one in-memory note per target, shared by its sinks.
 *   - `readBack()`: what the destination durably holds now, one entry per record in order of
 *     arrival (a destination that stores a change as several rows, as MaxCompute's `_log` does an
 *     UPDATE, merges them into one entry): `{ id, op, table: 'db.table', values }`, where `values`
 *     holds the text of at least the columns `id`, `customer` and `note` of the row image (after
 *     for INSERT and UPDATE, before for DELETE), null for SQL NULL.
 *   - `refuse(record)` / `heal()`: from `refuse` on, the destination refuses writes holding that
 *     record (the suite gives it a 20 KiB `note`, so a size limit on the destination's side will
 *     do) until `heal`. Without them, skip the 'failure' rule with a reason.
 *   - `cleanup()`: deletes the target and stops what newTarget started.
 * - `noDuplicates`: the destination keeps each record id once even when a reconnected sink is
 *   handed records again (otherwise at-least-once: copies carry the same id and contents).
 * - `skip`: rules that do not apply, each with its reason; the reasons are listed as tests.
 *
 * The rules: 'order' (records arrive in order with their contents; acknowledgements never go back
 * nor past what was handed), 'flush' (after `flush: true` everything taken is acknowledged),
 * 'failure' (a refused record ends the call with an acknowledged prefix before it, and a new sink
 * handed the rest completes the set), 'oversize' (RecordTooLargeError naming table, key and
 * position; nothing from that record on is acknowledged or stored), 'redelivery' (handing
 * acknowledged records again after a reconnect is at-least-once with the same ids, or exactly
 * once with `noDuplicates`), 'close' (idempotent, also without connect; the connections a sink
 * opens end with it: open sockets do not grow from one sink to the next, though a process-wide
 * keep-alive pool such as an HTTP agent's may stay).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../shared/errors.ts';
import { silentLogger } from '../../shared/log.ts';
import type { ChangeRecord, RowRecord } from '../../shared/record/index.ts';
import { RecordTooLargeError, SinkWriteError } from '../../shared/sink/errors.ts';
import type { Acknowledgement, Sink, SinkCheckpoint, SinkDeps } from '../../shared/sink/types.ts';
import { makeBatch } from '../helpers/queue-batches.ts';

export const SINK_RULES = ['order', 'flush', 'failure', 'oversize', 'redelivery', 'close'] as const;
export type SinkRule = (typeof SINK_RULES)[number];

export interface SinkTargetSetup {
  /** The sink's per-record limit (bytes of the destination's encoding of one record). */
  readonly maxRecordBytes: number;
}

export interface DeliveredRecord {
  readonly id: number;
  /** INSERT, UPDATE, DELETE or INIT. */
  readonly op: string;
  /** `database.table`. */
  readonly table: string;
  /** Text of the row image's columns (at least id, customer, note); null for NULL. */
  readonly values: Readonly<Record<string, string | null>>;
}

export interface SinkTarget {
  newSink(deps: SinkDeps): Sink;
  readBack(): Promise<DeliveredRecord[]>;
  refuse?(record: ChangeRecord): Promise<void>;
  heal?(): Promise<void>;
  cleanup(): Promise<void>;
}

export interface SinkContractOptions {
  readonly name: string;
  newTarget(setup: SinkTargetSetup): Promise<SinkTarget>;
  readonly noDuplicates?: boolean;
  readonly skip?: readonly { readonly reason: string; readonly rules: readonly SinkRule[] }[];
}

const KiB = 1024;
const TEST_TIMEOUT = 90_000;

/**
 * 24 records of `shop.orders` (8 transactions of 3, ids 1…24): INSERTs and UPDATEs, and every
 * eighth a DELETE, with a unicode `customer` and a `note` that is NULL in every third row.
 */
export function contractRecords(): RowRecord[] {
  const records = Array.from({ length: 8 }, (_, i) => makeBatch(i + 1, 3).records as RowRecord[]).flat();
  return records.map((r) => (r.id % 8 === 0 ? { ...r, op: 'DELETE', before: r.after, after: null } : r));
}

/** The record with its `note` column set to `note` (same id, same key). */
export function withNote(record: RowRecord, note: string): RowRecord {
  const image = (row: RowRecord['after']) => row && row.map((v, i) => (record.schema.columns[i]!.name === 'note' ? note : v));
  return { ...record, before: record.op === 'DELETE' ? image(record.before) : record.before, after: image(record.after) };
}

function textOf(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return String(value);
}

/** What the destination should hold for a record. */
export function expectedOf(record: RowRecord): DeliveredRecord {
  const image = record.op === 'DELETE' ? record.before! : record.after!;
  const column = (name: string) => textOf(image[record.schema.columns.findIndex((c) => c.name === name)]);
  return { id: record.id, op: record.op, table: `${record.schema.database}.${record.schema.table}`, values: { id: column('id'), customer: column('customer'), note: column('note') } };
}

/** The fields the suite compares, from what a target read back. */
function compared(d: DeliveredRecord): DeliveredRecord {
  return { id: d.id, op: d.op, table: d.table, values: { id: d.values.id ?? null, customer: d.values.customer ?? null, note: d.values.note ?? null } };
}

function memoryCheckpoint(): SinkCheckpoint {
  let note: string | null = null;
  return {
    read: async () => note,
    write: async (next) => {
      note = next;
    },
  };
}

/** Hands `records` to the sink, then flushes unless the call already failed; a rejection counts as a failure with nothing new acknowledged. */
async function attempt(sink: Sink, records: readonly ChangeRecord[], before: number): Promise<Acknowledgement> {
  try {
    const ack = await sink.deliver(records);
    if (ack.failure !== undefined) return ack;
    return await sink.deliver([], { flush: true });
  } catch (failure) {
    return { acknowledgedThrough: before, failure };
  }
}

const ids = (list: readonly { id: number }[]) => list.map((r) => r.id);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const firstOccurrences = (list: readonly number[]) => list.filter((id, i) => list.indexOf(id) === i);
const sockets = () => process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap' || r === 'TLSWrap').length;

export function sinkContract(options: SinkContractOptions): void {
  const skipped = new Map<SinkRule, string>();
  for (const s of options.skip ?? []) for (const rule of s.rules) skipped.set(rule, s.reason);
  const targets: SinkTarget[] = [];
  const sinks: Sink[] = [];

  const target = async (maxRecordBytes = 1024 * KiB) => {
    const t = await options.newTarget({ maxRecordBytes });
    targets.push(t);
    return t;
  };
  const open = async (t: SinkTarget, deps: SinkDeps) => {
    const sink = t.newSink(deps);
    sinks.push(sink);
    await sink.connect();
    return sink;
  };
  const deps = (): SinkDeps => ({ log: silentLogger, checkpoint: memoryCheckpoint() });
  const rule = (name: SinkRule, title: string, fn: () => Promise<void>) => {
    if (!skipped.has(name)) it(`${name}: ${title}`, fn, TEST_TIMEOUT);
  };

  describe(`Sink contract: ${options.name}`, () => {
    afterEach(async () => {
      await Promise.all(sinks.splice(0).map((s) => s.close().catch(() => {})));
      await Promise.all(targets.splice(0).map((t) => t.cleanup()));
    });

    for (const s of options.skip ?? []) {
      it(`does not apply: ${s.rules.join(', ')} (${s.reason})`, () => {
        expect(s.rules.every((r) => (SINK_RULES as readonly string[]).includes(r))).toBe(true);
        expect(s.reason.trim().length, 'a skip says why the rule does not apply').toBeGreaterThanOrEqual(20);
      });
    }

    rule('order', 'records arrive in order with their contents, and acknowledgements only grow up to what was handed', async () => {
      const records = contractRecords();
      const t = await target();
      const sink = await open(t, deps());
      let last = 0;
      for (const chunk of [records.slice(0, 5), records.slice(5, 6), records.slice(6)]) {
        const ack = await sink.deliver(chunk);
        const handed = chunk.at(-1)!.id;
        expect(ack.failure).toBeUndefined();
        expect(ack.acknowledgedThrough).toBeGreaterThanOrEqual(last);
        expect(ack.acknowledgedThrough).toBeLessThanOrEqual(handed);
        last = ack.acknowledgedThrough;
      }
      expect(await sink.deliver([], { flush: true })).toEqual({ acknowledgedThrough: 24 });
      const held = await t.readBack();
      expect(held.map(compared)).toEqual(records.map(expectedOf));
    });

    rule('flush', 'after flush: true everything taken is acknowledged and held; a sink that took nothing acknowledges 0', async () => {
      const records = contractRecords().slice(0, 10);
      const t = await target();
      const sink = await open(t, deps());
      const taken = await sink.deliver(records, { flush: false });
      expect(taken.failure).toBeUndefined();
      expect(taken.acknowledgedThrough).toBeLessThanOrEqual(10);
      expect(await sink.deliver([], { flush: true })).toEqual({ acknowledgedThrough: 10 });
      expect(await sink.deliver([], { flush: true })).toEqual({ acknowledgedThrough: 10 });
      expect(ids(await t.readBack())).toEqual(range(1, 10));
      const idle = await open(await target(), deps());
      expect(await idle.deliver([], { flush: true })).toEqual({ acknowledgedThrough: 0 });
    });

    rule('failure', 'a refused record ends the call with a prefix before it acknowledged; a new sink handed the rest completes the set', async () => {
      const t = await target();
      if (!t.refuse || !t.heal) throw new Error(`${options.name}: the target has no refuse()/heal(); skip the 'failure' rule with a reason instead`);
      const poison = withNote(contractRecords()[9]!, 'p'.repeat(20 * KiB)); // id 10
      const records = contractRecords().map((r) => (r.id === poison.id ? poison : r));
      await t.refuse(poison);
      const checkpoint = deps();
      const first = await open(t, checkpoint);
      const outcome = await attempt(first, records, 0);
      expect(outcome.failure, 'the refused record must fail the call with a typed write error').toBeInstanceOf(SinkWriteError);
      const acked = outcome.acknowledgedThrough;
      expect(acked).toBeLessThan(poison.id);
      const held = ids(await t.readBack());
      expect(held).not.toContain(poison.id);
      // Everything acknowledged is held.
      for (const id of range(1, acked)) expect(held, `acknowledged record ${id}`).toContain(id);
      await first.close();

      await t.heal();
      const second = await open(t, checkpoint);
      const rest = records.filter((r) => r.id > acked);
      const done = await attempt(second, rest, acked);
      expect(done).toEqual({ acknowledgedThrough: 24 });
      const after = await t.readBack();
      expect(firstOccurrences(ids(after))).toEqual(range(1, 24));
      if (options.noDuplicates) expect(ids(after)).toEqual(range(1, 24));
      expect(after.find((d) => d.id === poison.id)!.values.note).toBe(expectedOf(poison).values.note);
    });

    rule('oversize', 'a record above the limit fails with RecordTooLargeError naming table, key and position; nothing from it on is acknowledged or stored', async () => {
      const big = withNote(contractRecords()[9]!, 'o'.repeat(64 * KiB)); // id 10
      const records = contractRecords().map((r) => (r.id === big.id ? big : r));
      const t = await target(8 * KiB);
      const sink = await open(t, deps());
      const outcome = await attempt(sink, records, 0);
      const err = outcome.failure as RecordTooLargeError;
      expect(err).toBeInstanceOf(RecordTooLargeError);
      expect(err.retriable).toBe(false);
      expect(err.code).toBe(ErrorCodes.RECORD_TOO_LARGE);
      // Key columns and position, not the key's value: row values stay out of errors (log.level debug shows them).
      const key = 'id';
      expect(err.message).toContain(`${big.op} of shop.orders primary key (${key}) at mysql-bin.000001:${big.source.position}`);
      expect(err.message).not.toContain(`id=${String(expectedOf(big).values.id)}`);
      expect(err.message).toMatch(/above the 8192-byte limit/);
      expect(err.context).toMatchObject({ database: 'shop', table: 'orders', primaryKey: key });
      expect(outcome.acknowledgedThrough).toBeLessThan(big.id);
      const held = ids(await t.readBack());
      expect(held.filter((id) => id >= big.id)).toEqual([]);
      for (const id of range(1, outcome.acknowledgedThrough)) expect(held).toContain(id);
    });

    rule('redelivery', `handing acknowledged records again after a reconnect keeps the same ids${options.noDuplicates ? ' and stores them once' : ' (at-least-once)'}`, async () => {
      const records = contractRecords();
      const t = await target();
      const checkpoint = deps();
      const first = await open(t, checkpoint);
      expect(await attempt(first, records, 0)).toEqual({ acknowledgedThrough: 24 });
      await first.close();
      // As after a crash between the acknowledgement and the cursor commit: the loop hands again
      // what follows the last committed batch (here batch 4, ids 13…24).
      const second = await open(t, checkpoint);
      expect(await attempt(second, records.slice(12), 0)).toEqual({ acknowledgedThrough: 24 });
      const held = await t.readBack();
      expect(firstOccurrences(ids(held))).toEqual(range(1, 24));
      const expected = new Map(records.map((r) => [r.id, expectedOf(r)]));
      for (const d of held) expect(compared(d), `copy of record ${d.id}`).toEqual(expected.get(d.id));
      if (options.noDuplicates) expect(ids(held)).toEqual(range(1, 24));
      else expect(held.length).toBeLessThanOrEqual(24 + 12);
    });

    rule('close', 'close is idempotent and works without connect; a sink leaves no connection behind (sockets do not grow per sink)', async () => {
      const t = await target();
      const never = t.newSink(deps());
      await never.close();
      await never.close();
      const counts: number[] = [];
      for (let round = 0; round < 3; round++) {
        const sink = t.newSink(deps());
        await sink.connect();
        expect(await attempt(sink, contractRecords().slice(0, 3), 0)).toEqual({ acknowledgedThrough: 3 });
        await sink.close();
        await sink.close();
        // Sockets end asynchronously (and the server side may be in this process too): give them a moment.
        const until = Date.now() + 3_000;
        while (round > 0 && sockets() > counts[0]! && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
        counts.push(sockets());
      }
      // A process-wide keep-alive pool (an HTTP agent the next sink reuses) may stay; one per sink may not.
      expect(counts[2], `open sockets after each of three sinks closed: ${counts.join(', ')}`).toBeLessThanOrEqual(counts[0]!);
    });
  });
}
