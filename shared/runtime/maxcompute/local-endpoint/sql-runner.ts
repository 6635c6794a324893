/**
 * Runs a parsed statement against the store, with the checks the service makes: known project,
 * valid names and types, no duplicate columns (partition keys included), at most 1200 columns and
 * 6 partition levels, partition keys of STRING/VARCHAR/CHAR or an integer type, partition values
 * that fit their key's type. Failures are SqlErrors whose text starts with an ODPS code, the way a
 * failed task's result reads.
 */
import { OdpsTypeError, PARTITION_KEY_TYPES, parseOdpsType } from './odps-types.ts';
import { canonicalPartition, checkPartitionValue } from './partition-spec.ts';
import { parseSql, SqlError, type ColumnSpec, type TableName } from './sql-parser.ts';
import type { ColumnDef, Store, TableDef } from './store.ts';

const MAX_COLUMNS = 1200;
const MAX_PARTITION_LEVELS = 6;
const NAME = /^[A-Za-z_\p{L}][A-Za-z0-9_\p{L}\p{N}]{0,127}$/u;
const TABLE_NAME = /^[A-Za-z0-9_]{1,128}$/;

function semantic(message: string): SqlError {
  return new SqlError(`ODPS-0130071:Semantic analysis exception - ${message}`);
}

function columnDefs(specs: readonly ColumnSpec[], what: string): ColumnDef[] {
  return specs.map((c) => {
    if (!NAME.test(c.name)) throw semantic(`${what} name "${c.name}" is not valid (letters, digits and '_', starting with a letter or '_', at most 128 characters)`);
    try {
      return { name: c.name.toLowerCase(), type: parseOdpsType(c.type).text, comment: c.comment };
    } catch (err) {
      if (err instanceof OdpsTypeError) throw semantic(`${what} "${c.name}": ${err.message}`);
      throw err;
    }
  });
}

function noDuplicates(columns: readonly ColumnDef[]): void {
  const seen = new Set<string>();
  for (const c of columns) {
    if (seen.has(c.name)) throw semantic(`column "${c.name}" is defined more than once`);
    seen.add(c.name);
  }
}

/** Runs one SQL statement in `project`; returns the task's result text on success. */
export async function runSql(store: Store, project: string, sql: string, nowSeconds: number): Promise<string> {
  const statement = parseSql(sql);
  const target = resolve(store, project, statement.name);

  switch (statement.kind) {
    case 'create': {
      const existing = store.table(target.project, target.table);
      if (existing) {
        if (statement.ifNotExists) return 'OK';
        throw semantic(`table ${target.project}.${target.table} already exists`);
      }
      if (!TABLE_NAME.test(target.table)) throw semantic(`table name "${target.table}" is not valid (letters, digits and '_', at most 128 characters)`);
      const columns = columnDefs(statement.columns, 'column');
      const partitionKeys = columnDefs(statement.partitionKeys, 'partition key');
      if (columns.length === 0) throw semantic('a table needs at least one column');
      noDuplicates([...columns, ...partitionKeys]);
      if (columns.length > MAX_COLUMNS) throw semantic(`table ${target.table} has ${columns.length} columns; at most ${MAX_COLUMNS} are allowed`);
      if (partitionKeys.length > MAX_PARTITION_LEVELS) throw semantic(`table ${target.table} has ${partitionKeys.length} partition levels; at most ${MAX_PARTITION_LEVELS} are allowed`);
      for (const k of partitionKeys) {
        if (!PARTITION_KEY_TYPES.has(parseOdpsType(k.type).base))
          throw semantic(`partition key "${k.name}" is ${k.type}; partition keys must be STRING, VARCHAR, CHAR, BIGINT, INT, SMALLINT or TINYINT`);
      }
      if (statement.lifecycle === 0) throw semantic('LIFECYCLE must be a positive number of days');
      const table: TableDef = {
        name: target.table,
        comment: statement.comment,
        lifecycle: statement.lifecycle,
        columns,
        partitionKeys,
        createTime: nowSeconds,
        lastDDLTime: nowSeconds,
        lastModifiedTime: nowSeconds,
        partitions: [],
        data: {},
      };
      store.putTable(target.project, table);
      await store.save();
      return 'OK';
    }
    case 'add-columns': {
      const table = existingTable(store, target);
      const added = columnDefs(statement.columns, 'column');
      noDuplicates(added);
      const taken = new Set([...table.columns, ...table.partitionKeys].map((c) => c.name));
      const fresh = added.filter((c) => !taken.has(c.name));
      if (fresh.length < added.length && !statement.ifNotExists) {
        throw semantic(`column "${added.find((c) => taken.has(c.name))!.name}" already exists in ${target.project}.${target.table}`);
      }
      if (table.columns.length + fresh.length > MAX_COLUMNS) throw semantic(`table ${target.table} would have ${table.columns.length + fresh.length} columns; at most ${MAX_COLUMNS} are allowed`);
      table.columns = [...table.columns, ...fresh];
      table.lastDDLTime = nowSeconds;
      await store.save();
      return 'OK';
    }
    case 'add-partitions': {
      const table = existingTable(store, target);
      for (const values of statement.partitions) {
        const spec = canonicalPartition(table, values, (m) => semantic(m));
        for (const [k, v] of values) checkPartitionValue(table, k, v, (m) => semantic(m));
        if (table.partitions.some((p) => p.spec === spec)) {
          if (statement.ifNotExists) continue;
          throw new SqlError(`ODPS-0130111:Subject partition already exists - partition ${spec} of ${target.project}.${target.table}`);
        }
        table.partitions.push({ spec, values: table.partitionKeys.map((k) => [k.name, values.find(([key]) => key.toLowerCase() === k.name)![1]]), createTime: nowSeconds });
      }
      table.lastDDLTime = nowSeconds;
      await store.save();
      return 'OK';
    }
    case 'drop': {
      if (!store.table(target.project, target.table)) {
        if (statement.ifExists) return 'OK';
        throw new SqlError(`ODPS-0130131:Table not found - table ${target.project}.${target.table} cannot be resolved`);
      }
      await store.dropTable(target.project, target.table);
      await store.save();
      return 'OK';
    }
  }
}

function resolve(store: Store, project: string, name: TableName): { project: string; table: string } {
  const p = name.project ?? project;
  if (!store.hasProject(p)) throw new SqlError(`ODPS-0420111:Project not found - '${p}'`);
  return { project: p, table: name.table.toLowerCase() };
}

function existingTable(store: Store, target: { project: string; table: string }): TableDef {
  const table = store.table(target.project, target.table);
  if (!table) throw new SqlError(`ODPS-0130131:Table not found - table ${target.project}.${target.table} cannot be resolved`);
  return table;
}
