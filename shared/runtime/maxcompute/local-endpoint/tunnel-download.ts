/**
 * Table Tunnel download sessions, as the Java SDK's TableTunnel.createDownloadSession and
 * DownloadSession.openRecordReader use them:
 *
 *   POST ?downloads[&partition=..]            → {"DownloadID","Status","RecordCount","Schema"}
 *   GET  ?downloadid=..                        → the same (reload)
 *   GET  ?downloadid=..&data&rowrange=(s,n)[&columns=a,b]   → a record stream (optionally deflate)
 *
 * A session sees the data committed when it was created (later commits do not change it). The
 * rows come from the stored blocks in commit order (record-stream-writer.ts). Sessions live in
 * memory: after a restart a download id is unknown (404) and the reader creates a new session.
 */
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { deflate } from 'node:zlib';
import { header, Refusal, type Exchange, type Reply } from './exchange.ts';
import { frameDownload, type StoredBlock } from './record-stream-writer.ts';
import type { ColumnDef, DataFile, Store } from './store.ts';
import { json, schemaJson, tunnelTarget, typedColumns } from './tunnel-common.ts';

const deflateAsync = promisify(deflate);

interface DownloadDef {
  readonly id: string;
  readonly project: string;
  readonly table: string;
  readonly partition: string;
  readonly columns: ColumnDef[];
  readonly partitionKeys: ColumnDef[];
  readonly files: DataFile[];
  readonly records: number;
}

export function createDownloadHandlers(store: Store) {
  const downloads = new Map<string, DownloadDef>();

  const sessionJson = (d: DownloadDef) => json({ DownloadID: d.id, Status: 'NORMAL', RecordCount: d.records, QuotaName: '', Schema: schemaJson(d.columns, d.partitionKeys) });

  function create(ex: Exchange): Reply {
    const target = tunnelTarget(store, ex);
    if (!target.partitionExists) throw new Refusal(404, 'NoSuchPartition', `partition ${target.partition} of table ${target.project}.${target.table.name} does not exist`);
    const files = [...(target.table.data[target.partition] ?? [])];
    const d: DownloadDef = {
      id: `${new Date(ex.nowMs).toISOString().replace(/\D/g, '').slice(0, 14)}${randomUUID().replace(/-/g, '')}`.toUpperCase(),
      project: target.project,
      table: target.table.name,
      partition: target.partition,
      columns: [...target.table.columns],
      partitionKeys: target.table.partitionKeys,
      files,
      records: files.reduce((n, f) => n + f.records, 0),
    };
    downloads.set(d.id, d);
    return { ...sessionJson(d), status: 201 };
  }

  function session(ex: Exchange): DownloadDef {
    const target = tunnelTarget(store, ex);
    const id = ex.params.get('downloadid')!;
    const d = downloads.get(id);
    if (!d || d.project !== target.project || d.table !== target.table.name)
      throw new Refusal(404, 'NoSuchDownload', `download session "${id}" does not exist for table ${target.project}.${target.table.name} (sessions do not survive a restart of the local endpoint)`);
    if (d.partition !== target.partition) throw new Refusal(400, 'InvalidResourceSpec', `download session "${id}" reads partition "${d.partition}", not "${target.partition}"`);
    return d;
  }

  async function data(ex: Exchange): Promise<Reply> {
    const d = session(ex);
    const range = /^\((\d+),(\d+)\)$/.exec(ex.params.get('rowrange') ?? '');
    const start = range ? Number(range[1]) : NaN;
    const count = range ? Number(range[2]) : NaN;
    if (!range || count === 0 || start + count > d.records) {
      throw new Refusal(
        400,
        'InvalidRowRange',
        `rowrange "${ex.params.get('rowrange') ?? ''}" is not valid for this session of ${d.records} records: give (start,count) with count > 0 and start + count <= ${d.records}`,
      );
    }
    let select: number[] | undefined;
    const columns = ex.params.get('columns');
    if (columns) {
      select = columns.split(',').map((name) => {
        const i = d.columns.findIndex((c) => c.name === name.trim().toLowerCase());
        if (i < 0) throw new Refusal(400, 'InvalidColumnSpec', `column "${name}" is not a column of ${d.project}.${d.table} (${d.columns.map((c) => c.name).join(', ')})`);
        return i;
      });
    }
    const typed = typedColumns(d.columns);
    // Only the files that hold rows of the range are read; `skipped` rows come before the first.
    const blocks: StoredBlock[] = [];
    let seen = 0;
    let skipped = 0;
    for (const f of d.files) {
      if (seen >= start + count) break;
      if (seen + f.records > start) blocks.push({ bytes: await store.readData(f.file), columns: typed });
      else skipped += f.records;
      seen += f.records;
    }
    const stream = frameDownload(blocks, start - skipped, count, select);
    if (/\bdeflate\b/.test(header(ex, 'accept-encoding') ?? '')) {
      return { status: 200, headers: { 'content-type': 'application/octet-stream', 'content-encoding': 'deflate' }, body: await deflateAsync(stream) };
    }
    return { status: 200, headers: { 'content-type': 'application/octet-stream' }, body: stream };
  }

  return { create, reload: (ex: Exchange) => sessionJson(session(ex)), data };
}
