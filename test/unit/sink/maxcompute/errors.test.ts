/** MaxCompute answers → sink errors: the status table, error bodies (XML, JSON, text), no answer. */
import { describe, expect, it } from 'vitest';
import { SinkConnectionError, SinkWriteError } from '../../../../shared/sink/errors.ts';
import { errorFromNetwork, errorFromResponse, isMaxComputeNotFound, MaxComputeNotFoundError, parseErrorBody } from '../../../../shared/sink/maxcompute/errors.ts';

const where = { what: 'read table p.t', project: 'p', table: 't', sink: 'mc' };
const xmlError = Buffer.from(
  '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>Some&amp;Code</Code><Message><![CDATA[a <b> message]]></Message><RequestId>r1</RequestId><HostId>h</HostId></Error>',
);

describe('error bodies', () => {
  it('reads the control plane XML, the tunnel JSON, and quotes anything else', () => {
    expect(parseErrorBody(xmlError)).toEqual({ code: 'Some&Code', message: 'a <b> message', requestId: 'r1' });
    expect(parseErrorBody(Buffer.from('{"Code":"NoSuchUpload","Message":"gone","RequestId":"r2"}'))).toEqual({ code: 'NoSuchUpload', message: 'gone', requestId: 'r2' });
    expect(parseErrorBody(Buffer.from('<html>bad gateway'))).toEqual({ message: '<html>bad gateway' });
    expect(parseErrorBody(Buffer.from('{not json'))).toEqual({ message: '{not json' });
    expect(parseErrorBody(Buffer.alloc(0))).toEqual({});
    expect(parseErrorBody(Buffer.from('x'.repeat(2000))).message).toHaveLength(500);
  });
});

describe('status → error', () => {
  it.each([
    [400, SinkWriteError, false],
    [401, SinkConnectionError, false],
    [403, SinkConnectionError, false],
    [404, MaxComputeNotFoundError, false],
    [405, SinkWriteError, false],
    [409, SinkWriteError, false],
    [412, SinkWriteError, false],
    [429, SinkWriteError, true],
    [500, SinkWriteError, true],
    [502, SinkConnectionError, true],
    [503, SinkConnectionError, true],
    [504, SinkConnectionError, true],
  ] as const)('HTTP %i → %o, retriable %s', (status, type, retriable) => {
    const err = errorFromResponse(status, { 'x-odps-request-id': 'hdr' }, Buffer.from('{"Code":"C","Message":"M"}'), where);
    expect(err.constructor).toBe(type);
    expect(err.retriable).toBe(retriable);
    expect(err.context).toEqual({ project: 'p', table: 't', sink: 'mc', status, serverCode: 'C', requestId: 'hdr' });
    expect(err.message).toContain(`HTTP ${status} C: M, request hdr`);
    expect(isMaxComputeNotFound(err)).toBe(status === 404);
  });

  it('409 on instance creation is a busy server: retried', () => {
    expect(errorFromResponse(409, {}, xmlError, where, { retryConflict: true }).retriable).toBe(true);
  });

  it('messages say what to fix', () => {
    expect(errorFromResponse(404, {}, xmlError, where).message).toBe(
      'MaxCompute cannot read table p.t: not found (HTTP 404 Some&Code: a <b> message, request r1); check that table p.t exists and the project name of destination "mc"',
    );
    expect(errorFromResponse(403, {}, Buffer.alloc(0), { what: 'find the tunnel endpoint', project: 'p' }).message).toBe(
      "MaxCompute refused to find the tunnel endpoint (HTTP 403); check accessKeyId and accessKeySecret (and securityToken with STS), that this machine's clock is right, and that the account may access project p",
    );
  });
});

describe('no answer', () => {
  it.each(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE'])('%s is a retriable connection error', (code) => {
    const err = errorFromNetwork(Object.assign(new Error('boom'), { code }), where, 'http://h/api');
    expect(err).toBeInstanceOf(SinkConnectionError);
    expect(err.retriable).toBe(true);
    expect(err.message).toBe(`cannot reach MaxCompute at http://h/api to read table p.t (${code}: boom)`);
    expect(err.context).toMatchObject({ status: 0, endpoint: 'http://h/api' });
  });

  it('a request Node refuses to send (bad header, bad URL) is a bug: not retried', () => {
    const err = errorFromNetwork(Object.assign(new TypeError('Invalid character in header content'), { code: 'ERR_INVALID_CHAR' }), where, 'http://h/api');
    expect(err.retriable).toBe(false);
  });
});
