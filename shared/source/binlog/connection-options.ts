/**
 * mysql2 options for the binlog and control connections. These options are what make zongji's
 * values lossless: temporal values as strings with every fractional digit (dateStrings),
 * TIMESTAMP rendered in UTC (timezone 'Z'), JSON as its text, big integers as exact strings.
 */
import type { ConnectionOptions } from 'mysql2';
import type { Secret } from '../../task/secret.ts';

export interface SourceEndpoint {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  /** Revealed only here, when the connection is made. */
  readonly password: Secret;
  readonly connectTimeoutMs: number;
}

export function connectionOptions(source: SourceEndpoint): ConnectionOptions {
  return {
    host: source.host,
    port: source.port,
    user: source.user,
    password: source.password.reveal(),
    connectTimeout: source.connectTimeoutMs,
    charset: 'utf8mb4_general_ci',
    dateStrings: true,
    timezone: 'Z',
    jsonStrings: true,
    supportBigNumbers: true,
    bigNumberStrings: true,
    decimalNumbers: false,
    multipleStatements: false,
  };
}
