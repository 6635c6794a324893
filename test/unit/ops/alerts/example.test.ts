/** The alerts block of examples/reference.yaml loads as documented. */
import { expect, it } from 'vitest';
import { loadTask } from '../../../../shared/task/index.ts';

it('examples/reference.yaml: a signed DingTalk webhook and the three rules of the issue', async () => {
  const task = await loadTask(new URL('../../../../examples/reference.yaml', import.meta.url).pathname);
  expect(task.alerts).toEqual({
    webhook: { url: { env: 'DTS_ALERT_WEBHOOK' }, secret: { env: 'DTS_ALERT_SECRET' }, type: 'dingtalk' },
    rules: [
      { name: 'latency > 30s for 5m', when: 'latency > 30s for 5m', condition: { kind: 'latency', overMs: 30_000 }, forMs: 300_000 },
      { name: 'failed', when: 'failed', condition: { kind: 'status', status: 'FAILED' }, forMs: 0 },
      { name: 'reader stuck', when: 'retrying(reader) > 2m', condition: { kind: 'retrying', stage: 'reader', overMs: 120_000 }, forMs: 0 },
    ],
  });
});
