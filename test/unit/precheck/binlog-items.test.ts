/** The source-variable items over snapshots: exact ids, statuses and fixes for each setting. */
import { describe, expect, it } from 'vitest';
import { binlogItems, retentionSeconds, serverIdItems } from '../../../shared/precheck/binlog-items.ts';
import type { SourceVariables } from '../../../shared/precheck/source-variables.ts';

const mysql8 = {
  version: '8.0.31',
  log_bin: 'ON',
  binlog_format: 'ROW',
  binlog_row_image: 'FULL',
  binlog_row_metadata: 'FULL',
  binlog_expire_logs_seconds: '2592000',
  expire_logs_days: '0',
  log_replica_updates: 'ON',
  log_slave_updates: 'ON',
  server_id: '1',
  gtid_mode: 'ON',
};
const mariadb = {
  version: '10.11.19-MariaDB-log',
  log_bin: 'ON',
  binlog_format: 'ROW',
  binlog_row_image: 'FULL',
  binlog_row_metadata: 'FULL',
  binlog_expire_logs_seconds: '0',
  expire_logs_days: '0.000000',
  log_slave_updates: 'OFF',
  server_id: '1',
};

function source(vars: Record<string, string>, isReplica: boolean | null = false): SourceVariables {
  return { version: vars.version!, isMariaDb: /mariadb/i.test(vars.version!), vars, isReplica };
}
function item(vars: Record<string, string>, id: string, isReplica: boolean | null = false) {
  return binlogItems(source(vars, isReplica)).find((f) => f.id === id);
}

describe('binlog items', () => {
  it('pass on a source set up as DTS requires (MySQL 8 and MariaDB)', () => {
    for (const vars of [mysql8, mariadb]) {
      const items = binlogItems(source(vars));
      expect(items.map((f) => f.id)).toEqual([
        'source.log_bin',
        'source.binlog_format',
        'source.binlog_row_image',
        'source.binlog_row_metadata',
        'source.binlog_retention',
        'source.log_slave_updates',
        'source.gtid_mode',
      ]);
      expect(items.map((f) => f.status)).toEqual(['pass', 'pass', 'pass', 'pass', 'pass', 'pass', 'pass']);
    }
  });

  it('fail binlog off, STATEMENT format and MINIMAL image with the statement that fixes each', () => {
    expect(item({ ...mysql8, log_bin: 'OFF' }, 'source.log_bin')).toEqual({
      id: 'source.log_bin',
      status: 'fail',
      message: 'log_bin is OFF',
      fix: 'start the server with --log-bin (log_bin in my.cnf) and restart it',
    });
    expect(item({ ...mysql8, binlog_format: 'STATEMENT' }, 'source.binlog_format')).toEqual({
      id: 'source.binlog_format',
      status: 'fail',
      message: 'binlog_format is STATEMENT, must be ROW',
      fix: "SET GLOBAL binlog_format='ROW' (and binlog_format=ROW in my.cnf)",
    });
    expect(item({ ...mariadb, binlog_row_image: 'MINIMAL' }, 'source.binlog_row_image')).toEqual({
      id: 'source.binlog_row_image',
      status: 'fail',
      message: 'binlog_row_image is MINIMAL, must be FULL',
      fix: "SET GLOBAL binlog_row_image='FULL' (and binlog_row_image=FULL in my.cnf)",
    });
  });

  it('warn on MINIMAL row metadata; pass where the server has no such variable', () => {
    expect(item({ ...mysql8, binlog_row_metadata: 'MINIMAL' }, 'source.binlog_row_metadata')?.status).toBe('warn');
    expect(item({ ...mysql8, binlog_row_metadata: 'MINIMAL' }, 'source.binlog_row_metadata')?.fix).toBe("SET GLOBAL binlog_row_metadata='FULL' (and binlog_row_metadata=FULL in my.cnf)");
    const { binlog_row_metadata: _, ...old } = mysql8;
    expect(item({ ...old, version: '5.7.44' }, 'source.binlog_row_metadata')?.status).toBe('pass');
  });

  it('retention: seconds first, then days, 0 or auto purge off = never; warn under 7 days, fail under 24 h', () => {
    expect(retentionSeconds({ binlog_expire_logs_seconds: '3600', expire_logs_days: '10' })).toBe(3600);
    expect(retentionSeconds({ binlog_expire_logs_seconds: '0', expire_logs_days: '0.5' })).toBe(43200);
    expect(retentionSeconds({ expire_logs_days: '3' })).toBe(259200);
    expect(retentionSeconds({ binlog_expire_logs_seconds: '3600', binlog_expire_logs_auto_purge: 'OFF' })).toBe(0);
    expect(item({ ...mysql8, binlog_expire_logs_seconds: '3600' }, 'source.binlog_retention')).toEqual({
      id: 'source.binlog_retention',
      status: 'fail',
      message: 'binlogs are kept 3600 s (binlog_expire_logs_seconds), less than the 24 h minimum: a task stopped longer than that cannot resume',
      fix: 'SET GLOBAL binlog_expire_logs_seconds = 604800 (and in my.cnf)',
    });
    expect(item({ ...mysql8, binlog_expire_logs_seconds: String(3 * 86400) }, 'source.binlog_retention')?.status).toBe('warn');
    expect(item({ ...mysql8, binlog_expire_logs_seconds: String(7 * 86400) }, 'source.binlog_retention')?.status).toBe('pass');
    const { binlog_expire_logs_seconds: _, ...old } = mariadb;
    expect(item({ ...old, expire_logs_days: '2' }, 'source.binlog_retention')).toMatchObject({ status: 'warn', fix: 'SET GLOBAL expire_logs_days = 7 (and in my.cnf)' });
  });

  it('log_slave_updates: fail on a replica with it off, warn when replica status is unreadable', () => {
    const off = { ...mysql8, log_replica_updates: 'OFF', log_slave_updates: 'OFF' };
    expect(item(off, 'source.log_slave_updates', false)?.status).toBe('pass');
    expect(item(off, 'source.log_slave_updates', true)).toMatchObject({ status: 'fail', fix: 'set log_replica_updates=ON in my.cnf and restart the server (it is read-only at run time)' });
    expect(item(mariadb, 'source.log_slave_updates', null)).toMatchObject({ status: 'warn', fix: 'set log_slave_updates=ON in my.cnf and restart the server (it is read-only at run time)' });
    expect(item(mysql8, 'source.log_slave_updates', true)?.status).toBe('pass');
  });

  it('gtid_mode OFF on MySQL is a warning', () => {
    expect(item({ ...mysql8, gtid_mode: 'OFF' }, 'source.gtid_mode')?.status).toBe('warn');
  });
});

describe('server id items', () => {
  it('fail when the task serverId equals the source server_id or a connected replica', () => {
    expect(serverIdItems(1, 1, [])[0]).toMatchObject({ id: 'source.server_id', status: 'fail', message: "source.serverId 1 equals the source's own server_id" });
    expect(serverIdItems(0, 5, [])[0]).toMatchObject({ id: 'source.server_id', status: 'fail' });
    expect(serverIdItems(1, 5, [7, 5])[1]).toMatchObject({ id: 'source.replicas', status: 'fail' });
    expect(serverIdItems(1, 5, null)[1]).toMatchObject({ id: 'source.replicas', status: 'warn' });
    expect(serverIdItems(1, 5, [7]).map((f) => f.status)).toEqual(['pass', 'pass']);
  });
});
