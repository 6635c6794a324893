/**
 * The FC sink over a recording invoker (the SDK clients are tested against the local endpoint in
 * test/integration/fc-signatures.test.ts): events in order and under the limits, acknowledged
 * records not re-sent after a failed invocation, function errors and oversize records.
 */
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../../shared/log.ts';
import type { RowRecord } from '../../../../shared/record/index.ts';
import { ErrorCodes } from '../../../../shared/errors.ts';
import { RecordTooLargeError, SinkWriteError } from '../../../../shared/sink/errors.ts';
import { createFcSink, type FcInvoker, type InvocationResult, type ResolvedFcConfig } from '../../../../shared/sink/fc/index.ts';
import { Secret } from '../../../../shared/task/secret.ts';
import { makeBatch } from '../../../helpers/queue-batches.ts';

function config(overrides: Partial<ResolvedFcConfig> = {}): ResolvedFcConfig {
  return {
    type: 'fc', name: 'fc', fcVersion: '2.0', region: 'cn-hangzhou', accountId: '1', accessKeyId: 'id', accessKeySecret: new Secret('s'),
    service: 'svc', function: 'fn', qualifier: 'LATEST', maxInvocationRecords: 500, maxInvocationBytes: 30 * 1024 * 1024, maxRecordBytes: 16 * 1024 * 1024, timeoutMs: 10_000,
    ...overrides,
  };
}

/** Records every event; `answer` decides each invocation's outcome. */
function recordingInvoker(answer: (event: { Records: { id: number }[] }, n: number) => Partial<InvocationResult> | Error = () => ({})) {
  const events: { Records: { id: number; ts: number }[] }[] = [];
  const invoker: FcInvoker = {
    target: 'svc.LATEST/fn',
    async invoke(event) {
      const parsed = JSON.parse(event.toString('utf8')) as { Records: { id: number; ts: number }[] };
      events.push(parsed);
      const a = answer(parsed, events.length);
      if (a instanceof Error) throw a;
      return { requestId: `r${events.length}`, body: Buffer.alloc(0), ...a };
    },
  };
  return { invoker, events, ids: () => events.map((e) => e.Records.map((r) => r.id)) };
}

const records = [...makeBatch(1, 5).records, ...makeBatch(2, 5).records]; // ids 1..10

