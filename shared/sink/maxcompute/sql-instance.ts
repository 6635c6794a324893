/**
 * One SQL statement as a MaxCompute instance (specs/maxcompute.md §2.3):
 *
 *   POST /projects/{p}/instances   <Instance><Job>… one SQL task (odps2 type system) …</Job></Instance>
 *        → 201, Location: …/instances/{id}
 *   GET  /projects/{p}/instances/{id}?instancestatus   until <Status>Terminated</Status>
 *   GET  …?taskstatus    every <Task><Status> must be Success
 *   GET  …?result        otherwise: the task's result text (base64 when Transform="Base64")
 *
 * Polling backs off from 100 ms to 2 s. A failed task is MaxComputeSqlError (final), quoting the
 * server's text and the first 200 characters of the statement. A 409 on creation (busy) and an
 * instance still running after `defaults.maxComputeSqlWaitMs` (10 minutes) are retriable: the statements the sink sends are
 * idempotent (IF NOT EXISTS), so running one again is safe.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { SinkWriteError } from '../errors.ts';
import { MaxComputeSqlError, type RequestWhere } from './errors.ts';
import type { OdpsCaller, OdpsResponse } from './http.ts';
import { cdata, child, children, childText, escapeXml, parseXml, XmlError, type XmlElement } from './xml.ts';
import { defaults } from '../../task/defaults.ts';

export interface SqlInstanceOptions {
  readonly sink?: string;
}

const QUOTE_SQL = 200;

/** The instance document: one anonymous SQL task, priority 9, the 2.0 type system. */
export function sqlInstanceXml(sql: string, uuid: string = randomUUID()): string {
  const settings = JSON.stringify({ 'odps.sql.type.system.odps2': 'true' });
  return (
    '<?xml version="1.0" encoding="utf-8"?>\n' +
    '<Instance><Job><Priority>9</Priority><Tasks><SQL><Name>AnonymousSQLTask</Name><Config>' +
    `<Property><Name>uuid</Name><Value>${uuid}</Value></Property>` +
    `<Property><Name>settings</Name><Value>${escapeXml(settings)}</Value></Property>` +
    `</Config><Query>${cdata(sql)}</Query></SQL></Tasks><DAG><RunMode>Sequence</RunMode></DAG></Job></Instance>`
  );
}

export async function runSqlInstance(caller: OdpsCaller, project: string, sql: string, options: SqlInstanceOptions = {}): Promise<void> {
  const statement = sql.length > QUOTE_SQL ? `${sql.slice(0, QUOTE_SQL)}…` : sql;
  const where = (what: string): RequestWhere => ({ what, project, sink: options.sink });
  const created = await caller.call(
    { method: 'POST', resource: `/projects/${project}/instances`, contentType: 'application/xml', body: sqlInstanceXml(sql) },
    where(`run the SQL statement "${statement}"`),
    { retryConflict: true },
  );
  const id = instanceIdOf(created);
  if (!id) {
    // Without a Location the server ran the task synchronously: the body holds its result.
    const tasks = children(child(created.body.length > 0 ? xmlOf(created, '(synchronous)', project) : undefined, 'Tasks'), 'Task');
    if (tasks.length === 0) {
      throw new SinkWriteError(
        `MaxCompute answered HTTP ${created.status} without the instance's Location to run the SQL statement "${statement}"`,
        { project, sink: options.sink, status: created.status },
        undefined,
        false,
      );
    }
    return judge('(synchronous)', tasks, tasks);
  }
  const resource = `/projects/${project}/instances/${id}`;
  const deadline = Date.now() + defaults.maxComputeSqlWaitMs;
  for (let pause = 100; ; pause = Math.min(pause * 2, 2000)) {
    const res = await caller.call({ method: 'GET', resource, params: [['instancestatus', '']] }, where(`read the status of SQL instance ${id}`));
    const status = childText(xmlOf(res, id, project), 'Status');
    if (status?.toLowerCase() === 'terminated') break;
    if (Date.now() + pause > deadline) {
      throw new SinkWriteError(`SQL instance ${id} of project ${project} is still ${status ?? 'unknown'} after ${Math.round(defaults.maxComputeSqlWaitMs / 1000)} s: "${statement}"`, {
        project,
        sink: options.sink,
        instanceId: id,
      });
    }
    await sleep(pause);
  }
  const read = async (param: string) =>
    children(child(xmlOf(await caller.call({ method: 'GET', resource, params: [[param, '']] }, where(`read the ${param} of SQL instance ${id}`)), id, project), 'Tasks'), 'Task');
  const tasks = await read('taskstatus');
  return judge(id, tasks, succeeded(tasks) ? [] : await read('result'));

  function judge(instance: string, tasks: XmlElement[], results: XmlElement[]): void {
    if (succeeded(tasks)) return;
    const text =
      results
        .map((t) => resultText(child(t, 'Result')))
        .filter(Boolean)
        .join('\n')
        .trim() || '(the server gave no result text)';
    const states = tasks.map((t) => `${childText(t, 'Name') ?? '?'} ${childText(t, 'Status') ?? '?'}`).join(', ') || 'no tasks';
    throw new MaxComputeSqlError(`MaxCompute SQL failed (instance ${instance}, ${states}): ${text.slice(0, 2000)}; statement: "${statement}"`, instance, text, { project, sink: options.sink });
  }
}

function succeeded(tasks: readonly XmlElement[]): boolean {
  return tasks.length > 0 && tasks.every((t) => childText(t, 'Status')?.toUpperCase() === 'SUCCESS');
}

function instanceIdOf(res: OdpsResponse): string | undefined {
  const location = res.headers.location;
  if (!location) return undefined;
  return location.replace(/\/+$/, '').split('/').pop() || undefined;
}

function xmlOf(res: OdpsResponse, id: string, project: string): XmlElement {
  try {
    return parseXml(res.body.toString('utf8'));
  } catch (err) {
    if (!(err instanceof XmlError)) throw err;
    throw new SinkWriteError(`MaxCompute answered about SQL instance ${id} with XML this client cannot read (${err.message})`, { project, instanceId: id }, err, false);
  }
}

function resultText(result: XmlElement | undefined): string {
  if (!result) return '';
  return result.attributes.Transform?.toLowerCase() === 'base64' ? Buffer.from(result.text.trim(), 'base64').toString('utf8') : result.text;
}
