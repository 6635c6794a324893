/**
 * Table Tunnel batch upload (specs/maxcompute.md §3.1–3.3) on the tunnel endpoint:
 *
 *   POST /projects/{p}/tables/{t}?uploads[&partition=k=v,…][&create_partition=true]   → session JSON
 *   GET  …?uploadid={id}[&partition=…]&getblockid=true                               → session JSON
 *   PUT  …?uploadid={id}&blockid={n}[&partition=…]   chunked octet-stream record stream
 *   POST …?uploadid={id}[&partition=…]                                               commit → session JSON
 *
 * Every call carries `x-odps-tunnel-version: 6` and `odps-tunnel-date-transform: v1`. The partition
 * is written without quotes. Session JSON: UploadID, Status (upper-cased here), Schema.columns
 * (the record fields, in order), UploadedBlockList [{BlockID, RecordCount}].
 *
 * commit() first reads the session: a CLOSED session was committed already (by an earlier commit
 * whose answer was lost: only this client commits its sessions), so it returns without posting
 * again; a session that is not NORMAL, or whose blocks differ from `blockIds`, is
 * UploadSessionStateError and nothing is posted. After the POST, a session still COMMITTING is
 * polled until it is CLOSED.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { OdpsColumn } from '../../encode/maxcompute/types.ts';
import { InvariantError } from '../../errors.ts';
import { SinkWriteError } from '../errors.ts';
import type { PartitionSpec, TunnelClient, UploadSession, UploadStatus } from './client-types.ts';
import { UploadSessionStateError, type RequestWhere } from './errors.ts';
import type { OdpsCaller, OdpsResponse } from './http.ts';
import { defaults } from '../../task/defaults.ts';

export interface TunnelClientOptions {
  readonly caller: OdpsCaller;
  readonly project: string;
  readonly sink?: string;
}

/** Block ids a session takes (JAVA: 20 000 blocks per session). */
export const MAX_BLOCK_ID = 19_999;

const commonHeaders = { 'x-odps-tunnel-version': '6', 'odps-tunnel-date-transform': 'v1' };

export function createTunnelClient(options: TunnelClientOptions): TunnelClient {
  const { caller, project } = options;
  const resourceOf = (table: string) => `/projects/${project}/tables/${table}`;
  const where = (what: string, table: string): RequestWhere => ({ what, project, table, sink: options.sink });
  const partitionParams = (partition: PartitionSpec): [string, string][] => (partition.length > 0 ? [['partition', partitionText(partition)]] : []);

  async function getUpload(table: string, partition: PartitionSpec, uploadId: string): Promise<UploadSession> {
    const res = await caller.call(
      { method: 'GET', resource: resourceOf(table), params: [['uploadid', uploadId], ...partitionParams(partition), ['getblockid', 'true']], headers: commonHeaders },
      where(`read upload session ${uploadId} of ${project}.${table}${partitionSuffix(partition)}`, table),
    );
    return sessionOf(res, table, partition, project);
  }

  return {
    async createUpload(table, partition) {
      const params: [string, string][] = [['uploads', ''], ...partitionParams(partition)];
      if (partition.length > 0) params.push(['create_partition', 'true']);
      const res = await caller.call(
        { method: 'POST', resource: resourceOf(table), params, headers: commonHeaders },
        where(`create an upload session for ${project}.${table}${partitionSuffix(partition)}`, table),
      );
      return sessionOf(res, table, partition, project);
    },

    getUpload,

    async uploadBlock(session, blockId, recordStream) {
      if (!Number.isInteger(blockId) || blockId < 0 || blockId > MAX_BLOCK_ID) {
        throw new InvariantError(`block id ${blockId} is outside 0..${MAX_BLOCK_ID}`, { table: session.table, uploadId: session.uploadId });
      }
      await caller.call(
        {
          method: 'PUT',
          resource: resourceOf(session.table),
          params: [['uploadid', session.uploadId], ['blockid', String(blockId)], ...partitionParams(session.partition)],
          headers: commonHeaders,
          contentType: 'application/octet-stream',
          body: recordStream,
          chunked: true,
        },
        where(`upload block ${blockId} (${recordStream.byteLength} bytes) of session ${session.uploadId} to ${project}.${session.table}${partitionSuffix(session.partition)}`, session.table),
      );
    },

    async commit(session, blockIds) {
      const { table, partition, uploadId } = session;
      const context = { project, table, sink: options.sink };
      const seen = await getUpload(table, partition, uploadId);
      if (seen.status === 'CLOSED') return;
      if (seen.status === 'NORMAL') {
        const held = new Set(seen.blocks.map((b) => b.blockId));
        const wanted = new Set(blockIds);
        const missing = [...wanted].filter((id) => !held.has(id));
        const extra = [...held].filter((id) => !wanted.has(id));
        if (missing.length > 0 || extra.length > 0) {
          throw new UploadSessionStateError(
            `upload session ${uploadId} of ${project}.${table}${partitionSuffix(partition)} holds other blocks than the client uploaded (missing ${list(missing)}, unexpected ${list(extra)}); it was not committed`,
            uploadId,
            seen.status,
            context,
          );
        }
        const res = await caller.call(
          { method: 'POST', resource: resourceOf(table), params: [['uploadid', uploadId], ...partitionParams(partition)], headers: commonHeaders },
          where(`commit upload session ${uploadId} of ${project}.${table}${partitionSuffix(partition)}`, table),
        );
        const after = sessionOf(res, table, partition, project);
        if (after.status === 'CLOSED') return;
        if (after.status !== 'COMMITTING' && after.status !== 'CLOSING') {
          throw new UploadSessionStateError(`upload session ${uploadId} of ${project}.${table} is ${after.status} after its commit`, uploadId, after.status, context);
        }
      } else if (seen.status !== 'COMMITTING' && seen.status !== 'CLOSING') {
        throw new UploadSessionStateError(
          `upload session ${uploadId} of ${project}.${table}${partitionSuffix(partition)} is ${seen.status}, so it cannot be committed; its rows must be uploaded in a new session`,
          uploadId,
          seen.status,
          context,
        );
      }
      // COMMITTING or CLOSING: the server is at it; wait until it is done.
      const deadline = Date.now() + defaults.maxComputeCommitWaitMs;
      for (let pause = 200; Date.now() < deadline; pause = Math.min(pause * 2, 5000)) {
        await sleep(pause);
        const now = await getUpload(table, partition, uploadId);
        if (now.status === 'CLOSED') return;
        if (now.status !== 'COMMITTING' && now.status !== 'CLOSING') {
          throw new UploadSessionStateError(`upload session ${uploadId} of ${project}.${table} became ${now.status} while committing`, uploadId, now.status, context);
        }
      }
      throw new SinkWriteError(`upload session ${uploadId} of ${project}.${table} is still committing after ${Math.round(defaults.maxComputeCommitWaitMs / 1000)} s`, { ...context, uploadId });
    },
  };
}

