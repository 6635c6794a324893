/**
 * An in-memory Table Tunnel for the sink's unit tests: sessions with their blocks and status, a
 * log of every call, and failures injected per call. It holds what a real server would: a block
 * PUT again overwrites, a commit makes the session CLOSED and its rows visible once, a commit of a
 * CLOSED session is refused (as the server does), an expired session refuses everything.
 */
import type { OdpsColumn } from '../../../../shared/encode/maxcompute/types.ts';
import type { PartitionSpec, TunnelClient, UploadSession, UploadStatus } from '../../../../shared/sink/maxcompute/client-types.ts';
import { SinkConnectionError, SinkWriteError } from '../../../../shared/sink/errors.ts';
import { MaxComputeNotFoundError } from '../../../../shared/sink/maxcompute/errors.ts';

export interface FakeSession {
  uploadId: string;
  table: string;
  partition: PartitionSpec;
  status: UploadStatus;
  blocks: Map<number, Uint8Array>;
}

export type Call = { op: 'create' | 'get' | 'put' | 'commit'; table: string; uploadId?: string; blockId?: number };

export class FakeTunnel implements TunnelClient {
  readonly sessions = new Map<string, FakeSession>();
  /** Committed blocks per table, in commit order: what a reader of the table would see. */
  readonly committed: { table: string; partition: PartitionSpec; uploadId: string; blocks: Uint8Array[] }[] = [];
  readonly calls: Call[] = [];
  /** Called before each call; throw to fail it. `after` true: called once the call took effect (a lost answer). */
  fail: (call: Call, after: boolean) => void = () => {};
  #next = 1;

  constructor(readonly columnsOf: (table: string) => readonly OdpsColumn[]) {}

  async createUpload(table: string, partition: PartitionSpec): Promise<UploadSession> {
    const call: Call = { op: 'create', table };
    this.#step(call, false);
    const s: FakeSession = { uploadId: `up${this.#next++}`, table, partition, status: 'NORMAL', blocks: new Map() };
    this.sessions.set(s.uploadId, s);
    this.#step({ ...call, uploadId: s.uploadId }, true);
    return this.#view(s);
  }

  async getUpload(table: string, _partition: PartitionSpec, uploadId: string): Promise<UploadSession> {
    this.#step({ op: 'get', table, uploadId }, false);
    const s = this.sessions.get(uploadId);
    if (!s) throw new MaxComputeNotFoundError(`no upload session ${uploadId}`, {});
    return this.#view(s);
  }

  async uploadBlock(session: UploadSession, blockId: number, recordStream: Uint8Array): Promise<void> {
    const call: Call = { op: 'put', table: session.table, uploadId: session.uploadId, blockId };
    this.#step(call, false);
    const s = this.#open(session.uploadId);
    s.blocks.set(blockId, recordStream);
    this.#step(call, true);
  }

  async commit(session: UploadSession, blockIds: readonly number[]): Promise<void> {
    const call: Call = { op: 'commit', table: session.table, uploadId: session.uploadId };
    this.#step(call, false);
    const s = this.#open(session.uploadId);
    const held = [...s.blocks.keys()].sort((a, b) => a - b);
    if (held.join() !== [...blockIds].sort((a, b) => a - b).join()) throw new SinkWriteError(`blocks differ: server ${held.join()} client ${blockIds.join()}`, {}, undefined, false);
    s.status = 'CLOSED';
    this.committed.push({ table: s.table, partition: s.partition, uploadId: s.uploadId, blocks: held.map((id) => s.blocks.get(id)!) });
    this.#step(call, true);
  }

  /** Sessions the server dropped (24 h passed). */
  expire(uploadId: string): void {
    this.sessions.get(uploadId)!.status = 'EXPIRED';
  }

  #open(uploadId: string): FakeSession {
    const s = this.sessions.get(uploadId);
    if (!s) throw new SinkWriteError(`no upload session ${uploadId}`, {}, undefined, false);
    if (s.status !== 'NORMAL') throw new SinkWriteError(`upload session ${uploadId} is ${s.status}`, {}, undefined, false);
    return s;
  }

  #step(call: Call, after: boolean): void {
    if (!after) this.calls.push(call);
    this.fail(call, after);
  }

  #view(s: FakeSession): UploadSession {
    return {
      uploadId: s.uploadId,
      table: s.table,
      partition: s.partition,
      status: s.status,
      columns: this.columnsOf(s.table),
      blocks: [...s.blocks.keys()].sort((a, b) => a - b).map((blockId) => ({ blockId, recordCount: 0 })),
    };
  }
}

/** Fails the first call matching `match` (before or after it took effect) with a retriable network error. */
export function failOnce(match: (call: Call) => boolean, after = false): (call: Call, isAfter: boolean) => void {
  let done = false;
  return (call, isAfter) => {
    if (!done && isAfter === after && match(call)) {
      done = true;
      throw new SinkConnectionError(`connection reset during ${call.op}`, {});
    }
  };
}

/** From the first call matching `match` on (before or after it took effect), every call fails: the process died there. */
export function failFrom(match: (call: Call) => boolean, after = false): (call: Call, isAfter: boolean) => void {
  let dead = false;
  return (call, isAfter) => {
    if (!dead && isAfter === after && match(call)) dead = true;
    if (dead && (isAfter === after || !isAfter)) throw new SinkConnectionError(`the deliverer stopped during ${call.op}`, {});
  };
}
