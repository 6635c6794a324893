/**
 * The deployment rules of s.yaml (issue 11 §5), as a function from the parsed file to the list of
 * what breaks them, so that a test can show each rule failing on a broken copy:
 * - every resource's props, resolved as the s CLI would, are valid for the fc3 component's JSON
 *   schema (vendored in fc3/schema.json) and use only keys it knows (fc3 ignores a misspelt key);
 * - every function logs (logConfig `auto`, or a project/logstore from the environment);
 * - the reader and every timer-driven function run one at a time (reserved concurrency 1) and
 *   are not retried by FC's async invocation (the next tick is the retry);
 * - the VPC and every secret come from `${env(...)}`, never a literal; none uses FC's reserved
 *   FC_ prefix; every variable the task file references (its secrets, and `${NAME}` in the
 *   host, brokers or account id) is passed to every function;
 * - vars.task is the cloud example, and its queue is Redis.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { envNames, resolvedProps, resolveVars } from './s-vars.ts';

export interface SDoc {
  edition?: unknown;
  vars?: Record<string, unknown>;
  resources: Record<string, { component: string; props: Record<string, unknown> }>;
}

/** What the rules need from the task file that vars.task names. */
export interface TaskFacts {
  readonly queueType: string;
  /** Environment variables its secrets reference (`${NAME}` / `{ env: NAME }`). */
  readonly secretEnv: readonly string[];
  /** Environment variables its non-secret fields name (`host: ${NAME}`), still unresolved in the loaded task. */
  readonly textEnv: readonly string[];
}

export const CLOUD_TASK = 'examples/cloud.yaml';

const schema = JSON.parse(readFileSync(join(import.meta.dirname, 'fc3', 'schema.json'), 'utf8')) as { properties: Record<string, unknown> };
let validator: ValidateFunction | undefined;
function validate(): ValidateFunction {
  // strict: false: the schema carries `default`s and a `$comment`, which are annotations, not errors.
  validator ??= new Ajv({ allErrors: true, strict: false }).compile(schema);
  return validator;
}

/** Names that hold credentials; their value must come from the environment. */
const secretName = /PASSWORD|SECRET|TOKEN|CREDENTIAL|(^|_)KEY($|_)|REDIS_URL/i;
/** An Alibaba Cloud AccessKey id, which never belongs in s.yaml. */
const accessKeyId = /\bLTAI[0-9A-Za-z]{12,}\b/;

const isEnvRef = (v: unknown, name?: string): boolean => typeof v === 'string' && /^\$\{env\(\s*'?[A-Za-z_][A-Za-z0-9_]*'?\s*\)\}$/.test(v) && (name === undefined || envNames(v)[0] === name);

interface Trigger {
  triggerType?: string;
}

/** The environment variables the task's secrets reference: every `{ env: NAME }` in the loaded task. */
export function secretEnvOf(task: unknown): string[] {
  const found = new Set<string>();
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const keys = Object.keys(v);
      if (keys.length === 1 && keys[0] === 'env' && typeof (v as { env: unknown }).env === 'string') found.add((v as { env: string }).env);
      else Object.values(v).forEach(walk);
    }
  };
  walk(task);
  return [...found].sort();
}

