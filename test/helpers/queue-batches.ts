/**
 * Realistic batches for queue tests: row records of one table sharing one TableSchema and one
 * SourceInfo per transaction, with every kind of value a column can hold. `makeBatch(i)` is a pure
 * function of `i`, so a test can rebuild what it appended and compare.
 */
import type { Batch, Column, RowRecord, SourceInfo, TableSchema, Value } from '../../shared/record/index.ts';
import { MysqlTypeCode } from '../../shared/record/index.ts';

function column(name: string, type: string, typeCode: number, extra: Partial<Column> = {}): Column {
  return { name, type, typeCode, unsigned: false, charset: null, nullable: true, key: false, ...extra };
}

export const ORDERS: TableSchema = {
  database: 'shop',
  table: 'orders',
  columns: [
    column('id', 'bigint(20) unsigned', MysqlTypeCode.LONGLONG, { unsigned: true, nullable: false, key: true }),
    column('customer', 'varchar(64)', MysqlTypeCode.VAR_STRING, { charset: 'utf8mb4' }),
    column('amount', 'decimal(12,2)', MysqlTypeCode.NEWDECIMAL),
    column('ratio', 'double', MysqlTypeCode.DOUBLE),
    column('created', 'datetime(6)', MysqlTypeCode.DATETIME),
    column('photo', 'blob', MysqlTypeCode.BLOB),
    column('note', 'text', MysqlTypeCode.BLOB, { charset: 'utf8mb4' }),
  ],
  pkNames: ['id'],
};

function row(i: number, n: number, version: number): Value[] {
  const id = i * 1000 + n;
  return [
    id,
    `customer-${id}-ü`,
    `${id}.${String(version).padStart(2, '0')}`,
    id / 7,
    `2026-01-02 03:04:${String(n % 60).padStart(2, '0')}.${String(id % 1_000_000).padStart(6, '0')}`,
    Buffer.from([id & 0xff, (id >> 8) & 0xff, 0, 255, version]),
    n % 3 === 0 ? null : `note ${version} for ${id}`,
  ];
}

/** Batch `i` (1, 2, 3 …): one transaction of `rows` records alternating INSERT and UPDATE. */
export function makeBatch(i: number, rows = 3): Batch {
  const firstId = (i - 1) * rows + 1;
  const source: SourceInfo = {
    serverId: 1,
    file: 'mysql-bin.000001',
    position: 4 + i * 100,
    gtid: `3e11fa47-71ca-11e1-9e33-c80aa9429562:${i}`,
    timestampMs: 1_767_322_000_000 + i * 1000,
    txId: String(i),
  };
  const records: RowRecord[] = [];
  for (let n = 0; n < rows; n++) {
    const update = n % 2 === 1;
    records.push({ id: firstId + n, seq: n, source, op: update ? 'UPDATE' : 'INSERT', schema: ORDERS, before: update ? row(i, n, 1) : null, after: row(i, n, 2) });
  }
  return {
    records,
    resume: { file: 'mysql-bin.000001', position: 4 + (i + 1) * 100, gtidSet: `3e11fa47-71ca-11e1-9e33-c80aa9429562:1-${i}`, nextRecordId: firstId + rows },
    endsTransaction: true,
    lastRecordId: firstId + rows - 1,
  };
}
