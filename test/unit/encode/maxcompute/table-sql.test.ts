/** Schema-sync SQL text, exactly, and the comparison of an existing table's shape with the expected one. */
import { describe, expect, it } from 'vitest';
import { addColumnsSql, columnsToAdd, commentOf, createMaxComputeLayout, createTableSql, quoteString, tableShapeMismatch, type OdpsTableShape } from '../../../../shared/encode/maxcompute/index.ts';
import { column, table } from '../../../helpers/columns.ts';

const t = table([column('id', 'bigint(20) unsigned', { key: true }), column('e', "enum('it''s','a\\b')"), column('at', 'datetime(6)')], { database: 'shop', table: 'Orders' });

describe('createTableSql', () => {
  it('_base: backticked names, mapped types, the MySQL type as an escaped comment, not partitioned', () => {
    const { base } = createMaxComputeLayout({ namingRule: 'new', partitionKeys: ['year'] }).tablesOf(t);
    expect(createTableSql(base)).toBe(
      "CREATE TABLE IF NOT EXISTS `orders_base` (`id` DECIMAL(20,0) COMMENT 'bigint(20) unsigned', `e` STRING COMMENT 'enum(\\'it\\'\\'s\\',\\'a\\\\b\\')', `at` TIMESTAMP COMMENT 'datetime(6)');",
    );
  });

  it('_log: metadata columns first (no comment), partitioned by the chosen levels', () => {
    const { log } = createMaxComputeLayout({ namingRule: 'old', partitionKeys: ['day', 'year'] }).tablesOf(t);
    expect(createTableSql(log)).toBe(
      'CREATE TABLE IF NOT EXISTS `orders_log` (`record_id` BIGINT, `operation_flag` STRING, `utc_timestamp` BIGINT, `before_flag` STRING, `after_flag` STRING, ' +
        "`id` DECIMAL(20,0) COMMENT 'bigint(20) unsigned', `e` STRING COMMENT 'enum(\\'it\\'\\'s\\',\\'a\\\\b\\')', `at` TIMESTAMP COMMENT 'datetime(6)') " +
        'PARTITIONED BY (`modifytime_year` STRING, `modifytime_day` STRING);',
    );
  });

  it('_log without partition levels is not partitioned', () => {
    const { log } = createMaxComputeLayout({ namingRule: 'new', partitionKeys: [] }).tablesOf(table([column('id', 'int(11)')], { table: 'x' }));
    expect(createTableSql(log)).toBe(
      'CREATE TABLE IF NOT EXISTS `x_log` (`new_dts_sync_record_id` BIGINT, `new_dts_sync_operation_flag` STRING, `new_dts_sync_utc_timestamp` BIGINT, ' +
        "`new_dts_sync_before_flag` STRING, `new_dts_sync_after_flag` STRING, `id` INT COMMENT 'int(11)');",
    );
  });
});

describe('addColumnsSql and quoting', () => {
  it('ALTER TABLE … ADD COLUMNS', () => {
    expect(
      addColumnsSql('orders_log', [
        { name: 'note', type: 'STRING', comment: 'text' },
        { name: 'n', type: 'INT' },
      ]),
    ).toBe("ALTER TABLE `orders_log` ADD COLUMNS (`note` STRING COMMENT 'text', `n` INT);");
  });

  it('string literals escape backslash, quote and line breaks', () => {
    expect(quoteString("a'b\\c\nd\re")).toBe("'a\\'b\\\\c\\nd\\re'");
  });

  it('comments longer than 1024 UTF-8 bytes are cut on a character boundary', () => {
    expect(commentOf('int(11)')).toBe('int(11)');
    const members = `set(${Array.from({ length: 200 }, (_, i) => `'成员${i}'`).join(',')})`;
    const cut = commentOf(members);
    expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(1024);
    expect(Buffer.byteLength(cut)).toBeGreaterThan(1018);
    expect(cut.endsWith('...')).toBe(true);
    expect(members.startsWith(cut.slice(0, -3))).toBe(true);
  });
});

