/**
 * `npm start` runs a bundle (scripts/launch.mjs), where modules that patch zongji's internal classes
 * (geometry-charsets.ts, the lean row decoder) must patch the classes zongji itself runs: a bundled
 * copy would leave zongji's own code in place and silently bring back the defect it fixes. On
 * MariaDB, text columns after a GEOMETRY took the charset of the column before them; here such
 * columns arrive exact through `npm start`, with a UTF-8 value that would not survive latin1.
 */
import { describe, expect, it } from 'vitest';
import { startTaskProcess, writeTaskFile } from '../helpers/cli.ts';
import { consumeMessages, createTopic, stack, tempDir, uniqueName, useDatabase } from '../helpers/stack.ts';

const { db, conn } = useDatabase(
  'npmstart',
  'CREATE TABLE ${db}.t (id INT PRIMARY KEY, g GEOMETRY, c CHAR(4) CHARACTER SET latin1, v VARCHAR(40) CHARACTER SET utf8mb4, b VARBINARY(4)) DEFAULT CHARSET=utf8mb4',
);

describe('npm start (bundled)', () => {
  it('delivers text after a GEOMETRY column exactly, as the source-run reader does', { timeout: 120_000 }, async () => {
    const dir = await tempDir('npmstart');
    const topic = uniqueName('npmstart');
    await createTopic(topic);
    const taskFile = await writeTaskFile(dir, {
      name: 'npm-start-values',
      source: { host: '127.0.0.1', port: stack.mysqlPort, user: 'root', password: '', serverId: 5831 },
      objects: [{ database: db, tables: ['t'] }],
      destinations: [{ type: 'kafka', name: 'kafka', brokers: [stack.kafkaBroker], topic, format: 'canal-json' }],
      queue: { type: 'file', dir: `${dir}/queue` },
    });
    const task = startTaskProcess(taskFile);
    try {
      await task.waitForLog('reader streaming', 60_000);
      await conn().query(`INSERT INTO ${db}.t VALUES (1, ST_GeomFromText('POINT(1 2)'), 'çà', 'héllo ✓ 日本', x'00ff'), (2, NULL, NULL, 'plain', NULL)`);
      const messages = await consumeMessages(topic, 2);
      const rows = messages.flatMap((m) => m.json.data as Record<string, string | null>[]);
      expect(rows.map(({ id, c, v }) => ({ id, c, v }))).toEqual([
        { id: '1', c: 'çà', v: 'héllo ✓ 日本' },
        { id: '2', c: null, v: 'plain' },
      ]);
      expect(messages[0]!.json.mysqlType).toMatchObject({ c: 'char(4)', v: 'varchar(40)' });
    } finally {
      task.child.kill('SIGINT');
      expect((await task.exit).code).toBe(0);
    }
  });
});
