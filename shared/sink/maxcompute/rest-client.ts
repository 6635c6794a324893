/**
 * The MaxCompute client (client-types.ts) over the REST protocol of specs/maxcompute.md; there is
 * no Node SDK. The service endpoint (`…/api`) serves tables and SQL instances; the tunnel endpoint
 * is asked once (`GET /projects/{p}/tunnel?service`, a bare host to which the service endpoint's
 * scheme is added) and kept, unless the task names one.
 *
 *   getTable   GET /projects/{p}/tables/{t} → <Table><Schema>{JSON columns, partitionKeys}</Schema>;
 *              404 NoSuchTable → null (a missing project stays an error)
 *   runSql     sql-instance.ts
 *   tunnel()   tunnel-client.ts
 *
 * Credentials stay in the signer: no message, log line or error carries them.
 */
import type { OdpsColumn } from '../../encode/maxcompute/types.ts';
import type { Logger } from '../../log.ts';
import type { Secret } from '../../task/secret.ts';
import { SinkWriteError } from '../errors.ts';
import type { MaxComputeClient, OdpsTableSchema, TunnelClient } from './client-types.ts';
import { MaxComputeNotFoundError } from './errors.ts';
import { createOdpsCaller, type OdpsCaller } from './http.ts';
import { runSqlInstance } from './sql-instance.ts';
import { createTunnelClient } from './tunnel-client.ts';
import { childText, parseXml, XmlError } from './xml.ts';

export interface MaxComputeClientOptions {
  /** The service endpoint, e.g. `http://service.cn-hangzhou.maxcompute.aliyun.com/api`. */
  readonly endpoint: string;
  readonly project: string;
  readonly accessKeyId: string;
  readonly accessKeySecret: Secret;
  /** STS token of a temporary key. */
  readonly securityToken?: Secret;
  /** Longest silence on a request's connection. */
  readonly timeoutMs: number;
  readonly userAgent?: string;
  readonly log: Logger;
  /** The destination's name in the task file, for messages. */
  readonly sink?: string;
  /** Sign v4 for this region; v2 (what JAVA and GO do by default) without. */
  readonly region?: string;
}

const DEFAULT_USER_AGENT = 'mysql-dts-maxcompute/1';

export function createMaxComputeClient(options: MaxComputeClientOptions): MaxComputeClient {
  const { project } = options;
  const log = options.log.child({ component: 'maxcompute.client' });
  const credentials = { accessKeyId: options.accessKeyId, accessKeySecret: options.accessKeySecret, securityToken: options.securityToken, region: options.region };
  const callerFor = (base: string): OdpsCaller => createOdpsCaller({ base, project, credentials, timeoutMs: options.timeoutMs, userAgent: options.userAgent ?? DEFAULT_USER_AGENT, log });
  const service = callerFor(options.endpoint);
  let tunnel: Promise<TunnelClient> | undefined;

  async function discoverTunnel(): Promise<TunnelClient> {
    const res = await service.call({ method: 'GET', resource: `/projects/${project}/tunnel`, params: [['service', '']] }, { what: 'find the tunnel endpoint', project, sink: options.sink });
    const host = res.body.toString('utf8').trim();
    if (!host) throw new SinkWriteError(`MaxCompute gave no tunnel endpoint for project ${project}`, { project, sink: options.sink }, undefined, false);
    const base = /^https?:\/\//i.test(host) ? host : `${new URL(options.endpoint).protocol}//${host}`;
    log.info('maxcompute tunnel endpoint', { project, tunnel: base });
    return createTunnelClient({ caller: callerFor(base), project, sink: options.sink });
  }

  return {
    project,

    async getTable(table) {
      let body: Buffer;
      try {
        body = (await service.call({ method: 'GET', resource: `/projects/${project}/tables/${table}` }, { what: `read table ${project}.${table}`, project, table, sink: options.sink })).body;
      } catch (err) {
        if (err instanceof MaxComputeNotFoundError && err.context.serverCode !== 'NoSuchProject') return null;
        throw err;
      }
      return tableSchemaOf(body, project, table);
    },

    runSql(sql) {
      return runSqlInstance(service, project, sql, { sink: options.sink });
    },

    tunnel() {
      tunnel ??= discoverTunnel().catch((err: unknown) => {
        tunnel = undefined; // ask again next time
        throw err;
      });
      return tunnel;
    },
  };
}

/** `<Table><Schema>` JSON → columns and partition keys, types upper-cased as the SDKs print them. */
export function tableSchemaOf(body: Buffer, project: string, table: string): OdpsTableSchema {
  const unreadable = (why: string, cause?: unknown) =>
    new SinkWriteError(`MaxCompute described table ${project}.${table} in a form this client cannot read (${why})`, { project, table }, cause, false);
  let schemaText: string | undefined;
  try {
    schemaText = childText(parseXml(body.toString('utf8')), 'Schema');
  } catch (err) {
    if (err instanceof XmlError) throw unreadable(err.message, err);
    throw err;
  }
  if (!schemaText) throw unreadable('no <Schema>');
  let doc: { columns?: unknown; partitionKeys?: unknown };
  try {
    doc = JSON.parse(schemaText) as typeof doc;
  } catch (err) {
    throw unreadable('its <Schema> is not JSON', err);
  }
  const columnsOf = (list: unknown): OdpsColumn[] =>
    (Array.isArray(list) ? (list as Record<string, unknown>[]) : []).map((c) => ({
      name: String(c.name),
      type: String(c.type).toUpperCase(),
      ...(typeof c.comment === 'string' && c.comment !== '' ? { comment: c.comment } : {}),
    }));
  return { columns: columnsOf(doc.columns), partitionKeys: columnsOf(doc.partitionKeys) };
}
