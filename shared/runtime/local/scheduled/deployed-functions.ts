/**
 * The functions s.yaml deploys, as the local scheduled runner needs them: each fc3 resource's
 * code folder (`./dist/<dir>` is built from `functions/<dir>`), handler, memory, timeout, reserved
 * concurrency and timer triggers. Other resource kinds and other trigger types are left out;
 * `${vars.x}` references are resolved, `${env(...)}` ones never read (environment variables are
 * for the cloud). Every error names the s.yaml path and what to write there.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { DtsError, ErrorCodes } from '../../../errors.ts';

export class DeployConfigError extends DtsError {
  constructor(file: string, path: string, message: string, cause?: unknown) {
    super(`${file}: ${path ? `${path}: ` : ''}${message}`, { code: ErrorCodes.DEPLOY_CONFIG, context: { path }, cause });
  }
}

export interface DeployedTimer {
  readonly name: string;
  readonly cronExpression: string;
  /** The payload string FC delivers in the event ('' when none is declared). */
  readonly payload: string;
  readonly enabled: boolean;
  /** Where it is declared, e.g. `resources.reader.props.triggers[0]`. */
  readonly path: string;
}

export interface DeployedFunction {
  /** The resource key, e.g. `reader`. */
  readonly resource: string;
  /** The folder under functions/ its code is built from. */
  readonly dir: string;
  readonly functionName: string;
  /** `file.export`, e.g. `index.handler`. */
  readonly handler: string;
  readonly memory: number;
  readonly timeoutSeconds: number;
  /** null: no reserved concurrency (invocations may overlap). */
  readonly reservedConcurrency: number | null;
  readonly region?: string;
  readonly timers: readonly DeployedTimer[];
}

const trigger = z.looseObject({
  triggerName: z.string().min(1),
  triggerType: z.string().min(1),
  triggerConfig: z.looseObject({ cronExpression: z.string().min(1).optional(), enable: z.boolean().default(true), payload: z.string().default('') }).optional(),
});

const props = z.looseObject({
  functionName: z.string().min(1).optional(),
  code: z.string().min(1),
  handler: z
    .string()
    .regex(/^[\w.-]+\.\w+$/)
    .default('index.handler'),
  memorySize: z.number().int().positive().default(128),
  // fc3's default timeout.
  timeout: z.number().int().positive().default(3),
  region: z.string().optional(),
  concurrencyConfig: z.looseObject({ reservedConcurrency: z.number().int().nonnegative().optional() }).optional(),
  triggers: z.array(trigger).default([]),
});

const varsRef = /^\$\{vars\.([\w.-]+)\}$/;

/** A value that is exactly `${vars.a.b}` → that part of `vars`, as Serverless Devs resolves it (other strings stay as written). */
function resolveVars(value: unknown, vars: Record<string, unknown>): unknown {
  if (typeof value === 'string') {
    const m = varsRef.exec(value);
    return m ? m[1]!.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], vars) : value;
  }
  if (Array.isArray(value)) return value.map((v) => resolveVars(v, vars));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveVars(v, vars)]));
  return value;
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key)), '');
}

export async function readDeployedFunctions(file: string): Promise<DeployedFunction[]> {
  let doc: unknown;
  try {
    doc = parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw new DeployConfigError(file, '', `cannot read it as YAML (${(err as NodeJS.ErrnoException).code ?? (err as Error).message.split('\n')[0]}); pass --s-yaml <file>`, err);
  }
  const root = (doc ?? {}) as { vars?: unknown; resources?: unknown };
  if (!root.resources || typeof root.resources !== 'object' || Array.isArray(root.resources)) {
    throw new DeployConfigError(file, 'resources', 'expected a mapping of resource name → { component: fc3, props }');
  }
  const vars = (root.vars && typeof root.vars === 'object' ? root.vars : {}) as Record<string, unknown>;
  const functions: DeployedFunction[] = [];
  for (const [resource, value] of Object.entries(root.resources as Record<string, unknown>)) {
    const r = (value ?? {}) as { component?: unknown; props?: unknown };
    if (r.component !== 'fc3') continue;
    const parsed = props.safeParse(resolveVars(r.props ?? {}, vars));
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new DeployConfigError(file, formatPath(['resources', resource, 'props', ...issue.path]), issue.message);
    }
    const p = parsed.data;
    const timers = p.triggers.flatMap((t, i): DeployedTimer[] => {
      if (t.triggerType !== 'timer') return [];
      const path = `resources.${resource}.props.triggers[${i}]`;
      if (!t.triggerConfig?.cronExpression) throw new DeployConfigError(file, `${path}.triggerConfig.cronExpression`, 'a timer trigger needs a schedule, e.g. "@every 1m" or "0 0 3 * * *"');
      return [{ name: t.triggerName, cronExpression: t.triggerConfig.cronExpression, payload: t.triggerConfig.payload, enabled: t.triggerConfig.enable, path }];
    });
    functions.push({
      resource,
      dir: basename(p.code.replace(/\/+$/, '')),
      functionName: p.functionName ?? resource,
      handler: p.handler,
      memory: p.memorySize,
      timeoutSeconds: p.timeout,
      reservedConcurrency: p.concurrencyConfig?.reservedConcurrency ?? null,
      ...(p.region ? { region: p.region } : {}),
      timers,
    });
  }
  return functions;
}
