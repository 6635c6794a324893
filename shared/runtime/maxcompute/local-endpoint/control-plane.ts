/**
 * The control-plane subset under `/api` (specs/maxcompute.md §2), shaped as the Java SDK parses it:
 *
 *   GET  /projects/{p}                              <Project> (+ x-odps-owner, x-odps-creation-time)
 *   GET  /projects/{p}/tunnel?service               the tunnel host, plain text (this server)
 *   GET|HEAD /projects/{p}/tables/{t}               <Table> whose <Schema> holds the JSON schema
 *   GET  /projects/{p}/tables/{t}?partition=k='v'   <Partition><Schema>json</Schema></Partition>
 *   GET  /projects/{p}/tables/{t}?partitions        <Partitions> (one page, empty <Marker>)
 *   POST /projects/{p}/instances                    runs the SQL task now; 201 + Location
 *   GET  /projects/{p}/instances/{id}[?taskstatus|?result]
 *
 * Unknown project → 404 NoSuchProject; unknown table → 404 NoSuchTable; unknown partition → 404
 * NoSuchPartition. A SQL task that fails is still created (201); its task status says Failed and
 * ?result carries the ODPS-coded text.
 */
import { randomUUID } from 'node:crypto';
import { Refusal, rfc1123, type Exchange, type Reply } from './exchange.ts';
import { canonicalPartition, parsePartitionSpec } from './partition-spec.ts';
import { SqlError } from './sql-parser.ts';
import { runSql } from './sql-runner.ts';
import type { Store, TableDef } from './store.ts';
import { cdata, child, escapeXml, parseXml, XmlError } from './xml.ts';

const XML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n';
const OWNER = 'ALIYUN$dts-local@local';

interface InstanceRecord {
  readonly id: string;
  readonly project: string;
  readonly start: number;
  readonly end: number;
  readonly tasks: { readonly name: string; readonly status: 'Success' | 'Failed'; readonly result: string }[];
}

const xml = (body: string, status = 200, headers: Record<string, string> = {}): Reply => ({ status, headers: { 'content-type': 'application/xml', ...headers }, body: XML_HEAD + body });

export function tableSchemaJson(project: string, table: TableDef, records: number): string {
  const column = (c: { name: string; type: string; comment: string }) => ({ name: c.name, type: c.type, comment: c.comment, label: '', isNullable: true });
  return JSON.stringify({
    tableName: table.name,
    projectName: project,
    comment: table.comment,
    owner: OWNER,
    createTime: table.createTime,
    lastModifiedTime: table.lastModifiedTime,
    lastDDLTime: table.lastDDLTime,
    lastAccessTime: 0,
    lifecycle: table.lifecycle,
    isVirtualView: false,
    isExternal: false,
    recordNum: records,
    columns: table.columns.map(column),
    partitionKeys: table.partitionKeys.map(column),
  });
}

