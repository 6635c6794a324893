/** Resolves the task's secret references from the environment: the one place that reads it. */
import { envReferenceOf, Secret, type SecretRef } from '../task/secret.ts';
import { TaskConfigError } from '../task/errors.ts';

export function resolveSecret(ref: SecretRef, path: string, origin: string, env: NodeJS.ProcessEnv = process.env): Secret {
  if ('value' in ref) return new Secret(ref.value);
  const value = env[ref.env];
  if (value === undefined) {
    throw new TaskConfigError(origin, [{ path, message: `refers to environment variable ${ref.env}, which is not set; export it before starting the task` }]);
  }
  return new Secret(value);
}

/**
 * A non-secret field written as `${NAME}` (task/secret.ts envText), read from the environment; any
 * other value as written. Unset or empty is a configuration error naming the field and the variable.
 */
export function resolveEnvText(value: string, path: string, origin: string, env: NodeJS.ProcessEnv = process.env): string {
  const name = envReferenceOf(value);
  if (name === null) return value;
  const resolved = env[name];
  if (resolved === undefined || resolved.trim() === '') {
    throw new TaskConfigError(origin, [{ path, message: `refers to environment variable ${name}, which is ${resolved === undefined ? 'not set' : 'empty'}; export it before starting the task` }]);
  }
  return resolved.trim();
}
