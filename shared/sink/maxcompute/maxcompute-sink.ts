/**
 * The MaxCompute destination (reference/dts-docs/003): INIT rows to `<table>_base`, changes to
 * `<table>_log` (encode/maxcompute), buffered as encoded record streams and uploaded through the
 * Table Tunnel, one upload commit per (table, partition) per flush.
 *
 * Acknowledgement: a record is acknowledged once everything up to it is committed in MaxCompute,
 * or, with nothing buffered, once it is taken (DDL and records that write nothing). Record ids
 * only grow, so `takenThrough` (last id taken) and `durableThrough` (last id committed) say it all.
 * Records handed again (a retry after a failure, a restart before the cursor moved) are recognised
 * by id and not buffered twice.
 *
 * Exactly once into the tables across crashes: a flush notes its sessions beside the queue cursor
 * before committing (flush-upload.ts); `connect()` after a restart reads that note, finishes or
 * confirms its sessions (recovery.ts), and the records it covers are then acknowledged without
 * being uploaded again, except those of sessions the server lost, which are uploaded again in a
 * flush of their own.
 */
import { createMaxComputeLayout, type MaxComputeRows, type RejectedCell } from '../../encode/maxcompute/index.ts';
import { createRecordStreamWriter } from '../../encode/maxcompute/record-stream.ts';
import type { Logger } from '../../log.ts';
import { isDdlRecord, type ChangeRecord, type DdlRecord, type RowRecord } from '../../record/index.ts';
import type { Resolved } from '../destination-module.ts';
import { describeRecord, RecordTooLargeError, SinkWriteError } from '../errors.ts';
import type { Acknowledgement, DeliverOptions, Sink, SinkDeps } from '../types.ts';
import type { MaxComputeClient, PartitionSpec, TunnelClient, UploadSession } from './client-types.ts';
import { MAX_BLOCK_BYTES, type MaxComputeDestinationConfig } from './config.ts';
import { FlushBuffer } from './flush-buffer.ts';
import { parseNote, serializeNote, type FlushNote } from './flush-note.ts';
import { FlushUpload } from './flush-upload.ts';
import { groupKey, recoveryPlan, sessionAction, type RecoveryPlan, type SessionAction } from './recovery.ts';
import { isMaxComputeNotFound } from './errors.ts';
import { createMaxComputeClient } from './rest-client.ts';
import { SchemaSync } from './schema-sync.ts';

/** The destination's config with its secrets resolved (runtime/compose.ts). */
export type ResolvedMaxComputeConfig = Resolved<MaxComputeDestinationConfig>;

export interface MaxComputeSinkDeps extends SinkDeps {
  /** Replaces the REST client (tests that inject failures). */
  readonly client?: MaxComputeClient;
  readonly sleep?: (ms: number) => Promise<void>;
}

