/**
 * Secrets in the task file: a literal, or a reference to an environment variable
 * (`password: { env: MYSQL_PASSWORD }` or `password: ${MYSQL_PASSWORD}`). References are resolved
 * by the runtime; a resolved secret prints as `***` in logs, errors and JSON.
 *
 * A few non-secret fields that differ per deployment (the source host, Kafka brokers, the FC
 * account id) may be a `${NAME}` too (`envText`): kept as written until the runtime reads the
 * variable, as it does for secrets, but the value is an ordinary string once read.
 */
import { z } from 'zod';

export type SecretRef = { readonly env: string } | { readonly value: string };

const envPattern = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/;

export const secretSchema = z.union([z.string(), z.object({ env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name') }).strict()]).transform((v): SecretRef => {
  if (typeof v !== 'string') return { env: v.env };
  const m = envPattern.exec(v);
  return m?.[1] ? { env: m[1] } : { value: v };
});

/** A resolved secret. Its text is reachable only through `reveal()`. */
export class Secret {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  reveal(): string {
    return this.#value;
  }
  toString(): string {
    return '***';
  }
  toJSON(): string {
    return '***';
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return 'Secret(***)';
  }
}

/** The variable a whole-value `${NAME}` names, or null for any other text. */
export function envReferenceOf(text: string): string | null {
  return envPattern.exec(text)?.[1] ?? null;
}

/**
 * A non-secret string field that may name an environment variable instead: `${NAME}` passes as
 * written (runtime/secrets.ts resolveEnvText reads it); any other value must pass `inner`, whose
 * messages are kept.
 */
export function envText(inner: z.ZodType<string>) {
  return z.string().superRefine((value, ctx) => {
    if (envPattern.test(value)) return;
    const result = inner.safeParse(value);
    if (!result.success) for (const issue of result.error.issues) ctx.addIssue({ code: 'custom', message: issue.message });
  });
}
