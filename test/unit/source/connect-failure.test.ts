/** A failed source connection, classified by code and fields: TLS set-up problems are final and name source.ssl. */
import { describe, expect, it } from 'vitest';
import { sourceConnectFailure } from '../../../shared/source/connect-failure.ts';
import { SourceConnectionError, SourceTlsError } from '../../../shared/source/errors.ts';
import { Secret } from '../../../shared/task/secret.ts';

const plain = { host: 'db', port: 3306, user: 'dts', password: new Secret('pw'), connectTimeoutMs: 5000 };
const withTls = { ...plain, tls: { rejectUnauthorized: true } };

function failure(fields: Record<string, unknown>, message: string): Error {
  return Object.assign(new Error(message), fields);
}

describe('sourceConnectFailure', () => {
  it('an untrusted certificate (mysql2 HANDSHAKE_SSL_ERROR without a syscall) is final and names source.ssl.ca', () => {
    const err = sourceConnectFailure(withTls, 'the reader', failure({ code: 'HANDSHAKE_SSL_ERROR', fatal: true }, 'self-signed certificate in certificate chain'));
    expect(err).toBeInstanceOf(SourceTlsError);
    expect(err.retriable).toBe(false);
    expect(err.message).toBe(
      "the reader cannot connect to the source db:3306: its TLS certificate is not trusted (self-signed certificate in certificate chain); set source.ssl.ca to the file of the CA that signed the server's certificate (RDS, PolarDB: the region's CA bundle)",
    );
    expect(err.context).toEqual({ host: 'db', port: 3306, user: 'dts', tls: 'certificate not trusted' });
  });

  it('a certificate for another name, a failed negotiation and a server without TLS are final too', () => {
    const altname = sourceConnectFailure(
      withTls,
      'the full sync',
      failure({ code: 'HANDSHAKE_SSL_ERROR', reason: "Host: db. is not in the cert's altnames", host: 'db' }, "Hostname/IP does not match certificate's altnames"),
    );
    expect([altname.constructor, altname.context?.tls]).toEqual([SourceTlsError, 'certificate name']);
    expect(altname.message).toContain('set source.host to a name the certificate holds');
    const handshake = sourceConnectFailure(withTls, 'the reader', failure({ code: 'HANDSHAKE_SSL_ERROR', library: 'SSL routines', reason: 'unsupported protocol' }, 'unsupported protocol'));
    expect([handshake.constructor, handshake.context?.tls]).toEqual([SourceTlsError, 'handshake']);
    expect(handshake.message).toContain('check source.ssl.minVersion');
    const none = sourceConnectFailure(withTls, 'the heartbeat', failure({ code: 'HANDSHAKE_NO_SSL_SUPPORT' }, 'Server does not support secure connection'));
    expect([none.constructor, none.retriable]).toEqual([SourceTlsError, false]);
    expect(none.message).toContain('it does not offer TLS, but the task sets source.ssl');
  });

  it('a socket error during the TLS handshake is a dropped connection, retried', () => {
    const err = sourceConnectFailure(withTls, 'the reader', failure({ code: 'HANDSHAKE_SSL_ERROR', syscall: 'read', errno: -104 }, 'read ECONNRESET'));
    expect(err).toBeInstanceOf(SourceConnectionError);
    expect(err.retriable).toBe(true);
  });

  it('access denied without source.ssl hints at REQUIRE SSL; with it, it does not', () => {
    const denied = () => failure({ code: 'ER_ACCESS_DENIED_ERROR', errno: 1045 }, "Access denied for user 'dts'@'10.0.0.1' (using password: YES)");
    expect(sourceConnectFailure(plain, 'the reader', denied()).message).toBe(
      "the reader cannot connect to the source db:3306 as dts: Access denied for user 'dts'@'10.0.0.1' (using password: YES); if the account requires TLS (REQUIRE SSL or X509), set source.ssl",
    );
    expect(sourceConnectFailure(withTls, 'the reader', denied()).message).toBe("the reader cannot connect to the source db:3306 as dts: Access denied for user 'dts'@'10.0.0.1' (using password: YES)");
    expect(sourceConnectFailure(plain, 'the reader', denied())).toBeInstanceOf(SourceConnectionError);
  });
});
