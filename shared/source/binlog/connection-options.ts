/**
 * mysql2 options for the binlog and control connections. These options are what make zongji's
 * values lossless: temporal values as strings with every fractional digit (dateStrings),
 * TIMESTAMP rendered in UTC (timezone 'Z'), JSON as its text, big integers as exact strings.
 * Every source connection is made from here, so `source.ssl` applies to all of them alike.
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
  /** TLS (`source.ssl`), its PEMs already read by the runtime; plain TCP when absent. */
  readonly tls?: SourceTls;
}

export interface SourceTls {
  readonly ca?: string;
  readonly cert?: string;
  readonly key?: Secret;
  readonly rejectUnauthorized: boolean;
  readonly minVersion?: 'TLSv1.2' | 'TLSv1.3';
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
    ...(source.tls ? { ssl: sslOptions(source.tls) } : {}),
  };
}

function sslOptions(tls: SourceTls): NonNullable<ConnectionOptions['ssl']> {
  return {
    rejectUnauthorized: tls.rejectUnauthorized,
    // mysql2 checks that the certificate names the host only when asked (never for an IP address).
    verifyIdentity: tls.rejectUnauthorized,
    ...(tls.ca !== undefined ? { ca: tls.ca } : {}),
    ...(tls.cert !== undefined ? { cert: tls.cert } : {}),
    ...(tls.key !== undefined ? { key: tls.key.reveal() } : {}),
    ...(tls.minVersion !== undefined ? { minVersion: tls.minVersion } : {}),
  };
}
