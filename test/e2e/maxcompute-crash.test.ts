/**
 * The MaxCompute deliverer killed with SIGKILL in the two windows of a flush, while a full sync
 * copies and a writer changes rows, then restarted:
 * 1. a commit that took effect on the server, its answer never seen (the relay holds it back and
 *    kills the task): on restart the session is found CLOSED and its rows are not uploaded again;
 * 2. a commit never sent after the note was written (the relay kills the task on the request): on
 *    restart the noted session is committed as it is.
 * In the end `_base` ∪ `_log` merged by the DTS recipe (read through the official Java SDK) equals
 * the source table, and no (record id, before flag) pair is in `_log` twice.
 */
import { readFile } from 'node:fs/promises';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createFileQueue } from '../../shared/queue/file/index.ts';
import { parseNote } from '../../shared/sink/maxcompute/flush-note.ts';
import { startTaskProcess, writeTaskFile, type TaskProcess } from '../helpers/cli.ts';
import { maxComputeDestination, mergeBaseAndLog, readUntil, useLocalMaxCompute } from '../helpers/maxcompute-task.ts';
import { stack, tempDir, useDatabase, waitFor } from '../helpers/stack.ts';

const ROWS = 20_000;
const source = useDatabase('mccrash', 'CREATE TABLE ${db}.items (id INT PRIMARY KEY, name VARCHAR(60), qty INT)');
const mc = useLocalMaxCompute('mccrash');

type Trap = { commits: number; kill: 'after-commit' | 'before-commit'; at: number; victim: TaskProcess } | null;

