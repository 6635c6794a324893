/**
 * The local monitor's loop on a real file state and a real receiver: it evaluates every `everyMs`
 * while running (a state change written by another process is notified once, however many
 * evaluations see it), stops with its signal, and `finish()` evaluates once more after the end.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { silentLogger } from '../../../../shared/log.ts';
import { startAlertMonitor } from '../../../../shared/ops/alerts/index.ts';
import { failed, FileTaskStateStore, parseTask, resumed, withStatus } from '../../../../shared/task/index.ts';
import { Secret } from '../../../../shared/task/secret.ts';
import { startAlertReceiver, type AlertReceiver } from '../../../helpers/alert-receiver.ts';

let dir: string;
let receiver: AlertReceiver;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dts-alert-monitor-'));
  receiver = await startAlertReceiver();
});
afterAll(async () => {
  await receiver.close();
  await rm(dir, { recursive: true, force: true });
});

const until = async (check: () => boolean, what: string) => {
  const deadline = Date.now() + 5000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

it('notifies each change once while running, nothing after its signal, and the end through finish()', async () => {
  const task = parseTask(
    parseYaml(`
name: local
source: { host: 127.0.0.1, serverId: 7001 }
objects: [{ database: shop }]
destinations: [{ type: kafka, name: kafka, brokers: [127.0.0.1:19092], topic: t }]
alerts: { webhook: { url: http://127.0.0.1:1/ }, rules: [{ when: failed }, { when: stopped }] }
`),
    'local.yaml',
  );
  const store = new FileTaskStateStore(join(dir, 'state.json'));
  const stop = new AbortController();
  const monitor = startAlertMonitor({ task, webhook: { url: new Secret(`${receiver.url}/hook`), type: 'generic' }, store, queue: null, log: silentLogger, signal: stop.signal, everyMs: 30 });
  const states = () => receiver.received.map((r) => `${String(r.body.state)} ${String(r.body.rule)}`);

  await store.update(failed('reader', { message: 'binlog purged' }));
  await until(() => receiver.received.length === 1, 'FIRING');
  await new Promise((r) => setTimeout(r, 300)); // about ten more evaluations
  await store.update(resumed);
  await until(() => receiver.received.length === 2, 'RESOLVED');
  await new Promise((r) => setTimeout(r, 200));
  expect(states()).toEqual(['FIRING failed', 'RESOLVED failed']);

  stop.abort();
  await store.update(withStatus('STOPPED'));
  await new Promise((r) => setTimeout(r, 200));
  expect(receiver.received).toHaveLength(2); // the loop ended with its signal
  const last = await monitor.finish();
  expect(last.sent).toEqual([{ rule: 'stopped', state: 'FIRING' }]);
  expect(states()).toEqual(['FIRING failed', 'RESOLVED failed', 'FIRING stopped']);
  await store.close();
});
