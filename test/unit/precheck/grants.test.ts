/** SHOW GRANTS lines → privilege items: global, database (with wildcards), table and column grants, roles. */
import { describe, expect, it } from 'vitest';
import { grantItems, parseGrants } from '../../../shared/precheck/grants.ts';

const account = "'dts'@'%'";
const objects = [
  { database: 'shop', table: '*' },
  { database: 'crm', table: 'users' },
];

describe('grant items', () => {
  it('pass for ALL PRIVILEGES on *.* (MariaDB root) and for MySQL 8 root', () => {
    const items = grantItems(
      parseGrants(['GRANT ALL PRIVILEGES ON *.* TO `root`@`127.0.0.1` WITH GRANT OPTION', 'GRANT PROXY ON ``@`%` TO `root`@`127.0.0.1` WITH GRANT OPTION']),
      objects,
      true,
      account,
    );
    expect(items.map((f) => [f.id, f.status])).toEqual([
      ['source.privileges.replication', 'pass'],
      ['source.privileges.select', 'pass'],
    ]);
    const mysqlRoot = grantItems(
      parseGrants(['GRANT SELECT, INSERT, REPLICATION SLAVE, REPLICATION CLIENT, SHOW VIEW ON *.* TO `root`@`localhost`', 'GRANT BINLOG_ADMIN,SYSTEM_USER ON *.* TO `root`@`localhost`']),
      objects,
      false,
      account,
    );
    expect(mysqlRoot.map((f) => f.status)).toEqual(['pass', 'pass']);
  });

  it('accepts MariaDB BINLOG MONITOR for REPLICATION CLIENT, database wildcards and table grants', () => {
    const set = parseGrants(['GRANT REPLICATION SLAVE, BINLOG MONITOR ON *.* TO `dts`@`%`', 'GRANT SELECT ON `sh\\_%`.* TO `dts`@`%`', 'GRANT SELECT, INSERT ON `crm`.`users` TO `dts`@`%`']);
    expect(
      grantItems(
        set,
        [
          { database: 'sh_op', table: '*' },
          { database: 'crm', table: 'users' },
        ],
        true,
        account,
      ).map((f) => f.status),
    ).toEqual(['pass', 'pass']);
    // `sh\_%` matches a literal underscore only
    expect(grantItems(set, [{ database: 'shxop', table: '*' }], true, account)[1]?.status).toBe('fail');
  });

  it('fails with the GRANT statements that fix it; a column grant is not SELECT on the table', () => {
    const set = parseGrants(["GRANT USAGE ON *.* TO `dts`@`%` IDENTIFIED BY PASSWORD '*ABC'", 'GRANT SELECT (`id`, `name`) ON `crm`.`users` TO `dts`@`%`']);
    expect(grantItems(set, objects, false, account)).toEqual([
      {
        id: 'source.privileges.replication',
        status: 'fail',
        message: 'the user lacks REPLICATION SLAVE and REPLICATION CLIENT on *.*, needed to read the binlog',
        fix: "GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO 'dts'@'%'",
        subject: ['REPLICATION SLAVE', 'REPLICATION CLIENT'],
      },
      {
        id: 'source.privileges.select',
        status: 'fail',
        message: 'the user lacks SELECT on `shop`.*, `crm`.`users`',
        fix: "GRANT SELECT ON `shop`.* TO 'dts'@'%'; GRANT SELECT ON `crm`.`users` TO 'dts'@'%'",
        subject: ['`shop`.*', '`crm`.`users`'],
      },
    ]);
  });

  it('a database-level ALL does not give replication; missing privileges with roles granted are warnings', () => {
    const set = parseGrants(['GRANT ALL PRIVILEGES ON `shop`.* TO `dts`@`%`', 'GRANT `dts_role`@`%` TO `dts`@`%`']);
    const items = grantItems(set, [{ database: 'shop', table: '*' }], false, account);
    expect(items.map((f) => [f.id, f.status])).toEqual([
      ['source.privileges.replication', 'warn'],
      ['source.privileges.select', 'pass'],
    ]);
    expect(items[0]).toEqual({
      id: 'source.privileges.replication',
      status: 'warn',
      message: 'the user lacks REPLICATION SLAVE and REPLICATION CLIENT on *.*, needed to read the binlog (privileges granted through roles are not listed by SHOW GRANTS: check them by hand)',
      fix: "GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO 'dts'@'%'",
      subject: ['REPLICATION SLAVE', 'REPLICATION CLIENT'],
    });
  });
});
