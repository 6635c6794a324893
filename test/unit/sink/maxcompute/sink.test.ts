/**
 * The MaxCompute sink over an in-memory MaxCompute (fake-client.ts): schema sync, rows per
 * operation, the flush triggers, acknowledgements, ADD COLUMN and other shape changes, retries
 * and the recovery after a crash at each step of a flush (rows committed exactly once).
 */
import { describe, expect, it, vi } from 'vitest';
import { ErrorCodes } from '../../../../shared/errors.ts';
import { silentLogger, type Logger } from '../../../../shared/log.ts';
import type { ChangeRecord, DdlRecord, Row, RowRecord, SourceInfo, TableSchema } from '../../../../shared/record/index.ts';
import { RecordTooLargeError } from '../../../../shared/sink/errors.ts';
import { createMaxComputeSink, type ResolvedMaxComputeConfig } from '../../../../shared/sink/maxcompute/index.ts';
import { parseNote } from '../../../../shared/sink/maxcompute/flush-note.ts';
import type { Acknowledgement, Sink, SinkCheckpoint } from '../../../../shared/sink/types.ts';
import { Secret } from '../../../../shared/task/secret.ts';
import { column } from '../../../helpers/columns.ts';
import { FakeMaxCompute } from './fake-client.ts';
import { failFrom, failOnce } from './fake-tunnel.ts';

const T0 = Date.UTC(2026, 0, 9, 5, 7, 30); // 2026-01-09 05:07:30 UTC

function config(overrides: Partial<ResolvedMaxComputeConfig> = {}): ResolvedMaxComputeConfig {
  return {
    type: 'maxcompute',
    name: 'mc',
    endpoint: 'http://127.0.0.1:1/api',
    project: 'dts_demo',
    accessKeyId: new Secret('ak'),
    accessKeySecret: new Secret('sk'),
    namingRule: 'new',
    partitionKeys: ['year', 'month', 'day', 'hour'],
    flush: { maxRows: 1000, maxMegabytes: 64, maxSeconds: 30 },
    timeoutMs: 10_000,
    ...overrides,
  };
}

const ITEMS: TableSchema = { database: 'shop', table: 'items', pkNames: ['id'], columns: [column('id', 'int(11)', { key: true, nullable: false }), column('name', 'varchar(20)')] };
const ITEMS_QTY: TableSchema = { ...ITEMS, columns: [...ITEMS.columns, column('qty', 'int(11)')] };
const ITEMS_NO_NAME: TableSchema = { ...ITEMS, columns: [ITEMS.columns[0]!] };

function source(ms: number, position = 100): SourceInfo {
  return { serverId: 1, file: 'binlog.000007', position, gtid: null, timestampMs: ms, txId: '1' };
}

let nextId = 1;
function rec(op: RowRecord['op'], before: Row | null, after: Row | null, options: { schema?: TableSchema; ms?: number; id?: number } = {}): RowRecord {
  return { id: options.id ?? nextId++, seq: 0, source: source(options.ms ?? T0), op, schema: options.schema ?? ITEMS, before, after };
}
function ddl(sql: string, kind: DdlRecord['kind'] = 'ALTER_TABLE', id = nextId++): DdlRecord {
  return { id, seq: 0, source: source(T0, 4242), op: 'DDL', kind, database: 'shop', table: 'items', sql };
}

function memoryCheckpoint(): SinkCheckpoint & { notes: (string | null)[] } {
  const notes: (string | null)[] = [];
  return { notes, read: async () => notes.at(-1) ?? null, write: async (note) => void notes.push(note) };
}

