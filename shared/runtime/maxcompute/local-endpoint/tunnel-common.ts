/**
 * What the upload and download handlers share: the table and partition a tunnel request names
 * (with the service's refusals for a missing project, table, partition or spec) and the session
 * schema JSON (`{"columns":[…],"partitionKeys":[…]}`, specs/maxcompute.md §3.1).
 */
import { Refusal, type Exchange } from './exchange.ts';
import { parseOdpsType, type OdpsType } from './odps-types.ts';
import { canonicalPartition, checkPartitionValue, parsePartitionSpec } from './partition-spec.ts';
import type { ColumnDef, Store, TableDef } from './store.ts';

export interface TunnelTarget {
  readonly project: string;
  readonly table: TableDef;
  /** Canonical spec, '' for a table without partitions. */
  readonly partition: string;
  readonly values: [string, string][];
  readonly partitionExists: boolean;
}

/** The project, table and partition of /projects/{p}/tables/{t}[?partition=…]. */
export function tunnelTarget(store: Store, ex: Exchange): TunnelTarget {
  const [root, project, kind, name, ...rest] = ex.segments;
  if (root !== 'projects' || kind !== 'tables' || name === undefined || rest.length > 0) {
    throw new Refusal(404, 'NoSuchObject', `the tunnel serves /projects/{project}/tables/{table}, not /${ex.segments.join('/')}`);
  }
  if (!store.hasProject(project!)) throw new Refusal(404, 'NoSuchProject', `project "${project}" does not exist on this endpoint`);
  const table = store.table(project!, name);
  if (!table) throw new Refusal(404, 'NoSuchTable', `table ${project}.${name} does not exist`);
  const spec = ex.params.get('partition');
  if (table.partitionKeys.length === 0) {
    if (spec) throw new Refusal(400, 'InvalidPartitionSpec', `table ${project}.${table.name} has no partitions, but partition=${spec} was given`);
    return { project: project!, table, partition: '', values: [], partitionExists: true };
  }
  if (!spec)
    throw new Refusal(
      400,
      'MissingPartitionSpec',
      `table ${project}.${table.name} is partitioned by (${table.partitionKeys.map((k) => k.name).join(', ')}): give partition=${table.partitionKeys.map((k) => `${k.name}=…`).join(',')}`,
    );
  const values = parsePartitionSpec(spec);
  if (!values) throw new Refusal(400, 'InvalidPartitionSpec', `"${spec}" is not a partition spec (k1=v1,k2=v2)`);
  const partition = canonicalPartition(table, values, (m) => new Refusal(400, 'InvalidPartitionSpec', m));
  for (const [k, v] of values) checkPartitionValue(table, k, v, (m) => new Refusal(400, 'InvalidPartitionSpec', m));
  const ordered = table.partitionKeys.map((k, i) => [k.name, values[i]![1]] as [string, string]);
  return { project: project!, table, partition, values: ordered, partitionExists: table.partitions.some((p) => p.spec === partition) };
}

export function schemaJson(columns: readonly ColumnDef[], partitionKeys: readonly ColumnDef[]): object {
  const column = (c: ColumnDef, i: number) => ({ name: c.name, type: c.type, comment: c.comment, nullable: true, column_id: String(i + 1) });
  return { columns: columns.map(column), partitionKeys: partitionKeys.map(column) };
}

export function typedColumns(columns: readonly ColumnDef[]): { name: string; type: OdpsType }[] {
  return columns.map((c) => ({ name: c.name, type: parseOdpsType(c.type) }));
}

export const json = (doc: object, status = 200) => ({ status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(doc) });