/** `k1=v1,k2=v2`: the tunnel's partition parameter (no quotes). */
export function partitionText(partition: PartitionSpec): string {
  return partition.map(([k, v]) => `${k}=${v}`).join(',');
}

function partitionSuffix(partition: PartitionSpec): string {
  return partition.length > 0 ? ` partition ${partitionText(partition)}` : '';
}

function list(ids: readonly number[]): string {
  return ids.length === 0 ? 'none' : [...ids].sort((a, b) => a - b).join(', ');
}

interface SessionJson {
  UploadID?: unknown;
  Status?: unknown;
  Schema?: { columns?: unknown };
  UploadedBlockList?: unknown;
}

function sessionOf(res: OdpsResponse, table: string, partition: PartitionSpec, project: string): UploadSession {
  let doc: SessionJson;
  try {
    doc = JSON.parse(res.body.toString('utf8')) as SessionJson;
  } catch (err) {
    throw new SinkWriteError(`the tunnel answered for ${project}.${table} with a body that is not JSON`, { project, table, status: res.status }, err, false);
  }
  if (typeof doc.UploadID !== 'string' || typeof doc.Status !== 'string') {
    throw new SinkWriteError(`the tunnel's session for ${project}.${table} lacks UploadID or Status`, { project, table, status: res.status }, undefined, false);
  }
  const columns: OdpsColumn[] = (Array.isArray(doc.Schema?.columns) ? (doc.Schema.columns as Record<string, unknown>[]) : []).map((c) => ({
    name: String(c.name),
    type: String(c.type).toUpperCase(),
    ...(typeof c.comment === 'string' && c.comment !== '' ? { comment: c.comment } : {}),
  }));
  const blocks = (Array.isArray(doc.UploadedBlockList) ? (doc.UploadedBlockList as Record<string, unknown>[]) : []).map((b) => ({
    blockId: Number(b.BlockID),
    recordCount: Number(b.RecordCount ?? 0),
  }));
  // Statuses beyond the documented ones pass through as they are; the sink treats them as not open.
  return { uploadId: doc.UploadID, table, partition, status: doc.Status.toUpperCase() as UploadStatus, columns, blocks };
}