function captureLog(): Logger & { lines: { level: string; message: string; fields?: Record<string, unknown> }[] } {
  const lines: { level: string; message: string; fields?: Record<string, unknown> }[] = [];
  const log = {
    lines,
    debug: (message: string, fields?: Record<string, unknown>) => void lines.push({ level: 'debug', message, fields }),
    info: (message: string, fields?: Record<string, unknown>) => void lines.push({ level: 'info', message, fields }),
    warn: (message: string, fields?: Record<string, unknown>) => void lines.push({ level: 'warn', message, fields }),
    error: (message: string, fields?: Record<string, unknown>) => void lines.push({ level: 'error', message, fields }),
    child: () => log,
  };
  return log;
}

interface Setup {
  server: FakeMaxCompute;
  checkpoint: ReturnType<typeof memoryCheckpoint>;
  clock: { ms: number };
  newSink(overrides?: Partial<ResolvedMaxComputeConfig>, log?: Logger): Promise<Sink>;
}

function setup(server = new FakeMaxCompute(), checkpoint = memoryCheckpoint()): Setup {
  const clock = { ms: 1_000_000 };
  return {
    server,
    checkpoint,
    clock,
    async newSink(overrides = {}, log: Logger = silentLogger) {
      const sink = createMaxComputeSink(config(overrides), { log, checkpoint, client: server, now: () => clock.ms, sleep: async () => {} });
      await sink.connect();
      return sink;
    },
  };
}

/** The business values of `_log` rows with their metadata (id, flag, before, after), bigints as numbers. */
function logRows(server: FakeMaxCompute, table = 'items_log') {
  return server.rows(table).map(({ partition, values }) => ({
    partition,
    meta: [Number(values[0]), values[1], Number(values[2]), values[3], values[4]],
    data: values.slice(5).map((v) => (typeof v === 'bigint' ? Number(v) : v)),
  }));
}
function baseRows(server: FakeMaxCompute, table = 'items_base') {
  return server.rows(table).map(({ values }) => values.map((v) => (typeof v === 'bigint' ? Number(v) : v)));
}
function ok(ack: Acknowledgement): number {
  if (ack.failure !== undefined) throw ack.failure;
  return ack.acknowledgedThrough;
}

