/**
 * The benches' one table: 16 mixed columns, as SQL (catchup, row-decode write it into the source)
 * and in the record model (encode, queue-codec, maxcompute-sink build its rows in memory), so every
 * bench measures the same rows.
 */
import { typeCodeOf, type Column, type Row, type TableSchema } from '../../shared/record/index.ts';

/** Column name and declared type, in table order. */
const COLUMNS: ReadonlyArray<readonly [string, string]> = [
  ['id', 'bigint(20) unsigned'],
  ['a', 'int(11)'],
  ['b', 'bigint(20)'],
  ['c', 'smallint(5) unsigned'],
  ['d', 'decimal(12,2)'],
  ['e', 'double'],
  ['f', 'float'],
  ['g', 'varchar(64)'],
  ['h', 'char(8)'],
  ['i', 'text'],
  ['j', 'datetime(6)'],
  ['k', 'timestamp(3)'],
  ['l', 'date'],
  ['m', 'tinyint(4)'],
  ['n', 'varbinary(16)'],
  ['o', "enum('x','y','z')"],
];

/** CREATE TABLE for `<database>.<table>`. */
export function benchTableSql(database: string, table: string): string {
  return `CREATE TABLE ${database}.${table} (
  id BIGINT UNSIGNED PRIMARY KEY, a INT, b BIGINT, c SMALLINT UNSIGNED, d DECIMAL(12,2), e DOUBLE, f FLOAT,
  g VARCHAR(64), h CHAR(8), i TEXT, j DATETIME(6), k TIMESTAMP(3) NULL, l DATE, m TINYINT, n VARBINARY(16), o ENUM('x','y','z')
) CHARACTER SET utf8mb4`;
}

const timestamp = (id: number) => `2026-01-${String((id % 28) + 1).padStart(2, '0')} 12:34:56`;

/** Row `id` as an SQL VALUES tuple. */
export function benchRowSql(id: number): string {
  const ts = timestamp(id);
  return `(${id},${id % 100000},${id * 7},${id % 65535},${(id % 10000) / 100},${id / 3},${id % 1000},'name-${id}','c${id % 1000}','text value ${id}','${ts}.123456','${ts}.123','2026-02-03',${id % 127},x'${(id % 65536).toString(16).padStart(4, '0')}','${'xyz'[id % 3]}')`;
}

/** The table in the record model (database `bench`, table `catchup`). */
export function benchSchema(): TableSchema {
  const columns: Column[] = COLUMNS.map(([name, type]) => ({
    name,
    type,
    typeCode: typeCodeOf(type)!,
    unsigned: type.includes('unsigned'),
    charset: /char|text|enum/.test(type) ? 'utf8mb4' : null,
    nullable: name !== 'id',
    key: name === 'id',
  }));
  return { database: 'bench', table: 'catchup', columns, pkNames: ['id'] };
}

/** Row `id` as the reader yields it: the values of benchRowSql(id) in the record model. */
export function benchRowValues(id: number): Row {
  const ts = timestamp(id);
  return [
    id,
    id % 100000,
    id * 7,
    id % 65535,
    ((id % 10000) / 100).toFixed(2),
    id / 3,
    Math.fround(id % 1000),
    `name-${id}`,
    `c${id % 1000}`,
    `text value ${id}`,
    `${ts}.123456`,
    `${ts}.123`,
    '2026-02-03',
    id % 127,
    Buffer.from((id % 65536).toString(16).padStart(4, '0'), 'hex'),
    'xyz'[id % 3]!,
  ];
}
