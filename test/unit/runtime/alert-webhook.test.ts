/** The runtime resolves the alert webhook's secrets; a missing variable or a URL that is not http(s) is a task file error that does not show the value. */
import { expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { alertWebhookOf } from '../../../shared/runtime/compose.ts';
import { parseTask, TaskConfigError } from '../../../shared/task/index.ts';

const taskWith = (webhook: string) =>
  parseTask(
    parseYaml(`
name: t
source: { host: 127.0.0.1, serverId: 7001 }
objects: [{ database: shop }]
destinations: [{ type: kafka, name: kafka, brokers: [127.0.0.1:19092], topic: t }]
alerts: { webhook: ${webhook}, rules: [{ when: failed }] }
`),
    't.yaml',
  );

it('resolves url and secret from the environment, as Secrets', () => {
  process.env.DTS_TEST_HOOK_URL = 'https://oapi.dingtalk.com/robot/send?access_token=tok-resolved';
  process.env.DTS_TEST_HOOK_SECRET = 'SEC-resolved';
  try {
    const webhook = alertWebhookOf(taskWith('{ url: "${DTS_TEST_HOOK_URL}", secret: { env: DTS_TEST_HOOK_SECRET }, type: dingtalk }'), 't.yaml')!;
    expect([webhook.url.reveal(), webhook.secret!.reveal(), webhook.type]).toEqual(['https://oapi.dingtalk.com/robot/send?access_token=tok-resolved', 'SEC-resolved', 'dingtalk']);
    expect(JSON.stringify(webhook)).toBe('{"url":"***","type":"dingtalk","secret":"***"}');
  } finally {
    delete process.env.DTS_TEST_HOOK_URL;
    delete process.env.DTS_TEST_HOOK_SECRET;
  }
});

it('an unset variable names the path and the variable', () => {
  expect(() => alertWebhookOf(taskWith('{ url: "${DTS_TEST_HOOK_UNSET}" }'), 't.yaml')).toThrow(
    'task file t.yaml is not valid:\n  - alerts.webhook.url: refers to environment variable DTS_TEST_HOOK_UNSET, which is not set; export it before starting the task',
  );
});

it('a URL that is not http(s) is refused without showing it', () => {
  const err = (() => {
    try {
      alertWebhookOf(taskWith('{ url: "ftp://host/hook?access_token=tok-hidden" }'), 't.yaml');
    } catch (e) {
      return e as TaskConfigError;
    }
  })();
  expect(err).toBeInstanceOf(TaskConfigError);
  expect(err!.issues).toEqual([{ path: 'alerts.webhook.url', message: "is not an http(s) URL (its value is not shown: it may hold a token); set it to the robot's or receiver's full URL" }]);
  expect(err!.message).not.toContain('tok-hidden');
});

it('a task without alerts has no webhook', () => {
  const task = { ...taskWith('{ url: "http://x/" }'), alerts: undefined };
  expect(alertWebhookOf(task, 't.yaml')).toBeNull();
});