describe('MaxCompute sink', () => {
  it('creates _base and _log on the first row of a table, once, and writes each operation as DTS does', async () => {
    nextId = 1;
    const { server, newSink } = await setup();
    const sink = await newSink();
    const records: ChangeRecord[] = [
      rec('INIT', null, [1, 'apple']),
      rec('INIT', null, [2, 'pear']),
      rec('INSERT', null, [3, 'plum'], { ms: T0 + 1500 }),
      rec('UPDATE', [1, 'apple'], [1, 'green apple'], { ms: T0 + 3_600_000 }),
      rec('DELETE', [2, 'pear'], null, { ms: T0 + 3_600_000 }),
    ];
    expect(ok(await sink.deliver(records))).toBe(0); // buffered, nothing committed yet
    expect(server.sql).toEqual([
      "CREATE TABLE IF NOT EXISTS `items_base` (`id` INT COMMENT 'int(11)', `name` STRING COMMENT 'varchar(20)');",
      "CREATE TABLE IF NOT EXISTS `items_log` (`new_dts_sync_record_id` BIGINT, `new_dts_sync_operation_flag` STRING, `new_dts_sync_utc_timestamp` BIGINT, `new_dts_sync_before_flag` STRING, `new_dts_sync_after_flag` STRING, `id` INT COMMENT 'int(11)', `name` STRING COMMENT 'varchar(20)') PARTITIONED BY (`new_dts_sync_modifytime_year` STRING, `new_dts_sync_modifytime_month` STRING, `new_dts_sync_modifytime_day` STRING, `new_dts_sync_modifytime_hour` STRING);",
    ]);
    expect(ok(await sink.deliver([], { flush: true }))).toBe(5);
    expect(baseRows(server)).toEqual([
      [1, 'apple'],
      [2, 'pear'],
    ]);
    const s = Math.floor(T0 / 1000);
    expect(logRows(server)).toEqual([
      { partition: '2026/01/09/05', meta: [3, 'I', s + 1, 'N', 'Y'], data: [3, 'plum'] },
      { partition: '2026/01/09/06', meta: [4, 'U', s + 3600, 'Y', 'N'], data: [1, 'apple'] },
      { partition: '2026/01/09/06', meta: [4, 'U', s + 3600, 'N', 'Y'], data: [1, 'green apple'] },
      { partition: '2026/01/09/06', meta: [5, 'D', s + 3600, 'Y', 'N'], data: [2, 'pear'] },
    ]);
    // One session per (table, partition), each committed once.
    expect(server.tunnelClient.calls.filter((c) => c.op === 'commit').map((c) => c.table)).toEqual(['items_base', 'items_log', 'items_log']);
    // Later rows of the known table: no more schema requests.
    const gets = server.gets.length;
    expect(ok(await sink.deliver([rec('INSERT', null, [9, 'fig'])], { flush: true }))).toBe(6);
    expect([server.gets.length, server.sql.length]).toEqual([gets, 2]);
  });

  it('old naming rule, other partition levels', async () => {
    nextId = 1;
    const { server, newSink } = await setup();
    const sink = await newSink({ namingRule: 'old', partitionKeys: ['day', 'minute'] });
    expect(ok(await sink.deliver([rec('INSERT', null, [1, 'a'])], { flush: true }))).toBe(1);
    expect(server.tables.get('items_log')).toEqual({
      columns: [
        { name: 'record_id', type: 'BIGINT' },
        { name: 'operation_flag', type: 'STRING' },
        { name: 'utc_timestamp', type: 'BIGINT' },
        { name: 'before_flag', type: 'STRING' },
        { name: 'after_flag', type: 'STRING' },
        { name: 'id', type: 'INT' },
        { name: 'name', type: 'STRING' },
      ],
      partitionKeys: [
        { name: 'modifytime_day', type: 'STRING' },
        { name: 'modifytime_minute', type: 'STRING' },
      ],
    });
    expect(logRows(server)).toEqual([{ partition: '09/07', meta: [1, 'I', Math.floor(T0 / 1000), 'N', 'Y'], data: [1, 'a'] }]);
  });

  it('flushes at maxRows inside a call, at maxSeconds on an idle call, and acknowledges only what is committed', async () => {
    nextId = 1;
    const { server, clock, newSink } = await setup();
    const sink = await newSink({ flush: { maxRows: 3, maxMegabytes: 64, maxSeconds: 30 } });
    // UPDATE writes two rows: rows 1,2 (INSERT 1, INSERT 2) + 2 rows of the UPDATE reach 4 ≥ 3 at record 3.
    // The flush uploads in the background while the call goes on: nothing is acknowledged before its commit.
    const ack = ok(await sink.deliver([rec('INSERT', null, [1, 'a']), rec('INSERT', null, [2, 'b']), rec('UPDATE', [1, 'a'], [1, 'c']), rec('INSERT', null, [4, 'd'])]));
    expect(ack).toBe(0);
    await vi.waitFor(() => expect(logRows(server).map((r) => r.meta[0])).toEqual([1, 2, 3, 3]));
    // The next call (the loop ticks an idle sink) settles the finished upload.
    expect(ok(await sink.deliver([]))).toBe(3);
    clock.ms += 29_999;
    expect(ok(await sink.deliver([]))).toBe(3);
    clock.ms += 1;
    expect(ok(await sink.deliver([]))).toBe(4);
    expect(logRows(server).map((r) => r.meta[0])).toEqual([1, 2, 3, 3, 4]);
  });

  it('flushes at maxMegabytes of encoded rows', async () => {
    nextId = 1;
    const { server, newSink } = await setup();
    const sink = await newSink({ flush: { maxRows: 100_000, maxMegabytes: 1, maxSeconds: 30 } });
    const big = 'x'.repeat(300_000);
    const records = [1, 2, 3, 4].map((i) => rec('INIT', null, [i, big.slice(0, 20)]));
    const schema: TableSchema = { ...ITEMS, columns: [ITEMS.columns[0]!, column('name', 'text')] };
    const large = [5, 6, 7, 8].map((i) => rec('INIT', null, [i, big], { schema }));
    expect(ok(await sink.deliver(records))).toBe(0);
    // 4 × 300 kB crosses 1 MiB at the fourth large row: one flush through record 8, acknowledged once committed.
    expect(ok(await sink.deliver(large))).toBe(0);
    await vi.waitFor(() => expect(baseRows(server).map((r) => r[0])).toEqual([1, 2, 3, 4, 5, 6, 7, 8]));
    expect(ok(await sink.deliver([]))).toBe(8);
  });

  it('acknowledges DDL and other records that write nothing at once when nothing is buffered, and logs other DDL kinds', async () => {
    nextId = 1;
    const log = captureLog();
    const { server, newSink } = await setup();
    const sink = await newSink({}, log);
    expect(ok(await sink.deliver([ddl('CREATE INDEX i ON items (name)', 'CREATE_INDEX'), ddl('ALTER TABLE items ADD INDEX j (id)')]))).toBe(2);
    expect(ok(await sink.deliver([rec('INSERT', null, [1, 'a']), ddl('TRUNCATE TABLE items', 'TRUNCATE_TABLE')]))).toBe(2);
    expect(ok(await sink.deliver([], { flush: true }))).toBe(4);
    expect(server.tunnelClient.committed).toHaveLength(1);
    const ddlLines = log.lines.filter((l) => l.message.startsWith('DDL not synchronized'));
    expect(ddlLines.map((l) => l.fields)).toEqual([
      { kind: 'CREATE_INDEX', table: 'shop.items', position: 'binlog.000007:4242 row 0' },
      { kind: 'TRUNCATE_TABLE', table: 'shop.items', position: 'binlog.000007:4242 row 0' },
    ]);
    // Never a row value in any log line.
    expect(JSON.stringify(log.lines)).not.toMatch(/"a"/);
  });

  it('records handed again (a retry, a restart before the cursor moved) are not written twice', async () => {
    nextId = 1;
    const { server, newSink } = await setup();
    const sink = await newSink();
    const batch = [rec('INSERT', null, [1, 'a']), rec('INSERT', null, [2, 'b'])];
    ok(await sink.deliver(batch));
    ok(await sink.deliver(batch)); // the loop hands them again: already buffered
    expect(ok(await sink.deliver([], { flush: true }))).toBe(2);
    expect(ok(await sink.deliver(batch, { flush: true }))).toBe(2);
    expect(logRows(server).map((r) => r.data)).toEqual([
      [1, 'a'],
      [2, 'b'],
    ]);
  });

  it('ADD COLUMN at the end: the old shape is committed first, then both tables gain the column and later rows carry it', async () => {
    nextId = 1;
    const log = captureLog();
    const { server, newSink } = await setup();
    const sink = await newSink({}, log);
    ok(await sink.deliver([rec('INIT', null, [1, 'a']), rec('INSERT', null, [2, 'b'])]));
    const alter = ddl('ALTER TABLE items ADD COLUMN qty INT');
    ok(await sink.deliver([alter, rec('INSERT', null, [3, 'c', 7], { schema: ITEMS_QTY }), rec('INIT', null, [4, 'd', null], { schema: ITEMS_QTY })]));
    expect(ok(await sink.deliver([], { flush: true }))).toBe(5);
    expect(server.sql.slice(2)).toEqual(["ALTER TABLE `items_base` ADD COLUMNS (`qty` INT COMMENT 'int(11)');", "ALTER TABLE `items_log` ADD COLUMNS (`qty` INT COMMENT 'int(11)');"]);
    // The rows before the change were committed before the ALTER (two commits), the rest after.
    const ops = server.tunnelClient.calls.map((c) => c.op).join(' ');
    expect(ops).toBe('create put create put commit commit create put create put commit commit');
    expect(server.tables.get('items_base')!.columns.map((c) => c.name)).toEqual(['id', 'name', 'qty']);
    expect(baseRows(server)).toEqual([
      [1, 'a', null],
      [4, 'd', null],
    ]);
    expect(logRows(server).map((r) => r.data)).toEqual([
      [2, 'b', null],
      [3, 'c', 7],
    ]);
    expect(log.lines.find((l) => l.message === 'added columns to the MaxCompute tables')?.fields).toEqual({ table: 'shop.items', columns: 'qty', tables: 'items_base,items_log' });
  });

  it('a change MaxCompute cannot follow (DROP COLUMN) stops with the statement and its position; nothing after is acknowledged', async () => {
    nextId = 1;
    const { server, newSink } = await setup();
    const sink = await newSink();
    ok(await sink.deliver([rec('INSERT', null, [1, 'a'])]));
    const drop = ddl('ALTER TABLE items\n  DROP COLUMN name');
    const ack = await sink.deliver([drop, rec('INSERT', null, [2], { schema: ITEMS_NO_NAME })]);
    // What came before the change was flushed and is acknowledged, with the DDL; nothing after.
    expect(ack.acknowledgedThrough).toBe(2);
    expect(logRows(server).map((r) => r.data)).toEqual([[1, 'a']]);
    expect(ack.failure).toMatchObject({
      code: ErrorCodes.MAXCOMPUTE_SCHEMA_CHANGE,
      retriable: false,
      message:
        'the columns of shop.items changed from (`id` INT, `name` STRING) to (`id` INT), which MaxCompute destination "mc" cannot follow (only ADD COLUMN at the end of a table is synchronized to MaxCompute); ' +
        'the last DDL on it was `ALTER TABLE items DROP COLUMN name` at binlog.000007:4242 row 0; the first row in the new shape is at binlog.000007:100 row 0. ' +
        'Undo the change on the source, or start the destination over (a new destination name and a full sync) into tables of the new shape',
      context: { sink: 'mc', database: 'shop', table: 'items', position: 'binlog.000007:4242 row 0' },
    });
    expect(server.sql.filter((s) => s.startsWith('ALTER'))).toEqual([]);
    // A column added somewhere other than the end is refused the same way.
    const sink2 = await setup().newSink();
    ok(await sink2.deliver([rec('INSERT', null, [1, 'a'])]));
    const first: TableSchema = { ...ITEMS, columns: [column('qty', 'int(11)'), ...ITEMS.columns] };
    expect((await sink2.deliver([rec('INSERT', null, [1, 2, 'b'], { schema: first })])).failure).toMatchObject({
      message: expect.stringContaining('no DDL on it was read since the destination started'),
    });
  });

  it('an existing table of another shape is a precheck error naming both shapes; a narrower one of this task gains the columns', async () => {
    nextId = 1;
    const server = new FakeMaxCompute();
    server.tables.set('items_base', {
      columns: [
        { name: 'id', type: 'BIGINT' },
        { name: 'name', type: 'STRING' },
      ],
      partitionKeys: [],
    });
    const sink = await setup(server).newSink();
    const ack = await sink.deliver([rec('INIT', null, [1, 'a'])]);
    expect(ack).toMatchObject({ acknowledgedThrough: 0, failure: { retriable: false, context: { sink: 'mc', database: 'shop', table: 'items', destinationTable: 'items_base' } } });
    expect((ack.failure as Error).message).toBe(
      'precheck of shop.items for MaxCompute destination "mc": MaxCompute table items_base exists with another shape: it has (`id` BIGINT, `name` STRING), but this task writes (`id` INT, `name` STRING); ' +
        'drop or rename the existing table (it may come from a task with another namingRule or partitionKeys), or write to another project, and restart the task',
    );
    expect(server.sql).toEqual([]);

    const narrower = new FakeMaxCompute();
    narrower.tables.set('items_base', {
      columns: [
        { name: 'id', type: 'INT' },
        { name: 'name', type: 'STRING' },
      ],
      partitionKeys: [],
    });
    const sink2 = await setup(narrower).newSink();
    expect(ok(await sink2.deliver([rec('INIT', null, [1, 'a', 5], { schema: ITEMS_QTY })], { flush: true }))).toBe(nextId - 1);
    expect(narrower.sql[0]).toBe("ALTER TABLE `items_base` ADD COLUMNS (`qty` INT COMMENT 'int(11)');");
    expect(baseRows(narrower)).toEqual([[1, 'a', 5]]);
  });

  it('a cell above 8 MiB stops with RecordTooLargeError naming table, key and position', async () => {
    nextId = 1;
    const { server, newSink } = setup();
    const sink = await newSink();
    const schema: TableSchema = { ...ITEMS, columns: [ITEMS.columns[0]!, column('name', 'longtext')] };
    const ack = await sink.deliver([rec('INSERT', null, [1, 'a']), rec('INSERT', null, [7, 'x'.repeat(8 * 1024 * 1024 + 1)], { schema })]);
    // The record before is made durable; nothing of the oversize one is written.
    expect(ack.acknowledgedThrough).toBe(1);
    expect(logRows(server).map((r) => r.data)).toEqual([[1, 'a']]);
    expect(ack.failure).toBeInstanceOf(RecordTooLargeError);
    expect((ack.failure as Error).message).toMatch(
      /^INSERT of shop\.items primary key \(id\) at binlog\.000007:100 row 0 encodes to 8388609 bytes, above the 8388608-byte limit; MaxCompute stores at most 8388608 bytes in a cell \(column name\)/,
    );
  });

  it('a failed flush is retried by a new sink (as the delivery loop does): no row twice', async () => {
    nextId = 1;
    const { server, newSink } = await setup();
    const records = [rec('INSERT', null, [1, 'a']), rec('INSERT', null, [2, 'b'], { ms: T0 + 3_600_000 })];
    server.tunnelClient.fail = failOnce((c) => c.op === 'put' && c.table === 'items_log' && c.uploadId === 'up2');
    const first = await newSink();
    const ack = await first.deliver(records, { flush: true });
    expect(ack).toMatchObject({ acknowledgedThrough: 0, failure: { retriable: true } });
    await first.close();
    const second = await newSink();
    expect(ok(await second.deliver(records, { flush: true }))).toBe(2);
    expect(logRows(server).map((r) => r.data)).toEqual([
      [1, 'a'],
      [2, 'b'],
    ]);
  });

  describe('after a crash during a flush', () => {
    const batch = () => {
      nextId = 1;
      return [rec('INIT', null, [1, 'a']), rec('INSERT', null, [2, 'b']), rec('INSERT', null, [3, 'c'], { ms: T0 + 3_600_000 }), rec('UPDATE', [2, 'b'], [2, 'bb'])];
    };
    /** Runs a flush that "crashes" (the process stops) at the first call matching `at`. */
    async function crashAt(at: (c: { op: string; table: string; uploadId?: string }) => boolean, after = false): Promise<Setup> {
      const s = setup();
      s.server.tunnelClient.fail = failFrom(at, after);
      const sink = await s.newSink();
      const ack = await sink.deliver(batch(), { flush: true });
      expect(ack.failure).toBeDefined();
      s.server.tunnelClient.fail = () => {};
      return s;
    }
    const allRows = (server: FakeMaxCompute) => [...baseRows(server).map((r) => ['base', ...r]), ...logRows(server).map((r) => [r.meta[0], r.meta[3], ...r.data])];
    const expected = [
      ['base', 1, 'a'],
      [2, 'N', 2, 'b'],
      [4, 'Y', 2, 'b'],
      [4, 'N', 2, 'bb'],
      [3, 'N', 3, 'c'],
    ];

    it('before the note: nothing committed, everything uploaded again', async () => {
      const s = await crashAt((c) => c.op === 'put' && c.uploadId === 'up3');
      expect(s.checkpoint.notes).toEqual([]);
      const sink = await s.newSink();
      expect(ok(await sink.deliver(batch(), { flush: true }))).toBe(4);
      expect(allRows(s.server)).toEqual(expected);
    });

    it('between the note and the commits: the noted sessions are committed on restart and nothing is uploaded again', async () => {
      const s = await crashAt((c) => c.op === 'commit');
      const puts = s.server.tunnelClient.calls.filter((c) => c.op === 'put').length;
      const sink = await s.newSink();
      expect(s.server.tunnelClient.calls.filter((c) => c.op === 'commit').map((c) => c.uploadId)).toEqual(['up1', 'up1', 'up2', 'up3']);
      expect(ok(await sink.deliver(batch(), { flush: true }))).toBe(4);
      expect(s.server.tunnelClient.calls.filter((c) => c.op === 'put')).toHaveLength(puts);
      expect(allRows(s.server)).toEqual(expected);
      expect(parseNote(s.checkpoint.notes.at(-1)!, 'mc')).toEqual({ after: 0, through: 4, sessions: [] });
    });

    it('between a commit and the cursor write (commit answer lost): found CLOSED, never committed twice', async () => {
      const s = await crashAt((c) => c.op === 'commit' && c.uploadId === 'up3', true);
      const sink = await s.newSink();
      expect(ok(await sink.deliver(batch(), { flush: true }))).toBe(4);
      expect(s.server.tunnelClient.calls.filter((c) => c.op === 'commit').map((c) => c.uploadId)).toEqual(['up1', 'up2', 'up3']);
      expect(allRows(s.server)).toEqual(expected);
    });

    it('a noted session the server dropped: only its group is uploaded again, in a flush of its own', async () => {
      const s = await crashAt((c) => c.op === 'commit' && c.uploadId === 'up2');
      s.server.tunnelClient.expire('up2'); // items_log 05h: records 2 and 4
      const log = captureLog();
      const sink = await s.newSink({}, log);
      expect(log.lines.find((l) => l.message === 'resumed after an unconfirmed MaxCompute flush')?.fields).toEqual({ through: 4, sessions: 3, committedBefore: 1, committedNow: 1, uploadAgain: 1 });
      // Handed again from before the flush, then a new record: the redo flush covers 1…4 only.
      const later = rec('INSERT', null, [5, 'e'], { id: 5 });
      expect(ok(await sink.deliver([...batch(), later], { flush: true }))).toBe(5);
      // items_base (committed before the crash), items_log 06h (committed on restart), the redo of 05h, then record 5.
      expect(allRows(s.server)).toEqual([
        ['base', 1, 'a'],
        [3, 'N', 3, 'c'],
        [2, 'N', 2, 'b'],
        [4, 'Y', 2, 'b'],
        [4, 'N', 2, 'bb'],
        [5, 'N', 5, 'e'],
      ]);
      const notes = s.checkpoint.notes.map((n) => parseNote(n, 'mc')!);
      expect(notes.map((n) => [n.after, n.through, n.sessions.map((x) => x.table)])).toEqual([
        [0, 4, ['items_base', 'items_log', 'items_log']], // the crashed flush
        [1, 4, ['items_log']], // the redo: only the dropped group (record 1 was skipped as committed)
        [1, 4, []],
        [4, 5, ['items_log']],
        [4, 5, []],
      ]);
    });

    it('a noted session the server no longer knows (404) is treated as dropped: its group is uploaded again', async () => {
      const s = await crashAt((c) => c.op === 'commit');
      s.server.tunnelClient.sessions.delete('up3');
      const sink = await s.newSink();
      expect(ok(await sink.deliver(batch(), { flush: true }))).toBe(4);
      expect(allRows(s.server)).toEqual(expected);
    });
  });
});