describe('FC sink', () => {
  it('invokes in order, at most maxInvocationRecords per event, one ts per deliver call', async () => {
    const { invoker, events, ids } = recordingInvoker();
    const sink = createFcSink(config({ maxInvocationRecords: 4 }), { log: silentLogger, invoker, now: () => 1234 });
    await sink.deliver(records);
    expect(ids()).toEqual([[1, 2, 3, 4], [5, 6, 7, 8], [9, 10]]);
    expect(events.flatMap((e) => e.Records.map((r) => r.ts))).toEqual(new Array(10).fill(1234));
  });

  it('rejects with the function error and, retried, starts at the failed invocation', async () => {
    let failures = 2;
    const { invoker, ids } = recordingInvoker((event) =>
      event.Records[0]!.id === 5 && failures-- > 0 ? { errorType: 'HandledInvocationError', body: Buffer.from('{"errorMessage":"disk full","errorType":"Error","stackTrace":[]}') } : {},
    );
    const sink = createFcSink(config({ maxInvocationRecords: 4 }), { log: silentLogger, invoker });
    const first = await sink.deliver(records).catch((e: unknown) => e);
    expect(first).toBeInstanceOf(SinkWriteError);
    expect(first).toMatchObject({ retriable: true, code: ErrorCodes.SINK_WRITE, message: 'the function svc.LATEST/fn failed on 4 records (HandledInvocationError Error): disk full' });
    expect((first as SinkWriteError).context).toMatchObject({ sink: 'fc', function: 'svc.LATEST/fn', errorType: 'HandledInvocationError', requestId: 'r2' });
    await expect(sink.deliver(records)).rejects.toThrow('disk full');
    // The same records come again (as the delivery loop re-reads them): only the unacknowledged go out.
    await sink.deliver(records);
    expect(ids()).toEqual([[1, 2, 3, 4], [5, 6, 7, 8], [5, 6, 7, 8], [5, 6, 7, 8], [9, 10]]);
    await sink.deliver(records);
    expect(ids()).toHaveLength(5);
  });

  it('takes a non-JSON function error body as the message', async () => {
    const { invoker } = recordingInvoker(() => ({ errorType: 'UnhandledInvocationError', body: Buffer.from('Process exited unexpectedly') }));
    const sink = createFcSink(config(), { log: silentLogger, invoker });
    await expect(sink.deliver(records.slice(0, 1))).rejects.toThrow('the function svc.LATEST/fn failed on 1 record (UnhandledInvocationError): Process exited unexpectedly');
  });

  it('delivers what precedes a record above maxRecordBytes, then stops naming table, key and position', async () => {
    const { invoker, ids } = recordingInvoker();
    const big = makeBatch(3, 1).records[0] as RowRecord;
    const note = 'n'.repeat(2000);
    const oversize = { ...big, id: 11, after: big.after!.map((v, i) => (i === 6 ? note : v)) };
    const sink = createFcSink(config({ maxRecordBytes: 1500, maxInvocationBytes: 100_000 }), { log: silentLogger, invoker });
    const err = await sink.deliver([...records, oversize, { ...big, id: 12 }]).catch((e: unknown) => e);
    expect(ids()).toEqual([[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]]);
    expect(err).toBeInstanceOf(RecordTooLargeError);
    expect(err).toMatchObject({ retriable: false });
    expect((err as Error).message).toMatch(/^INSERT of shop\.orders primary key \(id=3000\) at mysql-bin\.000001:304 \(gtid 3e11fa47-71ca-11e1-9e33-c80aa9429562:3\) row 0 encodes to \d+ bytes, above the 1500-byte limit; raise maxRecordBytes of destination "fc" \(at most 16777216\) and restart the task$/);
    // At the DTS limit the advice is to leave the large columns out.
    const atLimit = createFcSink(config({ maxRecordBytes: 16 * 1024 * 1024 }), { log: silentLogger, invoker });
    const huge = { ...big, id: 13, after: big.after!.map((v, i) => (i === 6 ? 'h'.repeat(16 * 1024 * 1024) : v)) };
    await expect(atLimit.deliver([huge])).rejects.toThrow(/above the 16777216-byte limit; a function takes at most 16 MB per record \(as in DTS\): leave the large columns out/);
  });

  it('classifies what the client throws: credentials and missing targets are final, network and throttling retried', async () => {
    const cases: [Error, { name: string; retriable: boolean; message: RegExp }][] = [
      [Object.assign(new Error('failed with 403'), { code: 'SignatureNotMatch' }), { name: 'SinkConnectionError', retriable: false, message: /refused the credentials .* of destination "fc"/ }],
      [Object.assign(new Error('code: 403'), { statusCode: 403, code: 'SignatureDoesNotMatch' }), { name: 'SinkConnectionError', retriable: false, message: /refused the credentials/ }],
      [Object.assign(new Error('skew'), { code: 'RequestTimeTooSkewed' }), { name: 'SinkConnectionError', retriable: false, message: /set this machine's clock right/ }],
      [Object.assign(new Error('no fn'), { code: 'FunctionNotFound' }), { name: 'SinkConnectionError', retriable: false, message: /has no function svc\.LATEST\/fn .* check service, function and qualifier/ }],
      [Object.assign(new Error('big'), { statusCode: 413, code: 'RequestEntityTooLarge' }), { name: 'SinkWriteError', retriable: false, message: /lower maxInvocationBytes/ }],
      [Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), { name: 'SinkConnectionError', retriable: true, message: /cannot reach FC/ }],
      [Object.assign(new Error('ReadTimeout(10000)'), { name: 'RequestTimeoutError' }), { name: 'SinkConnectionError', retriable: true, message: /cannot reach FC/ }],
      [Object.assign(new Error('throttled'), { statusCode: 429, code: 'ResourceThrottled' }), { name: 'SinkWriteError', retriable: true, message: /FC did not run/ }],
      [Object.assign(new Error('oops'), { statusCode: 500, code: 'InternalServerError' }), { name: 'SinkWriteError', retriable: true, message: /FC did not run/ }],
    ];
    for (const [thrown, expected] of cases) {
      const { invoker } = recordingInvoker(() => thrown);
      const err = (await createFcSink(config(), { log: silentLogger, invoker }).deliver(records.slice(0, 1)).catch((e: unknown) => e)) as Error & { retriable: boolean };
      expect({ name: err.name, retriable: err.retriable }).toEqual({ name: expected.name, retriable: expected.retriable });
      expect(err.message).toMatch(expected.message);
      expect(err.cause).toBe(thrown);
    }
  });

  it('sends nothing for an empty delivery', async () => {
    const { invoker, events } = recordingInvoker();
    await createFcSink(config(), { log: silentLogger, invoker }).deliver([]);
    expect(events).toEqual([]);
  });
});