describe('tableShapeMismatch', () => {
  const expected: OdpsTableShape = {
    columns: [
      { name: 'record_id', type: 'BIGINT' },
      { name: 'id', type: 'DECIMAL(20,0)', comment: 'bigint(20) unsigned' },
    ],
    partitionKeys: [{ name: 'modifytime_year', type: 'STRING' }],
  };

  it('null for the same shape, names and types in any case, comments and spaces in types ignored', () => {
    const server: OdpsTableShape = {
      columns: [
        { name: 'RECORD_ID', type: 'bigint' },
        { name: 'id', type: 'decimal(20, 0)', comment: 'something else' },
      ],
      partitionKeys: [{ name: 'modifytime_year', type: 'string' }],
    };
    expect(tableShapeMismatch('orders_log', server, expected)).toBeNull();
  });

  it('names both shapes and the fix when a type, a name, the order or the partitioning differs', () => {
    const server: OdpsTableShape = {
      columns: [
        { name: 'record_id', type: 'bigint' },
        { name: 'id', type: 'bigint' },
      ],
      partitionKeys: [{ name: 'modifytime_year', type: 'string' }],
    };
    expect(tableShapeMismatch('orders_log', server, expected)).toBe(
      'MaxCompute table orders_log exists with another shape: it has (`record_id` bigint, `id` bigint) PARTITIONED BY (`modifytime_year` string), ' +
        'but this task writes (`record_id` BIGINT, `id` DECIMAL(20,0)) PARTITIONED BY (`modifytime_year` STRING); ' +
        'drop or rename the existing table (it may come from a task with another namingRule or partitionKeys), or write to another project, and restart the task',
    );
    const swapped = { ...expected, columns: [...expected.columns].reverse() };
    expect(tableShapeMismatch('t', swapped, expected)).not.toBeNull();
    expect(tableShapeMismatch('t', { ...expected, partitionKeys: [] }, expected)).toContain('it has (`record_id` BIGINT, `id` DECIMAL(20,0)), but');
    expect(tableShapeMismatch('t', { ...expected, columns: [expected.columns[0]!, { name: 'idx', type: 'DECIMAL(20,0)' }] }, expected)).not.toBeNull();
  });
});

describe('columnsToAdd', () => {
  const existing: OdpsTableShape = {
    columns: [
      { name: 'a', type: 'BIGINT' },
      { name: 'b', type: 'STRING' },
    ],
    partitionKeys: [{ name: 'p', type: 'STRING' }],
  };

  it('the trailing columns a source ADD COLUMN appended; [] when equal', () => {
    const c = { name: 'c', type: 'INT', comment: 'int(11)' };
    expect(columnsToAdd(existing, { ...existing, columns: [...existing.columns, c] })).toEqual([c]);
    expect(
      columnsToAdd(existing, {
        columns: [
          { name: 'A', type: 'bigint' },
          { name: 'b', type: 'STRING' },
        ],
        partitionKeys: [{ name: 'p', type: 'string' }],
      }),
    ).toEqual([]);
  });

  it('null when no ADD COLUMNS gets there: fewer columns, a changed column, a column in the middle, other partitions', () => {
    expect(columnsToAdd(existing, { ...existing, columns: [existing.columns[0]!] })).toBeNull();
    expect(columnsToAdd(existing, { ...existing, columns: [existing.columns[0]!, { name: 'b', type: 'INT' }, { name: 'c', type: 'INT' }] })).toBeNull();
    expect(columnsToAdd(existing, { ...existing, columns: [existing.columns[0]!, { name: 'x', type: 'INT' }, existing.columns[1]!] })).toBeNull();
    expect(columnsToAdd(existing, { ...existing, partitionKeys: [] })).toBeNull();
  });
});
