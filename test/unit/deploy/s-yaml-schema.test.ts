/**
 * s.yaml against the fc3 component's JSON schema and the deployment rules of issue 11 §5
 * (s-yaml-rules.ts); each rule is shown failing on a broken copy. And `npm run build` refuses a
 * task with a file queue.
 */
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildFunctions, FileQueueDeployError } from '../../../scripts/build.ts';
import { loadTask } from '../../../shared/task/index.ts';
import { checkSYaml, CLOUD_TASK, secretEnvOf, textEnvOf, type SDoc, type TaskFacts } from './s-yaml-rules.ts';
import { resolvedProps, TEST_ENV } from './s-vars.ts';

const repo = join(import.meta.dirname, '..', '..', '..');
const original = parse(readFileSync(join(repo, 's.yaml'), 'utf8')) as SDoc;
const copy = (): SDoc => structuredClone(original);
const allFunctions = Object.keys(original.resources);
const timerFunctions = Object.entries(original.resources)
  .filter(([, r]) => ((r.props.triggers ?? []) as { triggerType?: string }[]).some((t) => t.triggerType === 'timer'))
  .map(([name]) => name);

describe('s.yaml for fc3', () => {
  let task: TaskFacts;

  beforeAll(async () => {
    const loaded = await loadTask(join(repo, String(original.vars?.task)));
    task = { queueType: loaded.queue.type, secretEnv: secretEnvOf(loaded), textEnv: textEnvOf(loaded) };
  });

  it('deploys the cloud example, whose queue is Redis, whose secrets are three and whose host, broker and account id come from the environment', () => {
    expect(original.vars?.task).toBe(CLOUD_TASK);
    expect(task).toEqual({ queueType: 'redis', secretEnv: ['DTS_FC_ACCESS_KEY_SECRET', 'DTS_REDIS_URL', 'MYSQL_PASSWORD'], textEnv: ['DTS_FC_ACCOUNT_ID', 'DTS_KAFKA_BROKER', 'DTS_SOURCE_HOST'] });
  });

  it('resolves placeholders as the s CLI does', () => {
    const props = resolvedProps(original);
    expect(props.reader!.vpcConfig).toEqual({ vpcId: TEST_ENV.DTS_VPC_ID, vSwitchIds: [TEST_ENV.DTS_VSWITCH_ID], securityGroupId: TEST_ENV.DTS_SECURITY_GROUP_ID });
    expect(props.reader!.environmentVariables).toMatchObject({ MYSQL_PASSWORD: TEST_ENV.MYSQL_PASSWORD, DTS_REDIS_URL: TEST_ENV.DTS_REDIS_URL });
    expect(props.reader!.logConfig).toBe('auto');
  });

  it('is valid for the fc3 schema and keeps every rule', () => {
    expect(checkSYaml(original, task)).toEqual([]);
    // Every function but control runs on a timer, so each of those is held to the single-instance
    // rules; control is invoked on demand (a pause and a status may run at once: state updates are atomic).
    expect(timerFunctions).toEqual(['reader', 'deliver-kafka', 'deliver-fc', 'deliver-maxcompute', 'full-sync', 'heartbeat', 'latency', 'retry-window']);
    expect(allFunctions.filter((n) => !timerFunctions.includes(n))).toEqual(['control']);
  });

  describe('fails on a broken copy', () => {
    it('a prop the fc3 schema refuses', () => {
      const doc = copy();
      doc.resources.reader!.props.memorySize = 1000;
      doc.resources.latency!.props.runtime = 'nodejs21';
      const problems = checkSYaml(doc, task);
      expect(problems).toContain('reader: fc3 schema: /memorySize must be multiple of 64');
      expect(problems).toContain('latency: fc3 schema: /runtime must be equal to one of the allowed values');
    });

    it('a misspelt key (fc3 would ignore it)', () => {
      const doc = copy();
      const props = doc.resources.heartbeat!.props;
      props.concurrencyConfigs = props.concurrencyConfig;
      delete props.concurrencyConfig;
      expect(checkSYaml(doc, task)).toEqual(['heartbeat: concurrencyConfigs is not an fc3 property', 'heartbeat: concurrencyConfig.reservedConcurrency is undefined, not 1']);
    });

    it('a function without logConfig, or with a literal project', () => {
      const doc = copy();
      delete doc.resources['deliver-fc']!.props.logConfig;
      doc.resources.latency!.props.logConfig = { project: 'my-project', logstore: "${env('DTS_SLS_LOGSTORE')}" };
      expect(checkSYaml(doc, task)).toEqual(['deliver-fc: no logConfig', 'latency: logConfig is neither auto nor a project and logstore from ${env(...)}']);
      doc.resources.latency!.props.logConfig = { project: "${env('DTS_SLS_PROJECT')}", logstore: "${env('DTS_SLS_LOGSTORE')}" };
      expect(checkSYaml(doc, task)).toEqual(['deliver-fc: no logConfig']);
    });

    it('a reader or scheduled function that may run twice at once', () => {
      const doc = copy();
      doc.resources.reader!.props.concurrencyConfig = { reservedConcurrency: 2 };
      delete doc.resources['retry-window']!.props.concurrencyConfig;
      expect(checkSYaml(doc, task)).toEqual(['reader: concurrencyConfig.reservedConcurrency is 2, not 1', 'retry-window: concurrencyConfig.reservedConcurrency is undefined, not 1']);
    });

    it('a scheduled function that FC retries', () => {
      const doc = copy();
      doc.resources['full-sync']!.props.asyncInvokeConfig = { maxAsyncEventAgeInSeconds: 120 };
      doc.vars!.single = { maxAsyncRetryAttempts: 3, maxAsyncEventAgeInSeconds: 120 };
      expect(checkSYaml(doc, task)).toEqual(
        ['reader', 'deliver-kafka', 'deliver-fc', 'deliver-maxcompute', 'full-sync', 'heartbeat', 'latency', 'retry-window'].map(
          (n) => `${n}: asyncInvokeConfig.maxAsyncRetryAttempts is ${n === 'full-sync' ? 'undefined' : '3'}, not 0`,
        ),
      );
    });

    it('a literal secret, a secret of the task not passed, a reserved name, an AccessKey id', () => {
      const doc = copy();
      const env = { ...(doc.vars!.env as Record<string, string>) };
      env.MYSQL_PASSWORD = 'hunter2';
      delete env.DTS_FC_ACCESS_KEY_SECRET;
      env.FC_DTS_REGION = 'cn-hangzhou';
      doc.vars!.env = env;
      doc.resources.reader!.props.description = 'key LTAI5tAbCdEfGhIjKlMn';
      const problems = checkSYaml(doc, task);
      expect(problems.filter((p) => p.startsWith('reader:'))).toEqual([
        "reader: environment variable MYSQL_PASSWORD is not ${env('MYSQL_PASSWORD')}",
        "reader: environment variable FC_DTS_REGION uses FC's reserved FC_ prefix",
        "reader: the task's secret DTS_FC_ACCESS_KEY_SECRET is not passed as ${env('DTS_FC_ACCESS_KEY_SECRET')}",
        "reader: the task's secret MYSQL_PASSWORD is not passed as ${env('MYSQL_PASSWORD')}",
      ]);
      expect(problems).toHaveLength(allFunctions.length * 4 + 1);
      expect(problems.at(-1)).toBe('s.yaml holds an AccessKey id literal (LTAI5t…)');
      expect(problems.join('\n')).not.toContain('hunter2');
    });

    it("a variable the task's host, broker or account id names, not passed", () => {
      const doc = copy();
      const env = { ...(doc.vars!.env as Record<string, string>) };
      delete env.DTS_SOURCE_HOST;
      env.DTS_KAFKA_BROKER = 'alikafka-1-vpc.alikafka.aliyuncs.com:9092';
      doc.vars!.env = env;
      expect(checkSYaml(doc, task)).toEqual(
        allFunctions.flatMap((n) => [
          `${n}: the task's variable DTS_KAFKA_BROKER is not passed as \${env('DTS_KAFKA_BROKER')}`,
          `${n}: the task's variable DTS_SOURCE_HOST is not passed as \${env('DTS_SOURCE_HOST')}`,
        ]),
      );
    });

    it('environment variables over the 4 KB FC allows', () => {
      const doc = copy();
      doc.vars!.env = { ...(doc.vars!.env as Record<string, string>), DTS_PAD: 'x'.repeat(4000) };
      const size = Object.entries(resolvedProps(doc).reader!.environmentVariables as Record<string, string>).reduce((n, [k, v]) => n + k.length + v.length, 0);
      expect(size).toBeGreaterThan(4096);
      expect(checkSYaml(doc, task)).toEqual(allFunctions.map((n) => `${n}: environment variables take ${size} bytes; FC allows 4 KB`));
    });

    it('a literal VPC', () => {
      const doc = copy();
      doc.vars!.vpc = { vpcId: 'vpc-123', vSwitchIds: ["${env('DTS_VSWITCH_ID')}"], securityGroupId: "${env('DTS_SECURITY_GROUP_ID')}" };
      expect(checkSYaml(doc, task)).toEqual(allFunctions.map((n) => `${n}: vpcConfig's vpcId, vSwitchIds and securityGroupId are not all \${env(...)}`));
    });

    it('another task file, or one with a file queue', () => {
      const doc = copy();
      doc.vars!.task = 'examples/local.yaml';
      expect(checkSYaml(doc, { queueType: 'file', secretEnv: [], textEnv: [] })).toEqual(['vars.task is examples/local.yaml, not examples/cloud.yaml', "the task's queue is file, not redis"]);
    });
  });
});

describe('npm run build', () => {
  it('refuses a task with a file queue, naming the key and the fix', async () => {
    const outdir = join(tmpdir(), `dts-build-refuse-${process.pid}`);
    try {
      const built = buildFunctions({ outdir, functions: ['heartbeat'], taskFile: join(repo, 'examples', 'local.yaml') });
      await expect(built).rejects.toBeInstanceOf(FileQueueDeployError);
      await expect(built).rejects.toThrow(
        /^examples\/local\.yaml: queue\.type is file, but FC function instances share no disk.*queue: \{ type: redis, url: \$\{DTS_REDIS_URL\}, prefix: dts:<task> \} \(examples\/cloud\.yaml\)/,
      );
    } finally {
      await rm(outdir, { recursive: true, force: true });
    }
  });
});
