/**
 * What the endpoint knows, kept under its data directory so that it survives a restart:
 *
 *   <dataDir>/index.json                 projects → tables (schema, partitions, committed data files)
 *                                        and upload sessions (status, columns, uploaded blocks)
 *   <dataDir>/uploads/<uploadId>/<blockId>.bin   each block's record stream exactly as the writer
 *                                        produced it (after Content-Encoding is undone)
 *
 * A block becomes table data only when its session commits: the commit appends the session's block
 * files, in block id order, to the partition's data list (files are never rewritten after that).
 * index.json is replaced atomically (write to a temporary file, rename) after every change, and
 * saves are serialized, so a crash leaves the previous or the next state, never half of one.
 */
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LocalEndpointError } from '../../../errors.ts';

export interface ColumnDef {
  readonly name: string;
  /** Canonical type text (odps-types.ts). */
  readonly type: string;
  readonly comment: string;
}

export interface DataFile {
  /** Relative to the data directory. */
  readonly file: string;
  readonly records: number;
}

export interface TableDef {
  readonly name: string;
  comment: string;
  /** Days; -1 when none was given. */
  lifecycle: number;
  columns: ColumnDef[];
  readonly partitionKeys: ColumnDef[];
  readonly createTime: number;
  lastDDLTime: number;
  lastModifiedTime: number;
  /** Partition values in key order; empty for a table without partitions. */
  partitions: { readonly spec: string; readonly values: [string, string][]; readonly createTime: number }[];
  /** Committed data per partition spec ('' for a table without partitions), in commit order. */
  data: Record<string, DataFile[]>;
}

export type UploadStatus = 'NORMAL' | 'CLOSED';

export interface BlockDef {
  readonly file: string;
  readonly records: number;
  readonly bytes: number;
  readonly time: number;
}

export interface UploadDef {
  readonly id: string;
  readonly project: string;
  readonly table: string;
  /** Canonical partition spec ('' when the table has none). */
  readonly partition: string;
  readonly overwrite: boolean;
  status: UploadStatus;
  /** The data columns at creation: the session's schema, which numbers the record fields. */
  readonly columns: ColumnDef[];
  blocks: Record<string, BlockDef>;
  readonly created: number;
  committed?: number;
}

interface IndexDocument {
  version: 1;
  projects: Record<string, { tables: Record<string, TableDef> }>;
  uploads: Record<string, UploadDef>;
}

export class Store {
  private saving: Promise<void> = Promise.resolve();

  private constructor(
    readonly dataDir: string,
    private readonly doc: IndexDocument,
  ) {}

  /** Opens (or creates) the store; every project in `projects` exists afterwards. */
  static async open(dataDir: string, projects: readonly string[]): Promise<Store> {
    await mkdir(join(dataDir, 'uploads'), { recursive: true });
    let doc: IndexDocument = { version: 1, projects: {}, uploads: {} };
    try {
      doc = JSON.parse(await readFile(join(dataDir, 'index.json'), 'utf8')) as IndexDocument;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
        throw new LocalEndpointError(`cannot read ${join(dataDir, 'index.json')}: ${(err as Error).message} (move the data directory away to start empty)`, { path: join(dataDir, 'index.json') }, err);
    }
    for (const p of projects) doc.projects[p] ??= { tables: {} };
    const store = new Store(dataDir, doc);
    await store.save();
    return store;
  }

  hasProject(project: string): boolean {
    return Object.hasOwn(this.doc.projects, project);
  }

  table(project: string, table: string): TableDef | undefined {
    const tables = this.doc.projects[project]?.tables;
    return tables && Object.hasOwn(tables, table.toLowerCase()) ? tables[table.toLowerCase()] : undefined;
  }

  putTable(project: string, table: TableDef): void {
    this.doc.projects[project]!.tables[table.name.toLowerCase()] = table;
  }

  /** Forgets the table; its committed data files are deleted. */
  async dropTable(project: string, table: string): Promise<void> {
    const def = this.table(project, table);
    if (!def) return;
    delete this.doc.projects[project]!.tables[table.toLowerCase()];
    for (const [id, upload] of Object.entries(this.doc.uploads)) {
      if (upload.project === project && upload.table === def.name.toLowerCase()) {
        delete this.doc.uploads[id];
        await rm(join(this.dataDir, 'uploads', id), { recursive: true, force: true });
      }
    }
  }

  upload(id: string): UploadDef | undefined {
    return Object.hasOwn(this.doc.uploads, id) ? this.doc.uploads[id] : undefined;
  }

  putUpload(upload: UploadDef): void {
    this.doc.uploads[upload.id] = upload;
  }

  /** Writes a block's bytes (atomically) and returns the file name relative to the data dir. */
  async writeBlock(uploadId: string, blockId: number, bytes: Uint8Array): Promise<string> {
    const dir = join(this.dataDir, 'uploads', uploadId);
    await mkdir(dir, { recursive: true });
    const file = join('uploads', uploadId, `${blockId}.bin`);
    const tmp = join(this.dataDir, `${file}.tmp`);
    await writeFile(tmp, bytes);
    await rename(tmp, join(this.dataDir, file));
    return file;
  }

  readData(file: string): Promise<Buffer> {
    return readFile(join(this.dataDir, file));
  }

  /** Persists the index; resolves once this state (or a later one) is on disk. */
  save(): Promise<void> {
    const text = JSON.stringify(this.doc);
    this.saving = this.saving.then(async () => {
      const tmp = join(this.dataDir, 'index.json.tmp');
      await writeFile(tmp, text);
      await rename(tmp, join(this.dataDir, 'index.json'));
    });
    return this.saving;
  }
}
