/**
 * Checks a parsed event against its function's schema (event-schemas.ts). The error names the
 * function, each field path, what was expected and what was given: a value of a field the function
 * reads (paths, numbers, table names: never secrets), and for unknown fields only their names.
 */
import type { z } from 'zod';
import { DtsError, ErrorCodes, type ErrorContext } from '../../errors.ts';

/** Malformed events fail before any work starts, with what was wrong. Not retriable: the same event fails again. */
export class InvalidEventError extends DtsError {
  constructor(message: string, context?: ErrorContext) {
    super(message, { code: ErrorCodes.INVALID_EVENT, retriable: false, context });
  }
}

const TIMER_FIELDS = new Set(['triggerName', 'triggerTime', 'payload']);

type Described = z.ZodType & { unwrap?: () => z.ZodType };

/** A field's `describe` text, looked up through the optional/default/nullable wrappers around it. */
function expectation(field: z.ZodType | undefined): string {
  let s = field as Described | undefined;
  for (let i = 0; s && i < 5; i++) {
    if (s.description) return s.description;
    s = typeof s.unwrap === 'function' ? (s.unwrap() as Described) : undefined;
  }
  return 'a valid value';
}

/** What was given, short: the value for scalars (strings cut at 60 characters), the kind otherwise. */
export function describeGiven(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') return `${JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value)} (a string)`;
  if (typeof value === 'number' || typeof value === 'boolean') return `${String(value)} (a ${typeof value})`;
  if (Array.isArray(value)) return `an array of ${value.length}`;
  return `a ${typeof value}`;
}

function at(value: unknown, path: readonly PropertyKey[]): unknown {
  return path.reduce<unknown>((v, k) => (v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k] : undefined), value);
}

function fieldPath(path: readonly PropertyKey[]): string {
  return path.map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? String(k) : `.${String(k)}`)).join('');
}

/** The event as the entry reads it (defaults applied), or InvalidEventError naming every problem. */
export function validateEvent<S extends z.ZodObject>(functionName: string, schema: S, event: Record<string, unknown>): z.output<S> {
  const result = schema.safeParse(event);
  if (result.success) return result.data;
  const shape = schema.shape as Record<string, z.ZodType>;
  const known = Object.keys(shape).filter((k) => !TIMER_FIELDS.has(k));
  // Only functions that run on a timer take FC's timer fields; an on-demand one (control) has no payload to fix.
  const onTimer = 'payload' in shape;
  const problems = result.error.issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') {
      const names = issue.keys.map((k) => `"${k}"`).join(', ');
      const timer = onTimer ? ", beside FC's timer fields triggerName, triggerTime, payload" : '';
      return `unknown field${issue.keys.length > 1 ? 's' : ''} ${names} (${functionName} reads ${known.length > 0 ? known.join(', ') : 'no fields'}${timer})`;
    }
    const top = issue.path[0];
    const expected = typeof top === 'string' ? expectation(shape[top]) : 'a JSON object';
    return `"${fieldPath(issue.path)}": expected ${expected}, got ${describeGiven(at(event, issue.path))}`;
  });
  const paths = result.error.issues.map((i) => (i.code === 'unrecognized_keys' ? i.keys.join(',') : fieldPath(i.path))).join(' ');
  const fix = onTimer ? `Fix the invocation's event, or the timer trigger's payload in s.yaml (resources.${functionName}.props.triggers[].triggerConfig.payload)` : "Fix the invocation's event";
  throw new InvalidEventError(`${functionName}: invalid event: ${problems.join('; ')}. ${fix}`, { function: functionName, path: paths });
}
