/**
 * s.yaml's placeholders resolved the way the Serverless Devs CLI does before it hands a resource's
 * props to fc3: `${env('X')}` (or `${env(X)}`) is the shell's variable X, inside any string;
 * a value that is exactly `${vars.a.b}` is replaced by that part of `vars` (an object stays one).
 * Tests pass their own environment, so nothing depends on the machine's.
 */

const envRef = /\$\{env\(\s*'?([A-Za-z_][A-Za-z0-9_]*)'?\s*\)\}/g;
const varsRef = /^\$\{vars\.([\w.-]+)\}$/;

/** `${env('X')}` → env.X in every string; a variable missing from `env` is an error, as an unset one would deploy an empty value. */
export function resolveEnv(value: unknown, env: Readonly<Record<string, string>>): unknown {
  if (typeof value === 'string') {
    return value.replace(envRef, (_, name: string) => {
      const v = env[name];
      if (v === undefined) throw new Error(`s.yaml: \${env('${name}')} is not set; add ${name} to the test environment`);
      return v;
    });
  }
  if (Array.isArray(value)) return value.map((v) => resolveEnv(v, env));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveEnv(v, env)]));
  return value;
}

/** A value that is exactly `${vars.a.b}` → that part of `vars`. */
export function resolveVars(value: unknown, vars: Readonly<Record<string, unknown>>): unknown {
  if (typeof value === 'string') {
    const m = varsRef.exec(value);
    if (!m) return value;
    const found = m[1]!.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], vars);
    if (found === undefined) throw new Error(`s.yaml: ${value} names nothing in vars`);
    return found;
  }
  if (Array.isArray(value)) return value.map((v) => resolveVars(v, vars));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveVars(v, vars)]));
  return value;
}

/** The names of every `${env(...)}` in a value. */
export function envNames(value: unknown): string[] {
  const text = JSON.stringify(value) ?? '';
  return [...text.matchAll(envRef)].map((m) => m[1]!);
}

/** Test values for every variable s.yaml reads; shaped like the real ones (vpc-…, vsw-…, sg-…). */
export const TEST_ENV: Readonly<Record<string, string>> = {
  DTS_VPC_ID: 'vpc-test0000000000001',
  DTS_VSWITCH_ID: 'vsw-test0000000000001',
  DTS_SECURITY_GROUP_ID: 'sg-test0000000000001',
  DTS_SLS_PROJECT: 'dts-test-project',
  DTS_SLS_LOGSTORE: 'dts-test-logstore',
  DTS_SOURCE_HOST: 'rm-test.mysql.rds.aliyuncs.com',
  DTS_KAFKA_BROKER: 'alikafka-test-1-vpc.alikafka.aliyuncs.com:9092',
  DTS_FC_ACCOUNT_ID: '1234567890123456',
  MYSQL_PASSWORD: 'test-mysql-password',
  DTS_REDIS_URL: 'redis://:test@r-test.redis.rds.aliyuncs.com:6379',
  DTS_FC_ACCESS_KEY_SECRET: 'test-fc-secret',
  KAFKA_PASSWORD: 'test-kafka-password',
};

/** Props of every resource as fc3 receives them. */
export function resolvedProps(
  doc: { vars?: Record<string, unknown>; resources: Record<string, { props: unknown }> },
  env: Readonly<Record<string, string>> = TEST_ENV,
): Record<string, Record<string, unknown>> {
  const vars = resolveEnv(doc.vars ?? {}, env) as Record<string, unknown>;
  return Object.fromEntries(Object.entries(doc.resources).map(([name, r]) => [name, resolveVars(resolveEnv(r.props, env), vars) as Record<string, unknown>]));
}