/** Relays requests to the endpoint; counts tunnel commits and, at the trap's commit, kills the task around it. */
async function startRelay(target: string, trap: () => Trap): Promise<{ url: string; server: Server }> {
  const to = new URL(target);
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const body = Buffer.concat(chunks);
        const isCommit = req.method === 'POST' && /[?&]uploadid=/.test(req.url ?? '') && !req.url!.startsWith('/api');
        const t = isCommit ? trap() : null;
        const hit = t !== null && ++t.commits === t.at;
        if (hit && t.kill === 'before-commit') {
          t.victim.child.kill('SIGKILL');
          await t.victim.exit;
          res.destroy();
          return;
        }
        const out = httpRequest({ host: to.hostname, port: to.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
          const parts: Buffer[] = [];
          answer.on('data', (c: Buffer) => parts.push(c));
          answer.on('end', () => {
            void (async () => {
              if (hit) {
                // The commit took effect; the task dies before it hears so.
                t.victim.child.kill('SIGKILL');
                await t.victim.exit;
                res.destroy();
                return;
              }
              res.writeHead(answer.statusCode ?? 502, answer.headers);
              res.end(Buffer.concat(parts));
            })();
          });
        });
        out.on('error', (err) => res.destroy(err));
        out.end(body);
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`, server };
}

describe('MaxCompute deliverer after SIGKILL', () => {
  it('resumes without committing twice and ends equal to the source', { timeout: 300_000 }, async () => {
    const { db } = source;
    const conn = source.conn();
    for (let i = 0; i < ROWS; i += 2000) await conn.query(`INSERT INTO ${db}.items VALUES ${Array.from({ length: 2000 }, (_, j) => `(${i + j + 1}, 'item-${i + j + 1}', ${j})`).join(',')}`);
    let trap: Trap = null;
    const relay = await startRelay(mc.endpoint(), () => trap);
    onTestFinished(
      () =>
        new Promise<void>((resolve) => {
          relay.server.closeAllConnections();
          relay.server.close(() => resolve());
        }),
    );
    const dir = await tempDir('mccrash');
    const taskFile = await writeTaskFile(dir, {
      name: 'mccrash',
      source: { host: '127.0.0.1', port: stack.mysqlPort, user: 'root', password: '', serverId: 5702 },
      objects: [{ database: db, tables: ['items'] }],
      destinations: [maxComputeDestination(relay.url, { flush: { maxRows: 1500, maxMegabytes: 64, maxSeconds: 1 } })],
      queue: { type: 'file', dir: `${dir}/queue` },
      syncTypes: ['full', 'incremental'],
      fullSync: { chunkRows: 500, workers: 1, throttle: { rowsPerSecond: 4000 } },
    });

    let writing = true;
    let changes = 0;
    let next = ROWS + 1;
    const writer = (async () => {
      while (writing) {
        const id = 1 + Math.floor(Math.random() * (next - 1));
        const dice = Math.random();
        if (dice < 0.6) await conn.query(`UPDATE ${db}.items SET qty = qty + 1, name = CONCAT(name, '+') WHERE id = ${id}`);
        else if (dice < 0.8) await conn.query(`DELETE FROM ${db}.items WHERE id = ${id}`);
        else await conn.query(`INSERT INTO ${db}.items VALUES (${next++}, 'new', NULL)`);
        changes++;
        await new Promise((r) => setTimeout(r, 3));
      }
    })();
    onTestFinished(async () => {
      writing = false;
      await writer.catch(() => {});
    });

    const noteSessions = async () => {
      const queue = await createFileQueue(join(dir, 'queue'), { consumers: [], writer: false });
      try {
        return parseNote(await queue.readNote('mc'), 'mc')?.sessions.length ?? 0;
      } finally {
        await queue.close();
      }
    };

    // 1. Killed once its third commit took effect on the server, before the answer reached it.
    const first = startTaskProcess(taskFile);
    trap = { commits: 0, kill: 'after-commit', at: 3, victim: first };
    expect((await first.exit).signal).toBe('SIGKILL');
    expect(await noteSessions(), 'the note still lists the sessions of the flush cut short').toBeGreaterThan(0);

    // 2. Restarted: it confirms that flush, goes on, and is killed as it is about to send a commit.
    const second = startTaskProcess(taskFile);
    trap = { commits: 0, kill: 'before-commit', at: 2, victim: second };
    expect((await second.exit).signal).toBe('SIGKILL');
    expect(second.stderr()).toContain('resumed after an unconfirmed MaxCompute flush');
    expect(await noteSessions()).toBeGreaterThan(0);

    // 3. Restarted again, left to finish.
    trap = null;
    const third = startTaskProcess(taskFile);
    onTestFinished(async () => {
      third.child.kill('SIGKILL');
      await third.exit;
    });
    await third.waitForLog('resumed after an unconfirmed MaxCompute flush', 60_000);
    const stateFile = join(dir, 'queue', 'state.json');
    await waitFor(
      async () => (JSON.parse(await readFile(stateFile, 'utf8').catch(() => '{}')) as { fullSync?: { completed: boolean } }).fullSync?.completed === true,
      90_000,
      'the full sync complete',
    ).catch((err: Error) => {
      throw new Error(`${err.message}; the task's log:\n${third.stderr().slice(-3000)}`);
    });
    await new Promise((r) => setTimeout(r, 500));
    writing = false;
    await writer;

    const [rows] = (await conn.query(`SELECT id, name, qty FROM ${db}.items ORDER BY id`)) as unknown as [{ id: number; name: string; qty: number | null }[]];
    const expected = new Map(rows.map((r) => [String(r.id), { id: String(r.id), name: r.name, qty: r.qty === null ? null : String(r.qty) }]));
    const judge = mc.judge();
    const same = (got: Map<string, unknown>) => got.size === expected.size && [...expected].every(([k, v]) => JSON.stringify(got.get(k)) === JSON.stringify(v));
    const read = async () => ({ base: await judge.read('items_base'), log: await judge.read('items_log') });
    // On time-out the last read goes on to the checks below, which name the rows that differ.
    const { base, log } = await readUntil(read, ({ base, log }) => same(mergeBaseAndLog(base, log, (v) => v.id as string)), 90_000, 'the merged tables equal to the source').catch(read);
    third.child.kill('SIGTERM');
    expect((await third.exit).code).toBe(0);

    const merged = mergeBaseAndLog(base, log, (v) => v.id as string);
    const differing = [...new Set([...expected.keys(), ...merged.keys()])].filter((k) => JSON.stringify(merged.get(k)) !== JSON.stringify(expected.get(k)));
    expect(
      differing.slice(0, 20).map((k) => ({ key: k, merged: merged.get(k) ?? null, source: expected.get(k) ?? null })),
      `${differing.length} rows differ; the task's log:\n${third.stderr().slice(-2000)}`,
    ).toEqual([]);
    const pairs = log.map((r) => `${r.values.new_dts_sync_record_id as string}/${r.values.new_dts_sync_before_flag as string}`);
    expect(pairs.length - new Set(pairs).size, 'no (record id, before flag) twice in _log').toBe(0);
    // A flush committed twice would repeat up to 1,500 rows; a resumed copy repeats at most the chunks in flight (500 each).
    const copies = new Map<string, number>();
    for (const r of base) copies.set(r.values.id as string, (copies.get(r.values.id as string) ?? 0) + 1);
    const repeated = [...copies.values()].reduce((n, c) => n + c - 1, 0);
    expect(repeated).toBeLessThanOrEqual(2 * 500);
    console.log(`maxcompute crash: ${ROWS} rows, ${changes} changes, ${base.length} _base rows (${repeated} copied again), ${log.length} _log rows, ${expected.size} rows at the end`);
  });
});
