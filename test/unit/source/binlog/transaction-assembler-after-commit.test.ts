/** `afterCommit`: the reader's cue to flush while its queue is idle; only commits that leave records buffered give it. */
import { describe, expect, it } from 'vitest';
import { decoded } from '../../../helpers/encoded-batch.ts';
import { MysqlTypeCode, type Batch, type TableSchema } from '../../../../shared/record/index.ts';
import { TransactionAssembler } from '../../../../shared/source/binlog/transaction-assembler.ts';

const T: TableSchema = {
  database: 'shop',
  table: 'orders',
  columns: [{ name: 'k', type: 'int(11)', typeCode: MysqlTypeCode.LONG, unsigned: false, charset: null, nullable: false, key: true }],
  pkNames: ['k'],
};
const TS = 1_700_000_000_000;

describe('TransactionAssembler afterCommit', () => {
  it('is told after a commit that leaves records buffered, not after one that flushed them or had none', () => {
    const calls: number[] = [];
    const batches: Batch[] = [];
    let position = 100;
    const a = new TransactionAssembler({
      serverId: 1,
      start: { file: 'binlog.000001', position: 4, gtidSet: null, nextRecordId: 1 },
      skipThrough: 0,
      batchMaxRecords: 3,
      batchMaxBytes: 1 << 20,
      emit: (batch) => batches.push(decoded(batch)),
      silentTable: (_, table) => table === 'heartbeat',
      afterCommit: () => calls.push(a.bufferedRecords),
    });
    const tx = (table: string, keys: number[]) => {
      a.begin(TS);
      a.rows(
        'INSERT',
        { ...T, table },
        keys.map((k) => ({ before: null, after: [k], bytes: 4 })),
        TS,
      );
      a.commit((position += 100), null, `x${position}`);
    };
    tx('orders', [1]); // buffered: told
    tx('heartbeat', [9]); // nothing new buffered, but the earlier record still is: told
    a.flush();
    tx('heartbeat', [9]); // nothing buffered: not told
    tx('orders', [2, 3, 4]); // reaches batchMaxRecords: flushed at commit, not told
    expect(calls).toEqual([1, 1]);
    expect(batches.map((b) => b.records.map((r) => (r.op === 'INSERT' ? r.after![0] : null)))).toEqual([[1], [2, 3, 4]]);
  });
});
