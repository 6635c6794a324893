/**
 * What a failed source connection means, for every place that connects (binlog, control, full
 * sync, heartbeat). Certificate and TLS set-up problems are final and name the `source.ssl` field
 * to change; everything else is a connection failure, retried within the connection window. The
 * decision goes by error code and fields, never by message text.
 */
import type { DtsError } from '../errors.ts';
import type { SourceEndpoint } from './binlog/connection-options.ts';
import { SourceConnectionError, SourceTlsError } from './errors.ts';

/** MySQL's "Access denied for user" (1045). */
const ACCESS_DENIED = 1045;

/** `doing` names who connects, as the start of a sentence: "the reader", "the full sync". */
export function sourceConnectFailure(endpoint: SourceEndpoint, doing: string, err: Error): DtsError {
  const where = `${endpoint.host}:${endpoint.port}`;
  const code = (err as NodeJS.ErrnoException).code ?? '';
  const context = { host: endpoint.host, port: endpoint.port, user: endpoint.user };
  if (code === 'HANDSHAKE_SSL_ERROR' && !(err as NodeJS.ErrnoException).syscall) {
    // mysql2 replaces the code of every TLS set-up failure with HANDSHAKE_SSL_ERROR; a socket error
    // (it has a syscall) is a dropped connection, retried. The rest are decided by the settings.
    const tls = err as Error & { reason?: unknown; host?: unknown; library?: unknown };
    if (typeof tls.reason === 'string' && typeof tls.host === 'string') {
      return new SourceTlsError(
        `${doing} cannot connect to the source ${where}: its TLS certificate does not name ${endpoint.host} (${err.message}); set source.host to a name the certificate holds`,
        { ...context, tls: 'certificate name' },
        err,
      );
    }
    if (tls.library !== undefined) {
      return new SourceTlsError(
        `${doing} cannot connect to the source ${where}: the TLS handshake failed (${err.message}); check source.ssl.minVersion against the server's tls_version`,
        { ...context, tls: 'handshake' },
        err,
      );
    }
    return new SourceTlsError(
      `${doing} cannot connect to the source ${where}: its TLS certificate is not trusted (${err.message}); set source.ssl.ca to the file of the CA that signed the server's certificate (RDS, PolarDB: the region's CA bundle)`,
      { ...context, tls: 'certificate not trusted' },
      err,
    );
  }
  if (code === 'HANDSHAKE_NO_SSL_SUPPORT') {
    return new SourceTlsError(
      `${doing} cannot connect to the source ${where}: it does not offer TLS, but the task sets source.ssl; enable TLS on the server (ssl_cert, ssl_key) or remove source.ssl`,
      { ...context, tls: 'not offered' },
      err,
    );
  }
  if (code.startsWith('ERR_OSSL')) {
    return new SourceTlsError(
      `${doing} cannot connect to the source ${where}: the PEMs of source.ssl are not usable (${code}: ${err.message}); check that source.ssl.ca, cert and key hold PEM certificates and an unencrypted PEM key`,
      { ...context, tls: 'unusable PEM' },
      err,
    );
  }
  const hint = (err as { errno?: number }).errno === ACCESS_DENIED && !endpoint.tls ? '; if the account requires TLS (REQUIRE SSL or X509), set source.ssl' : '';
  return new SourceConnectionError(`${doing} cannot connect to the source ${where} as ${endpoint.user}: ${err.message}${hint}`, context, err);
}