const MiB = 1024 * 1024;

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createMaxComputeSink(config: ResolvedMaxComputeConfig, deps: MaxComputeSinkDeps): Sink {
  const log: Logger = deps.log;
  const now = deps.now ?? Date.now;
  const sleep = deps.sleep ?? defaultSleep;
  const client =
    deps.client ??
    createMaxComputeClient({
      endpoint: config.endpoint,
      project: config.project,
      accessKeyId: config.accessKeyId.reveal(),
      accessKeySecret: config.accessKeySecret,
      securityToken: config.securityToken,
      timeoutMs: config.timeoutMs,
      log,
      sink: config.name,
    });
  const layout = createMaxComputeLayout({ namingRule: config.namingRule, partitionKeys: config.partitionKeys });
  const tables = new SchemaSync(client, layout, log, config.name);
  const buffer = new FlushBuffer((columns) => createRecordStreamWriter(columns), MAX_BLOCK_BYTES);
  const maxBytes = config.flush.maxMegabytes * MiB;
  const maxAgeMs = config.flush.maxSeconds * 1000;

  let tunnel: Promise<TunnelClient> | null = null;
  const tunnelClient = (): Promise<TunnelClient> => {
    // Discovered once; a failed discovery is asked again next time.
    const discovered = (tunnel ??= client.tunnel().catch((err: unknown) => {
      tunnel = null;
      throw err;
    }));
    return discovered;
  };
  const findUpload = async (t: TunnelClient, table: string, partition: PartitionSpec, uploadId: string): Promise<UploadSession | null> => {
    try {
      return await t.getUpload(table, partition, uploadId);
    } catch (err) {
      if (isMaxComputeNotFound(err)) return null;
      throw err;
    }
  };
  const uploadDeps = { sink: config.name, tunnel: tunnelClient, checkpoint: deps.checkpoint, log, findUpload, sleep };

  let recovered = false;
  /** Set while records of an unconfirmed flush are handed again (after a restart). */
  let recovery: RecoveryPlan | null = null;
  let takenThrough = 0;
  let durableThrough = 0;
  let pending: FlushUpload | null = null;
  /** The pending flush's upload running in the background, and the last such run that ended. */
  let driving: Promise<void> | null = null;
  let drivingSettled: Promise<void> | null = null;

  /** Reads the note of the last flush and settles its sessions. */
  async function recover(): Promise<void> {
    const note = parseNote(await deps.checkpoint.read(), config.name);
    if (note === null || note.sessions.length === 0) {
      takenThrough = durableThrough = note?.through ?? 0;
      return;
    }
    const { actions, committedNow } = await settleSessions(note);
    const plan = recoveryPlan(note, actions);
    if (plan.redo.size === 0) await deps.checkpoint.write(serializeNote({ after: note.after, through: note.through, sessions: [] }));
    else recovery = plan;
    takenThrough = durableThrough = plan.acknowledgedThrough;
    log.info('resumed after an unconfirmed MaxCompute flush', {
      through: note.through,
      sessions: note.sessions.length,
      committedBefore: actions.filter((a) => a === 'committed').length - committedNow,
      committedNow,
      uploadAgain: plan.redo.size,
    });
  }

  /** The final action for each noted session; sessions uploaded and not committed are committed now. */
  async function settleSessions(note: FlushNote): Promise<{ actions: SessionAction[]; committedNow: number }> {
    const t = await tunnelClient();
    const actions: SessionAction[] = [];
    let committedNow = 0;
    for (const noted of note.sessions) {
      let action: SessionAction = 'wait';
      for (let poll = 0; action === 'wait'; poll++) {
        if (poll > 20) throw new SinkWriteError(`MaxCompute is still committing upload session ${noted.uploadId} of ${noted.table}; retrying`, { sink: config.name, table: noted.table });
        if (poll > 0) await sleep(Math.min(100 * 2 ** poll, 2000));
        const seen = await findUpload(t, noted.table, noted.partition, noted.uploadId);
        action = sessionAction(noted, seen);
        if (action === 'commit') {
          await t.commit(seen!, noted.blocks);
          committedNow += 1;
          action = 'committed';
        }
      }
      actions.push(action);
    }
    return { actions, committedNow };
  }

  /**
   * Starts uploading what is buffered and returns while the upload runs, so the next rows are
   * encoded meanwhile (about twice the rows/s: the tunnel and the encoder take turns otherwise).
   * One flush at a time, in order: the previous one is finished (or its failure thrown) first, so
   * there is one note, and memory holds at most one buffer being filled and one being uploaded.
   */
  async function startFlush(): Promise<void> {
    if (pending) await finishPending();
    if (buffer.isEmpty) return;
    pending = new FlushUpload(durableThrough, takenThrough, buffer.take(), uploadDeps);
    const run = pending.drive();
    driving = run;
    run.then(
      () => void (drivingSettled = run),
      () => void (drivingSettled = run),
    );
  }

  /** Everything buffered is committed when this resolves. */
  async function flush(): Promise<void> {
    await startFlush();
    if (pending) await finishPending();
  }

  /** Waits for the pending flush (driving it again after a failure: same sessions and block ids). */
  async function finishPending(): Promise<void> {
    const run = driving ?? pending!.drive();
    driving = null;
    await run;
    durableThrough = pending!.through;
    pending = null;
  }

  /** The background upload ended (either way): settle it now, so its failure is reported at once. */
  function pendingSettled(): boolean {
    return pending !== null && (driving === null || drivingSettled === driving);
  }

  function acknowledged(): number {
    if (buffer.isEmpty && pending === null) durableThrough = takenThrough;
    return durableThrough;
  }

  function rejected(record: RowRecord, cell: RejectedCell): Error {
    const where = { sink: config.name, column: cell.column };
    if (cell.reason === 'too-large') {
      return new RecordTooLargeError(
        record,
        cell.bytes,
        cell.limit,
        `MaxCompute stores at most ${cell.limit} bytes in a cell (column ${cell.column}): leave the column out of the task or shrink the value, then restart the task`,
        where,
      );
    }
    const { text, context } = describeRecord(record);
    return new SinkWriteError(
      `${text}: column ${cell.column} holds a value MaxCompute ${cell.type} cannot store (${cell.detail}); change the value on the source or leave the column out of the task`,
      { ...context, ...where },
      undefined,
      false,
    );
  }

  function logOtherDdl(record: DdlRecord): void {
    const { context } = describeRecord(record);
    log.info('DDL not synchronized to MaxCompute (only ADD COLUMN is)', { kind: record.kind, table: `${record.database}.${record.table}`, position: context.position });
  }

  /** One record: buffered (or skipped when recovery says it is in the tables already). */
  async function take(record: ChangeRecord, nowMs: number): Promise<void> {
    if (recovery && record.id > recovery.skipThrough) {
      // The records of sessions to upload again form a flush of their own, so its note covers only them.
      await flush();
      recovery = null;
    }
    if (isDdlRecord(record)) {
      tables.noteDdl(record);
      // ALTER TABLE shows in the rows after it (ADD COLUMN is followed, other changes stop the task).
      if (!recovery && record.kind !== 'ALTER_TABLE') logOtherDdl(record);
      takenThrough = record.id;
      return;
    }
    if (recovery && record.id <= recovery.redoAfter) {
      takenThrough = record.id;
      return;
    }
    let out: MaxComputeRows;
    try {
      if (!tables.isReady(record.schema)) await tables.prepare(record, flush);
      out = layout.rowsOf(record);
      if (out.rejected) throw rejected(record, out.rejected);
    } catch (err) {
      // The task stops at this record: what came before it is made durable first (and acknowledged).
      await flush().catch(() => {});
      throw err;
    }
    if (recovery && !recovery.redo.has(groupKey(out.table, out.partition))) {
      takenThrough = record.id;
      return;
    }
    buffered(record, out, nowMs);
  }

  function buffered(record: RowRecord, out: MaxComputeRows, nowMs: number): void {
    if (buffer.isEmpty && pending === null) durableThrough = takenThrough;
    for (const values of out.rows) buffer.add(out.table, out.columns, out.partition, values, nowMs);
    takenThrough = record.id;
  }

  /** The common case without a promise per record: a row of a synced table, outside recovery. false: take() decides. */
  function takeNow(record: ChangeRecord, nowMs: number): boolean {
    if (recovery !== null || isDdlRecord(record) || !tables.isReady(record.schema)) return false;
    const out = layout.rowsOf(record);
    if (out.rejected) return false;
    buffered(record, out, nowMs);
    return true;
  }

  return {
    name: config.name,

    async connect() {
      if (!recovered) {
        log.info('delivering to MaxCompute', {
          endpoint: config.endpoint,
          project: config.project,
          namingRule: config.namingRule,
          partitionKeys: config.partitionKeys.join(','),
          sts: config.securityToken !== undefined,
        });
        await recover();
        recovered = true;
      }
    },

    async deliver(records: readonly ChangeRecord[], options: DeliverOptions = {}): Promise<Acknowledgement> {
      try {
        if (!recovered) throw new SinkWriteError(`MaxCompute destination "${config.name}" delivers only after connect()`, { sink: config.name });
        if (pendingSettled()) await finishPending();
        const nowMs = now();
        for (const record of records) {
          if (record.id <= takenThrough) continue;
          if (!takeNow(record, nowMs)) await take(record, nowMs);
          if (buffer.rows >= config.flush.maxRows || buffer.bytes >= maxBytes) await startFlush();
        }
        const oldest = buffer.oldestAtMs;
        if (options.flush || (oldest !== null && now() - oldest >= maxAgeMs)) await flush();
        return { acknowledgedThrough: acknowledged() };
      } catch (failure) {
        // A retry gets a new sink that reads the note: no upload of this one may still be running then.
        if (driving) await driving.catch(() => {});
        return { acknowledgedThrough: acknowledged(), failure };
      }
    },

    async close() {
      // Nothing to release (HTTP without kept state). The sink may be connected again (a retry in
      // the same process): what it holds stays, and the records handed again are known by id.
      // What was buffered and not flushed was not acknowledged; after a restart it is handed again.
    },
  };
}
