/**
 * Secrets in the task file: a literal, or a reference to an environment variable
 * (`password: { env: MYSQL_PASSWORD }` or `password: ${MYSQL_PASSWORD}`). References are resolved
 * by the runtime; a resolved secret prints as `***` in logs, errors and JSON.
 */
import { z } from 'zod';

export type SecretRef = { readonly env: string } | { readonly value: string };

const envPattern = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/;

export const secretSchema = z
  .union([
    z.string(),
    z.object({ env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name') }).strict(),
  ])
  .transform((v): SecretRef => {
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
