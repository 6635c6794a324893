/** SHOW GRANTS lines → the heartbeat item: what it needs before and after the table exists, which grants cover it. */
import { describe, expect, it } from 'vitest';
import { heartbeatGrantItem, parseGrants } from '../../../shared/precheck/grants.ts';

const account = "'dts'@'%'";
const hb = { database: 'dts', table: 'dts_heartbeat' };
const status = (lines: string[], exists: boolean) => heartbeatGrantItem(parseGrants(lines), hb, exists, account).status;

describe('the heartbeat grant item', () => {
  it.each<[string, string[], boolean, 'pass' | 'warn']>([
    ['ALL PRIVILEGES on *.*', ['GRANT ALL PRIVILEGES ON *.* TO `dts`@`%`'], false, 'pass'],
    ['the four on the database', ['GRANT SELECT, INSERT, UPDATE, CREATE ON `dts`.* TO `dts`@`%`'], false, 'pass'],
    ['a database wildcard', ['GRANT CREATE, SELECT, INSERT, UPDATE ON `dt%`.* TO `dts`@`%`'], false, 'pass'],
    ['table grants, before the table exists', ['GRANT CREATE, SELECT, INSERT, UPDATE ON `dts`.`dts_heartbeat` TO `dts`@`%`'], false, 'warn'],
    ['table grants, once it exists', ['GRANT SELECT, INSERT, UPDATE ON `dts`.`dts_heartbeat` TO `dts`@`%`'], true, 'pass'],
    ['another table of the database', ['GRANT SELECT, INSERT, UPDATE ON `dts`.`other` TO `dts`@`%`'], true, 'warn'],
    ['a column grant', ['GRANT SELECT, INSERT, UPDATE (`beat_at`) ON `dts`.`dts_heartbeat` TO `dts`@`%`'], true, 'warn'],
  ])('%s', (_what, lines, exists, expected) => {
    expect(status(lines, exists)).toBe(expected);
  });

  it('names only the missing privileges, in the GRANT that adds them', () => {
    expect(heartbeatGrantItem(parseGrants(['GRANT SELECT, INSERT ON `dts`.* TO `dts`@`%`']), hb, false, account)).toEqual({
      id: 'source.privileges.heartbeat',
      status: 'warn',
      message: 'the user lacks CREATE, UPDATE on `dts`.*, needed to create and write the heartbeat table dts.dts_heartbeat: without heartbeats the latency grows while the source is idle',
      fix: "GRANT CREATE, UPDATE ON `dts`.* TO 'dts'@'%' (or set advanced.heartbeat.table to a table the user may write, or advanced.heartbeat: false)",
      subject: ['CREATE', 'UPDATE'],
    });
  });
});
