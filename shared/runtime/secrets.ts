/** Resolves the task's secret references from the environment: the one place that reads it. */
import { Secret, type SecretRef } from '../task/secret.ts';
import { TaskConfigError } from '../task/errors.ts';

export function resolveSecret(ref: SecretRef, path: string, origin: string, env: NodeJS.ProcessEnv = process.env): Secret {
  if ('value' in ref) return new Secret(ref.value);
  const value = env[ref.env];
  if (value === undefined) {
    throw new TaskConfigError(origin, [{ path, message: `refers to environment variable ${ref.env}, which is not set; export it before starting the task` }]);
  }
  return new Secret(value);
}
