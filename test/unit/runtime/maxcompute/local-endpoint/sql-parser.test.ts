import { describe, expect, it } from 'vitest';
import { parseSql, SqlError } from '../../../../../shared/runtime/maxcompute/local-endpoint/sql-parser.ts';

describe('parseSql', () => {
  it('CREATE TABLE as the Go SDK writes it: project, backticks, comments with escapes, partitions, lifecycle', () => {
    const s = parseSql(
      "create table if not exists dts_demo.`orders_log` (`id` bigint comment 'the key', `note` string comment 'it\\'s', `amount` DECIMAL(20, 4)) comment 'orders' partitioned by (`new_dts_sync_modifytime_year` string, `m` string) lifecycle 30;",
    );
    expect(s).toEqual({
      kind: 'create',
      name: { project: 'dts_demo', table: 'orders_log' },
      ifNotExists: true,
      columns: [
        { name: 'id', type: 'bigint', comment: 'the key' },
        { name: 'note', type: 'string', comment: "it's" },
        { name: 'amount', type: 'DECIMAL(20,4)', comment: '' },
      ],
      comment: 'orders',
      partitionKeys: [
        { name: 'new_dts_sync_modifytime_year', type: 'string', comment: '' },
        { name: 'm', type: 'string', comment: '' },
      ],
      lifecycle: 30,
    });
  });
  it('ALTER TABLE … ADD COLUMNS and ADD PARTITION, DROP TABLE', () => {
    expect(parseSql('ALTER TABLE p.`t` ADD COLUMNS IF NOT EXISTS (`c` VARCHAR(10) COMMENT "x");')).toEqual({
      kind: 'add-columns',
      name: { project: 'p', table: 't' },
      ifNotExists: true,
      columns: [{ name: 'c', type: 'VARCHAR(10)', comment: 'x' }],
    });
    expect(parseSql("ALTER TABLE t ADD IF NOT EXISTS PARTITION (ds='2024', n=-3) PARTITION (ds='2025', n=1)")).toEqual({
      kind: 'add-partitions',
      name: { table: 't' },
      ifNotExists: true,
      partitions: [
        [
          ['ds', '2024'],
          ['n', '-3'],
        ],
        [
          ['ds', '2025'],
          ['n', '1'],
        ],
      ],
    });
    expect(parseSql('drop table if exists `a``b`')).toEqual({ kind: 'drop', name: { table: 'a`b' }, ifExists: true });
  });
  it('refuses other statements and malformed ones with an ODPS-coded message', () => {
    expect(() => parseSql('SELECT 1')).toThrow(/^ODPS-0130161:\[1,1\] Parse exception - this statement is not supported by the local endpoint/);
    expect(() => parseSql('CREATE TABLE t (a bigint')).toThrow(/ODPS-0130161:\[end\] Parse exception - expected '\)'/);
    expect(() => parseSql('CREATE TABLE t (a array<bigint>)')).toThrow(/ARRAY, MAP and STRUCT are not supported/);
    expect(() => parseSql('DROP TABLE a; DROP TABLE b')).toThrow(/one statement per task/);
    expect(() => parseSql('ALTER TABLE t RENAME TO u')).toThrow(SqlError);
  });
});