/** The variables non-secret fields name: every string of the loaded task that is exactly `${NAME}`. */
export function textEnvOf(task: unknown): string[] {
  const found = new Set<string>();
  const walk = (v: unknown): void => {
    if (typeof v === 'string') {
      const m = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/.exec(v);
      if (m) found.add(m[1]!);
    } else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(task);
  return [...found].sort();
}

export function checkSYaml(doc: SDoc, task: TaskFacts): string[] {
  const problems: string[] = [];
  const vars = doc.vars ?? {};
  // Props with `${vars.x}` replaced but `${env(...)}` kept: where a value comes from.
  const raw = Object.fromEntries(Object.entries(doc.resources).map(([n, r]) => [n, resolveVars(r.props, vars) as Record<string, unknown>]));
  const resolved = resolvedProps(doc);
  const known = new Set(Object.keys(schema.properties));

  for (const [name, props] of Object.entries(resolved)) {
    const v = validate();
    if (!v(props)) for (const e of v.errors ?? []) problems.push(`${name}: fc3 schema: ${e.instancePath || '(props)'} ${e.message ?? ''}`.trim());
    for (const key of Object.keys(props)) if (!known.has(key)) problems.push(`${name}: ${key} is not an fc3 property`);

    const rawProps = raw[name]!;
    const log = rawProps.logConfig;
    if (log === undefined) problems.push(`${name}: no logConfig`);
    else if (log !== 'auto') {
      const { project, logstore } = (log ?? {}) as { project?: unknown; logstore?: unknown };
      if (!isEnvRef(project) || !isEnvRef(logstore)) problems.push(`${name}: logConfig is neither auto nor a project and logstore from \${env(...)}`);
    }

    const timer = ((props.triggers ?? []) as Trigger[]).some((t) => t.triggerType === 'timer');
    if (name === 'reader' || timer) {
      const reserved = (props.concurrencyConfig as { reservedConcurrency?: unknown } | undefined)?.reservedConcurrency;
      if (reserved !== 1) problems.push(`${name}: concurrencyConfig.reservedConcurrency is ${String(reserved)}, not 1`);
    }
    if (timer) {
      const retries = (props.asyncInvokeConfig as { maxAsyncRetryAttempts?: unknown } | undefined)?.maxAsyncRetryAttempts;
      if (retries !== 0) problems.push(`${name}: asyncInvokeConfig.maxAsyncRetryAttempts is ${String(retries)}, not 0`);
    }

    const vpc = (rawProps.vpcConfig ?? {}) as { vpcId?: unknown; vSwitchIds?: unknown; securityGroupId?: unknown };
    const vpcValues = [vpc.vpcId, vpc.securityGroupId, ...(Array.isArray(vpc.vSwitchIds) ? vpc.vSwitchIds : [vpc.vSwitchIds])];
    if (!vpcValues.every((x) => isEnvRef(x))) problems.push(`${name}: vpcConfig's vpcId, vSwitchIds and securityGroupId are not all \${env(...)}`);

    const env = (rawProps.environmentVariables ?? {}) as Record<string, unknown>;
    for (const [key, value] of Object.entries(env)) {
      if (key.startsWith('FC_')) problems.push(`${name}: environment variable ${key} uses FC's reserved FC_ prefix`);
      if (secretName.test(key) && !isEnvRef(value, key)) problems.push(`${name}: environment variable ${key} is not \${env('${key}')}`);
    }
    for (const secret of task.secretEnv) {
      if (!isEnvRef(env[secret], secret)) problems.push(`${name}: the task's secret ${secret} is not passed as \${env('${secret}')}`);
    }
    for (const variable of task.textEnv) {
      if (!isEnvRef(env[variable], variable)) problems.push(`${name}: the task's variable ${variable} is not passed as \${env('${variable}')}`);
    }
    const size = Object.entries((props.environmentVariables ?? {}) as Record<string, string>).reduce((n, [k, v]) => n + k.length + String(v).length, 0);
    if (size > 4096) problems.push(`${name}: environment variables take ${size} bytes; FC allows 4 KB`);
  }

  const literalKey = accessKeyId.exec(JSON.stringify(doc));
  if (literalKey) problems.push(`s.yaml holds an AccessKey id literal (${literalKey[0].slice(0, 6)}…)`);
  if (vars.task !== CLOUD_TASK) problems.push(`vars.task is ${String(vars.task)}, not ${CLOUD_TASK}`);
  if (task.queueType !== 'redis') problems.push(`the task's queue is ${task.queueType}, not redis`);
  return problems;
}
