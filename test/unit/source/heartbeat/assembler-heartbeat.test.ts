/**
 * What the assembler does for the heartbeat: the heartbeat table's rows and DDL take no record and
 * no id, every committed transaction (selected or not) moves the batches' `sourceTimeMs`, and a
 * restarted reader carries the stored time on until a newer commit.
 */
import { describe, expect, it } from 'vitest';
import { decoded } from '../../../helpers/encoded-batch.ts';
import type { Batch, ResumePosition, TableSchema } from '../../../../shared/record/index.ts';
import { MysqlTypeCode } from '../../../../shared/record/index.ts';
import { TransactionAssembler } from '../../../../shared/source/binlog/transaction-assembler.ts';
import { isHeartbeatTable, parseHeartbeatTable } from '../../../../shared/source/heartbeat/index.ts';
import { checkpointEveryMs } from '../../../../shared/source/reader.ts';

const table = (database: string, name: string): TableSchema => ({
  database,
  table: name,
  columns: [{ name: 'k', type: 'varchar(20)', typeCode: MysqlTypeCode.VAR_STRING, unsigned: false, charset: 'utf8mb4', nullable: false, key: true }],
  pkNames: ['k'],
});
const ORDERS = table('shop', 'orders');
const BEAT = table('shop', 'dts_heartbeat');
const HEARTBEAT = parseHeartbeatTable('shop.dts_heartbeat');
const START: ResumePosition = { file: 'binlog.000001', position: 4, gtidSet: null, nextRecordId: 1 };
const T0 = 1_700_000_000_000;

function assembler(batches: Batch[], startSourceTimeMs?: number): TransactionAssembler {
  return new TransactionAssembler({
    serverId: 7,
    start: START,
    skipThrough: 0,
    batchMaxRecords: 1000,
    batchMaxBytes: 1 << 30,
    emit: (b) => batches.push(decoded(b)),
    silentTable: (db, t) => isHeartbeatTable(HEARTBEAT, db, t),
    startSourceTimeMs,
  });
}

describe('the assembler and the heartbeat', () => {
  it('drops heartbeat rows and DDL without ids, and moves sourceTimeMs with every commit', () => {
    const batches: Batch[] = [];
    const a = assembler(batches);
    a.begin(T0);
    a.rows('INSERT', ORDERS, [{ before: null, after: ['a'], bytes: 1 }], T0);
    a.commit(100, null, '1');
    a.ddl('CREATE_TABLE', 'shop', 'dts_heartbeat', 'CREATE TABLE IF NOT EXISTS shop.dts_heartbeat (task VARCHAR(64) PRIMARY KEY)', T0 + 1000, 200, null);
    a.begin(T0 + 2000);
    a.rows('UPDATE', BEAT, [{ before: ['test'], after: ['test'], bytes: 1 }], T0 + 2000);
    a.commit(300, null, '2');
    a.flush(true);
    // An unselected transaction (its rows filtered before the assembler) still counts.
    a.begin(T0 + 3000);
    a.commit(400, null, '3');
    a.flush(true);
    a.begin(T0 + 4000);
    a.rows('INSERT', ORDERS, [{ before: null, after: ['b'], bytes: 1 }], T0 + 4000);
    a.commit(500, null, '4');
    a.flush();

    expect(
      batches.map((b) => ({
        keys: b.records.map((r) => (r.op === 'DDL' ? r.sql : r.after![0])),
        ids: b.records.map((r) => r.id),
        at: b.resume.position,
        lastRecordId: b.lastRecordId,
        sourceTimeMs: b.sourceTimeMs,
      })),
    ).toEqual([
      { keys: ['a'], ids: [1], at: 300, lastRecordId: 1, sourceTimeMs: T0 + 2000 },
      { keys: [], ids: [], at: 400, lastRecordId: 1, sourceTimeMs: T0 + 3000 },
      { keys: ['b'], ids: [2], at: 500, lastRecordId: 2, sourceTimeMs: T0 + 4000 },
    ]);
  });

  it('carries the stored time on after a restart, and leaves it out before any commit', () => {
    const fresh: Batch[] = [];
    const a = assembler(fresh);
    a.advance(50, null);
    a.flush(true);
    expect(fresh).toEqual([{ records: [], resume: { ...START, position: 50 }, endsTransaction: true, lastRecordId: 0 }]);

    const resumed: Batch[] = [];
    const b = assembler(resumed, T0);
    b.advance(60, null);
    b.flush(true);
    b.begin(T0 - 5000); // an older commit time (another clock) never moves it back
    b.commit(70, null, '9');
    b.flush(true);
    expect(resumed.map((x) => [x.resume.position, x.sourceTimeMs])).toEqual([
      [60, T0],
      [70, T0],
    ]);
  });

  it('checkpoints at least every half heartbeat interval, never under 250 ms', () => {
    expect(checkpointEveryMs({})).toBe(5000);
    expect(checkpointEveryMs({ heartbeat: null })).toBe(5000);
    expect(checkpointEveryMs({ heartbeat: { table: HEARTBEAT, intervalMs: 1000 } })).toBe(500);
    expect(checkpointEveryMs({ heartbeat: { table: HEARTBEAT, intervalMs: 10_000 } })).toBe(5000);
    expect(checkpointEveryMs({ heartbeat: { table: HEARTBEAT, intervalMs: 1000 }, checkpointIntervalMs: 200 })).toBe(200);
    expect(checkpointEveryMs({ heartbeat: { table: HEARTBEAT, intervalMs: 100 } })).toBe(250);
  });

  it('recognizes only the configured table', () => {
    expect(isHeartbeatTable(HEARTBEAT, 'shop', 'dts_heartbeat')).toBe(true);
    expect(isHeartbeatTable(HEARTBEAT, 'shop', 'orders')).toBe(false);
    expect(isHeartbeatTable(HEARTBEAT, 'dts', 'dts_heartbeat')).toBe(false);
    expect(isHeartbeatTable(null, 'shop', 'dts_heartbeat')).toBe(false);
    expect(parseHeartbeatTable('dts.dts_heartbeat')).toEqual({ database: 'dts', table: 'dts_heartbeat' });
  });
});
