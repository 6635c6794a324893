/**
 * Reads the PEMs that `source.ssl` names (files, or environment variables that hold the PEM
 * text) once, when the task is composed, so that every source connection gets the same TLS and a
 * missing file or variable is a configuration error naming its path (`source.ssl.ca`), not a
 * connection failure retried for minutes.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { SourceTls } from '../source/binlog/connection-options.ts';
import type { PemRef, SourceTlsConfig } from '../source/tls-config.ts';
import { TaskConfigError } from '../task/errors.ts';
import { Secret } from '../task/secret.ts';

export function resolveSourceTls(ssl: SourceTlsConfig | undefined, origin: string, baseDir = process.cwd(), env: NodeJS.ProcessEnv = process.env): SourceTls | undefined {
  if (!ssl) return undefined;
  const key = ssl.key && readPem(ssl.key, 'source.ssl.key', origin, baseDir, env);
  return {
    rejectUnauthorized: ssl.rejectUnauthorized,
    ...(ssl.ca ? { ca: readPem(ssl.ca, 'source.ssl.ca', origin, baseDir, env) } : {}),
    ...(ssl.cert ? { cert: readPem(ssl.cert, 'source.ssl.cert', origin, baseDir, env) } : {}),
    ...(key ? { key: new Secret(key) } : {}),
    ...(ssl.minVersion ? { minVersion: ssl.minVersion } : {}),
  };
}

function readPem(ref: PemRef, path: string, origin: string, baseDir: string, env: NodeJS.ProcessEnv): string {
  let text: string;
  if ('env' in ref) {
    const value = env[ref.env];
    if (value === undefined) throw new TaskConfigError(origin, [{ path, message: `refers to environment variable ${ref.env}, which is not set; export it (the PEM text) before starting the task` }]);
    text = value;
  } else {
    const file = resolve(baseDir, ref.file);
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new TaskConfigError(origin, [{ path, message: `cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? String(err)}); give the path of a readable PEM file` }]);
    }
  }
  if (!text.includes('-----BEGIN ')) {
    throw new TaskConfigError(origin, [
      { path, message: `${'env' in ref ? `environment variable ${ref.env}` : ref.file} holds no PEM block (-----BEGIN ...); give a PEM ${path.endsWith('.key') ? 'key' : 'certificate'}` },
    ]);
  }
  return text;
}
