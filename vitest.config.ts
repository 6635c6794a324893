import { defineConfig } from 'vitest/config';

/**
 * The source matrix: every test runs against the stack's MariaDB (project `mariadb`), and the tests
 * that talk to a source run again against its MySQL 8.0 (project `mysql8`, DTS_SOURCE=mysql8, see
 * test/helpers/stack.ts), so a failure's name says which source it failed on. Tests of what only
 * MySQL 8 writes live in test/mysql8/.
 */
const sourceTests = [
  'test/integration/canal-json-types.test.ts',
  'test/integration/ddl-events.test.ts',
  'test/integration/filter-conditions.test.ts',
  'test/integration/full-sync.test.ts',
  'test/integration/full-sync-values.test.ts',
  'test/integration/heartbeat.test.ts',
  'test/integration/kafka-operation-filters.test.ts',
  'test/integration/kafka-ddl-selection.test.ts',
  'test/integration/objects-reload.test.ts',
  'test/integration/lean-rows-equivalence.test.ts',
  'test/integration/text-rows-equivalence.test.ts',
  'test/integration/precheck.test.ts',
  'test/integration/resume.test.ts',
  'test/integration/source-tls.test.ts',
  'test/e2e/crash-recovery.test.ts',
  'test/e2e/full-sync-crash.test.ts',
  'test/mysql8/**/*.test.ts',
];

// Integration tests share the stack's servers, and the machine has 2 cores: files run one at a
// time (across both projects) so timings and binlog positions stay predictable.
export default defineConfig({
  test: {
    fileParallelism: false,
    // Row records read from the queue equal the plain records they stand for (see the file).
    setupFiles: ['test/helpers/stored-records-equal.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default'],
    projects: [
      { extends: true, test: { name: 'mariadb', include: ['test/**/*.test.ts'], exclude: ['test/mysql8/**'], env: { DTS_SOURCE: 'mariadb' } } },
      { extends: true, test: { name: 'mysql8', include: sourceTests, env: { DTS_SOURCE: 'mysql8' } } },
    ],
  },
});
