/**
 * The FC sink over a recording invoker (the SDK clients are tested against the local endpoint in
 * test/integration/fc-signatures.test.ts): events in order and under the limits, the acknowledged
 * prefix after a failed invocation, function errors and oversize records.
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
    type: 'fc',
    name: 'fc',
    fcVersion: '2.0',
    region: 'cn-hangzhou',
    accountId: '1',
    accessKeyId: 'id',
    accessKeySecret: new Secret('s'),
    service: 'svc',
    function: 'fn',
    qualifier: 'LATEST',
    maxInvocationRecords: 500,
    maxInvocationBytes: 30 * 1024 * 1024,
    maxRecordBytes: 16 * 1024 * 1024,
    timeoutMs: 10_000,
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
  it('invokes in order, at most maxInvocationRecords per event, one ts per deliver call, and acknowledges every record', async () => {
    const { invoker, events, ids } = recordingInvoker();
    const sink = createFcSink(config({ maxInvocationRecords: 4 }), { log: silentLogger, invoker, now: () => 1234 });
    expect(await sink.deliver(records)).toEqual({ acknowledgedThrough: 10 });
    expect(ids()).toEqual([
      [1, 2, 3, 4],
      [5, 6, 7, 8],
      [9, 10],
    ]);
    expect(events.flatMap((e) => e.Records.map((r) => r.ts))).toEqual(new Array(10).fill(1234));
    // Writes through: a flush has nothing left to do and repeats the acknowledgement.
    expect(await sink.deliver([], { flush: true })).toEqual({ acknowledgedThrough: 10 });
    expect(events).toHaveLength(3);
  });

  it('reports the prefix before a failed invocation with the function error, and sends nothing after it', async () => {
    const { invoker, ids } = recordingInvoker((event) =>
      event.Records[0]!.id === 5 ? { errorType: 'HandledInvocationError', body: Buffer.from('{"errorMessage":"disk full","errorType":"Error","stackTrace":[]}') } : {},
    );
    const sink = createFcSink(config({ maxInvocationRecords: 4 }), { log: silentLogger, invoker });
    const first = await sink.deliver(records);
    expect(first.acknowledgedThrough).toBe(4);
    expect(first.failure).toBeInstanceOf(SinkWriteError);
    expect(first.failure).toMatchObject({ retriable: true, code: ErrorCodes.SINK_WRITE, message: 'the function svc.LATEST/fn failed on 4 records (HandledInvocationError Error): disk full' });
    expect((first.failure as SinkWriteError).context).toMatchObject({ sink: 'fc', function: 'svc.LATEST/fn', errorType: 'HandledInvocationError', requestId: 'r2' });
    expect(ids()).toEqual([
      [1, 2, 3, 4],
      [5, 6, 7, 8],
    ]);
    // The sink keeps no cursor of its own: what it is handed goes out (the loop hands only the rest).
    const again = await sink.deliver(records.slice(4));
    expect(again.acknowledgedThrough).toBe(4);
    expect(ids()).toEqual([
      [1, 2, 3, 4],
      [5, 6, 7, 8],
      [5, 6, 7, 8],
    ]);
  });

  it('reports a failure of the client itself with the prefix before it', async () => {
    const { invoker } = recordingInvoker((_event, n) => (n === 2 ? Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) : {}));
    const sink = createFcSink(config({ maxInvocationRecords: 3 }), { log: silentLogger, invoker });
    const ack = await sink.deliver(records);
    expect(ack.acknowledgedThrough).toBe(3);
    expect(ack.failure).toMatchObject({ name: 'SinkConnectionError', retriable: true });
  });

  it('takes a non-JSON function error body as the message', async () => {
    const { invoker } = recordingInvoker(() => ({ errorType: 'UnhandledInvocationError', body: Buffer.from('Process exited unexpectedly') }));
    const sink = createFcSink(config(), { log: silentLogger, invoker });
    const ack = await sink.deliver(records.slice(0, 1));
    expect(ack.acknowledgedThrough).toBe(0);
    expect((ack.failure as Error).message).toBe('the function svc.LATEST/fn failed on 1 record (UnhandledInvocationError): Process exited unexpectedly');
  });

  it('delivers what precedes a record above maxRecordBytes, then stops naming table, key and position', async () => {
    const { invoker, ids } = recordingInvoker();
    const big = makeBatch(3, 1).records[0] as RowRecord;
    const note = 'n'.repeat(2000);
    const oversize = { ...big, id: 11, after: big.after!.map((v, i) => (i === 6 ? note : v)) };
    const sink = createFcSink(config({ maxRecordBytes: 1500, maxInvocationBytes: 100_000 }), { log: silentLogger, invoker });
    const ack = await sink.deliver([...records, oversize, { ...big, id: 12 }]);
    const err = ack.failure;
    expect(ack.acknowledgedThrough).toBe(10);
    expect(ids()).toEqual([[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]]);
    expect(err).toBeInstanceOf(RecordTooLargeError);
    expect(err).toMatchObject({ retriable: false });
    expect((err as Error).message).toMatch(
      /^INSERT of shop\.orders primary key \(id\) at mysql-bin\.000001:304 \(gtid 3e11fa47-71ca-11e1-9e33-c80aa9429562:3\) row 0 encodes to \d+ bytes, above the 1500-byte limit; raise maxRecordBytes of destination "fc" \(at most 16777216\) and restart the task$/,
    );
    // At the DTS limit the advice is to leave the large columns out.
    const atLimit = createFcSink(config({ maxRecordBytes: 16 * 1024 * 1024 }), { log: silentLogger, invoker });
    const huge = { ...big, id: 13, after: big.after!.map((v, i) => (i === 6 ? 'h'.repeat(16 * 1024 * 1024) : v)) };
    const refused = await atLimit.deliver([huge]);
    expect(refused.acknowledgedThrough).toBe(0);
    expect((refused.failure as Error).message).toMatch(/above the 16777216-byte limit; a function takes at most 16 MB per record \(as in DTS\): leave the large columns out/);
  });

  it('classifies what the client throws: credentials and missing targets are final, network and throttling retried', async () => {
    const cases: [Error, { name: string; retriable: boolean; message: RegExp }][] = [
      [Object.assign(new Error('failed with 403'), { code: 'SignatureNotMatch' }), { name: 'SinkConnectionError', retriable: false, message: /refused the credentials .* of destination "fc"/ }],
      [Object.assign(new Error('code: 403'), { statusCode: 403, code: 'SignatureDoesNotMatch' }), { name: 'SinkConnectionError', retriable: false, message: /refused the credentials/ }],
      [Object.assign(new Error('skew'), { code: 'RequestTimeTooSkewed' }), { name: 'SinkConnectionError', retriable: false, message: /set this machine's clock right/ }],
      [
        Object.assign(new Error('no fn'), { code: 'FunctionNotFound' }),
        { name: 'SinkConnectionError', retriable: false, message: /has no function svc\.LATEST\/fn .* check service, function and qualifier/ },
      ],
      [Object.assign(new Error('big'), { statusCode: 413, code: 'RequestEntityTooLarge' }), { name: 'SinkWriteError', retriable: false, message: /lower maxInvocationBytes/ }],
      [Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), { name: 'SinkConnectionError', retriable: true, message: /cannot reach FC/ }],
      [Object.assign(new Error('ReadTimeout(10000)'), { name: 'RequestTimeoutError' }), { name: 'SinkConnectionError', retriable: true, message: /cannot reach FC/ }],
      [Object.assign(new Error('throttled'), { statusCode: 429, code: 'ResourceThrottled' }), { name: 'SinkWriteError', retriable: true, message: /FC did not run/ }],
      [Object.assign(new Error('oops'), { statusCode: 500, code: 'InternalServerError' }), { name: 'SinkWriteError', retriable: true, message: /FC did not run/ }],
    ];
    for (const [thrown, expected] of cases) {
      const { invoker } = recordingInvoker(() => thrown);
      const ack = await createFcSink(config(), { log: silentLogger, invoker }).deliver(records.slice(0, 1));
      expect(ack.acknowledgedThrough).toBe(0);
      const err = ack.failure as Error & { retriable: boolean };
      expect({ name: err.name, retriable: err.retriable }).toEqual({ name: expected.name, retriable: expected.retriable });
      expect(err.message).toMatch(expected.message);
      expect(err.cause).toBe(thrown);
    }
  });

  it('sends nothing for an empty delivery', async () => {
    const { invoker, events } = recordingInvoker();
    expect(await createFcSink(config(), { log: silentLogger, invoker }).deliver([])).toEqual({ acknowledgedThrough: 0 });
    expect(events).toEqual([]);
  });
});