export function createControlPlane(store: Store) {
  const instances = new Map<string, InstanceRecord>();

  function project(name: string | undefined): string {
    if (name === undefined || !store.hasProject(name)) throw new Refusal(404, 'NoSuchProject', `project "${name ?? ''}" does not exist on this endpoint`);
    return name;
  }

  function table(p: string, t: string): TableDef {
    const def = store.table(p, t);
    if (!def) throw new Refusal(404, 'NoSuchTable', `table ${p}.${t} does not exist`);
    return def;
  }

  function records(def: TableDef, spec?: string): number {
    return Object.entries(def.data)
      .filter(([s]) => spec === undefined || s === spec)
      .reduce((n, [, files]) => n + files.reduce((m, f) => m + f.records, 0), 0);
  }

  async function createInstance(ex: Exchange, p: string): Promise<Reply> {
    let query: string;
    let taskName: string;
    try {
      const doc = parseXml(ex.body.toString('utf8'));
      const tasks = child(doc, 'Job', 'Tasks');
      if (doc.name !== 'Instance' || !tasks) throw new Refusal(400, 'InvalidParameter', 'the instance document must be <Instance><Job><Tasks>…</Tasks></Job></Instance>');
      if (tasks.children.length !== 1 || tasks.children[0]!.name !== 'SQL')
        throw new Refusal(400, 'InvalidParameter', `the local endpoint runs one SQL task per instance, not <${tasks.children.map((c) => c.name).join('>, <')}>`);
      const sql = tasks.children[0]!;
      const q = child(sql, 'Query');
      if (!q || q.text.trim() === '') throw new Refusal(400, 'InvalidParameter', 'the SQL task has no <Query>');
      query = q.text;
      taskName = child(sql, 'Name')?.text.trim() || 'AnonymousSQLTask';
    } catch (err) {
      if (err instanceof XmlError) throw new Refusal(400, 'InvalidParameter', `the instance document is not well-formed XML: ${err.message}`);
      throw err;
    }
    const start = ex.nowMs;
    let status: 'Success' | 'Failed' = 'Success';
    let result: string;
    try {
      result = await runSql(store, p, query, Math.floor(start / 1000));
    } catch (err) {
      if (!(err instanceof SqlError)) throw err;
      status = 'Failed';
      result = err.message;
    }
    const id = `${new Date(start).toISOString().replace(/\D/g, '').slice(0, 14)}${randomUUID().replace(/-/g, '').slice(0, 12)}`;
    instances.set(id, { id, project: p, start, end: Date.now(), tasks: [{ name: taskName, status, result }] });
    return { status: 201, headers: { location: `http://${ex.host}/api/projects/${p}/instances/${id}` } };
  }

  function instance(ex: Exchange, p: string, id: string): Reply {
    const inst = instances.get(id);
    if (!inst || inst.project !== p) throw new Refusal(404, 'NoSuchObject', `instance ${id} does not exist in project ${p}`);
    const times = { 'x-odps-owner': OWNER, 'x-odps-start-time': rfc1123(inst.start), 'x-odps-end-time': rfc1123(inst.end) };
    if (ex.params.has('taskstatus')) {
      const tasks = inst.tasks
        .map((t) => `<Task Type="SQL"><Name>${escapeXml(t.name)}</Name><StartTime>${rfc1123(inst.start)}</StartTime><EndTime>${rfc1123(inst.end)}</EndTime><Status>${t.status}</Status></Task>`)
        .join('');
      return xml(`<Instance><Status>Terminated</Status><Tasks>${tasks}</Tasks></Instance>`, 200, times);
    }
    if (ex.params.has('result')) {
      const tasks = inst.tasks.map((t) => `<Task Type="SQL"><Name>${escapeXml(t.name)}</Name><Result Format="text">${cdata(t.result)}</Result></Task>`).join('');
      return xml(`<Instance><Tasks>${tasks}</Tasks></Instance>`, 200, times);
    }
    return xml('<Instance><Status>Terminated</Status></Instance>', 200, times);
  }

  function tableReply(ex: Exchange, p: string, t: string): Reply {
    const def = table(p, t);
    if (ex.params.has('partitions')) {
      const wanted = ex.params.get('partition');
      const filter = wanted ? parsePartitionSpec(wanted) : undefined;
      const parts = def.partitions
        .filter((part) => !filter || filter.every(([k, v]) => part.values.some(([pk, pv]) => pk === k && pv === v)))
        .map(
          (part) =>
            `<Partition>${part.values.map(([k, v]) => `<Column Name="${escapeXml(k)}" Value="${escapeXml(v)}"/>`).join('')}<CreationTime>${part.createTime}</CreationTime><LastDDLTime>${part.createTime}</LastDDLTime><LastModifiedTime>${def.lastModifiedTime}</LastModifiedTime></Partition>`,
        );
      return xml(`<Partitions><Marker></Marker><MaxItems>${ex.params.get('maxitems') ?? ''}</MaxItems>${parts.join('')}</Partitions>`);
    }
    const partition = ex.params.get('partition');
    if (partition !== undefined) {
      const values = parsePartitionSpec(partition);
      if (!values) throw new Refusal(400, 'InvalidPartitionSpec', `"${partition}" is not a partition spec (k1='v1',k2='v2')`);
      const spec = canonicalPartition(def, values, (m) => new Refusal(400, 'InvalidPartitionSpec', m));
      const part = def.partitions.find((x) => x.spec === spec);
      if (!part) throw new Refusal(404, 'NoSuchPartition', `partition ${spec} of table ${p}.${t} does not exist`);
      const json = JSON.stringify({ createTime: part.createTime, lastDDLTime: part.createTime, lastModifiedTime: def.lastModifiedTime, lastAccessTime: 0, partitionRecordNum: records(def, spec) });
      return xml(`<Partition><Schema>${cdata(json)}</Schema></Partition>`);
    }
    const body = `<Table><Name>${escapeXml(def.name)}</Name><TableId>${escapeXml(`${p}.${def.name}`)}</TableId><Project>${escapeXml(p)}</Project><Owner>${OWNER}</Owner><Type>MANAGED_TABLE</Type><Schema>${cdata(tableSchemaJson(p, def, records(def)))}</Schema></Table>`;
    return ex.method === 'HEAD' ? { status: 200, headers: { 'content-type': 'application/xml' } } : xml(body);
  }

  /** Answers one control-plane request (already authenticated). */
  return async function handle(ex: Exchange): Promise<Reply> {
    const [root, projectName, kind, name, ...rest] = ex.segments;
    if (root !== 'projects') throw new Refusal(404, 'NoSuchObject', `the local endpoint serves /projects/…, not /${ex.segments.join('/')}`);
    const p = project(projectName);
    if (kind === undefined && ex.method === 'GET') {
      const created = rfc1123(0);
      return xml(
        `<Project><Name>${escapeXml(p)}</Name><Type>managed</Type><Comment></Comment><Owner>${OWNER}</Owner><State>AVAILABLE</State><CreationTime>${created}</CreationTime><LastModifiedTime>${created}</LastModifiedTime><Properties><Property><Name>odps.sql.type.system.odps2</Name><Value>true</Value></Property></Properties></Project>`,
        200,
        { 'x-odps-owner': OWNER, 'x-odps-creation-time': created, 'last-modified': created },
      );
    }
    if (kind === 'tunnel' && name === undefined && ex.method === 'GET' && ex.params.has('service')) return { status: 200, headers: { 'content-type': 'text/plain' }, body: ex.host };
    if (kind === 'tables' && name !== undefined && rest.length === 0 && (ex.method === 'GET' || ex.method === 'HEAD')) return tableReply(ex, p, name);
    if (kind === 'instances' && name === undefined && ex.method === 'POST') return createInstance(ex, p);
    if (kind === 'instances' && name !== undefined && rest.length === 0 && ex.method === 'GET') return instance(ex, p, name);
    throw new Refusal(405, 'MethodNotAllowed', `${ex.method} /projects/${ex.segments.slice(1).join('/')} is not served by the local endpoint`);
  };
}
