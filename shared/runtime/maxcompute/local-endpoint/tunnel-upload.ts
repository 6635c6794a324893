/**
 * Table Tunnel batch upload sessions (specs/maxcompute.md §3.1–3.3):
 *
 *   POST ?uploads[&partition=..][&create_partition=true][&overwrite=true]   create → session JSON
 *   GET  ?uploadid=..                                 status and UploadedBlockList
 *   PUT  ?uploadid=..&blockid=n   (body: record stream, optionally Content-Encoding: deflate)
 *   POST ?uploadid=..                                 commit → session JSON, status CLOSED
 *
 * A block is decoded and verified before it is stored (record-stream-reader.ts); a bad one is
 * refused with 400 MalformedDataStream naming the first bad record, and the session keeps what it
 * had. Re-sending a block id replaces it. A commit makes exactly the session's uploaded blocks
 * visible, in block id order, and closes the session; committing it again is 409 StatusConflict
 * (the documented "session expired or already committed"), as is writing to a closed session.
 * An unknown upload id is 404 NoSuchUpload.
 */
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { inflate } from 'node:zlib';
import { header, Refusal, rfc1123, type Exchange, type Reply } from './exchange.ts';
import { MalformedBlockError, readBlock } from './record-stream-reader.ts';
import type { Store, UploadDef } from './store.ts';
import { json, schemaJson, tunnelTarget, typedColumns, type TunnelTarget } from './tunnel-common.ts';

const inflateAsync = promisify(inflate);
const MAX_BLOCK_ID = 19999;
const MAX_FIELD_SIZE = 8 * 1024 * 1024;

export function createUploadHandlers(store: Store) {
  function sessionJson(upload: UploadDef, target: TunnelTarget): Reply {
    const blocks = Object.entries(upload.blocks)
      .map(([id, b]) => ({ BlockID: Number(id), CreateTime: Math.floor(b.time / 1000), Date: rfc1123(b.time), FileName: b.file, RecordCount: b.records, Version: 0 }))
      .sort((a, b) => a.BlockID - b.BlockID);
    return json({
      UploadID: upload.id,
      Status: upload.status,
      Owner: 'ALIYUN$dts-local@local',
      Initiated: rfc1123(upload.created),
      IsOverwrite: upload.overwrite,
      MaxFieldSize: MAX_FIELD_SIZE,
      QuotaName: '',
      Schema: schemaJson(upload.columns, target.table.partitionKeys),
      UploadedBlockList: blocks,
    });
  }

  function session(ex: Exchange, target: TunnelTarget): UploadDef {
    const id = ex.params.get('uploadid')!;
    const upload = store.upload(id);
    if (!upload || upload.project !== target.project || upload.table !== target.table.name) {
      throw new Refusal(404, 'NoSuchUpload', `upload session "${id}" does not exist for table ${target.project}.${target.table.name}`);
    }
    if (upload.partition !== target.partition) {
      throw new Refusal(400, 'InvalidResourceSpec', `upload session "${id}" writes partition "${upload.partition}", not "${target.partition}": send the session's own partition`);
    }
    return upload;
  }

  async function create(ex: Exchange): Promise<Reply> {
    const target = tunnelTarget(store, ex);
    if (!target.partitionExists) {
      const create = ex.params.get('create_partition');
      if (create === undefined || create === 'false') {
        throw new Refusal(
          404,
          'NoSuchPartition',
          `partition ${target.partition} of table ${target.project}.${target.table.name} does not exist: add it (ALTER TABLE .. ADD PARTITION) or create the session with create_partition=true`,
        );
      }
      target.table.partitions.push({ spec: target.partition, values: target.values, createTime: Math.floor(ex.nowMs / 1000) });
    }
    const upload: UploadDef = {
      id: `${new Date(ex.nowMs).toISOString().replace(/\D/g, '').slice(0, 14)}${randomUUID().replace(/-/g, '')}`.toUpperCase(),
      project: target.project,
      table: target.table.name,
      partition: target.partition,
      overwrite: ex.params.get('overwrite') === 'true',
      status: 'NORMAL',
      columns: [...target.table.columns],
      blocks: {},
      created: ex.nowMs,
    };
    store.putUpload(upload);
    await store.save();
    return { ...sessionJson(upload, target), status: 201 };
  }

  async function putBlock(ex: Exchange): Promise<Reply> {
    const target = tunnelTarget(store, ex);
    const upload = session(ex, target);
    if (upload.status !== 'NORMAL') throw new Refusal(409, 'StatusConflict', `upload session ${upload.id} is ${upload.status} (already committed): create a new session`);
    const text = ex.params.get('blockid') ?? '';
    const blockId = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
    if (!(blockId >= 0 && blockId <= MAX_BLOCK_ID)) throw new Refusal(400, 'InvalidBlockID', `block id "${text}" is not valid: block ids are 0..${MAX_BLOCK_ID}`);
    const encoding = header(ex, 'content-encoding');
    let bytes = ex.body;
    if (encoding === 'deflate') {
      try {
        bytes = await inflateAsync(ex.body);
      } catch (err) {
        throw new Refusal(400, 'MalformedDataStream', `block ${blockId}: the body is not zlib (deflate) data as Content-Encoding says: ${(err as Error).message}`);
      }
    } else if (encoding !== undefined && encoding !== 'identity') {
      throw new Refusal(400, 'InvalidArgument', `Content-Encoding "${encoding}" is not supported by the local endpoint (use deflate or none)`);
    }
    let records: number;
    try {
      records = readBlock(bytes, typedColumns(upload.columns)).records;
    } catch (err) {
      if (err instanceof MalformedBlockError) throw new Refusal(400, 'MalformedDataStream', `block ${blockId} of upload ${upload.id} (table ${target.project}.${target.table.name}): ${err.message}`);
      throw err;
    }
    const file = await store.writeBlock(upload.id, blockId, bytes);
    if (upload.status !== 'NORMAL') throw new Refusal(409, 'StatusConflict', `upload session ${upload.id} was committed while block ${blockId} was being written`);
    upload.blocks[String(blockId)] = { file, records, bytes: bytes.length, time: ex.nowMs };
    await store.save();
    return { status: 200, headers: { 'content-length': '0' } };
  }

  async function commit(ex: Exchange): Promise<Reply> {
    const target = tunnelTarget(store, ex);
    const upload = session(ex, target);
    if (upload.status !== 'NORMAL')
      throw new Refusal(409, 'StatusConflict', `upload session ${upload.id} is already committed (status ${upload.status}): its data is in the table; create a new session for more`);
    const files = Object.entries(upload.blocks)
      .sort(([a], [b]) => Number(a) - Number(b))
      .map(([, b]) => ({ file: b.file, records: b.records }));
    const data = upload.overwrite ? [] : (target.table.data[upload.partition] ?? []);
    target.table.data[upload.partition] = [...data, ...files];
    target.table.lastModifiedTime = Math.floor(ex.nowMs / 1000);
    upload.status = 'CLOSED';
    upload.committed = ex.nowMs;
    await store.save();
    return sessionJson(upload, target);
  }

  return {
    create,
    reload: (ex: Exchange) => sessionJson(session(ex, tunnelTarget(store, ex)), tunnelTarget(store, ex)),
    putBlock,
    commit,
  };
}
