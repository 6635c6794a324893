/**
 * The Function Compute destination: records become `{"Records":[…]}` events (encode/fc-records)
 * and go to the target function by synchronous invocation, one at a time, in binlog order. It
 * writes through: an invocation the function returned from without error acknowledges its
 * records. A failed invocation (or a record above the limit) ends the call with the records of
 * the invocations before it acknowledged and the failure; the delivery loop (ops/delivery.ts)
 * keeps that prefix and retries from the failed invocation, so the function never gets a record
 * it acknowledged twice from one run. Nothing is buffered, so `flush` has nothing to do.
 */
import { encodeFcRecord, fcEvent } from '../../encode/fc-records/index.ts';
import type { Logger } from '../../log.ts';
import type { ChangeRecord } from '../../record/index.ts';
import { RecordTooLargeError } from '../errors.ts';
import type { Sink } from '../types.ts';
import { FC_RECORD_LIMIT } from './config.ts';
import { classifyFcError, functionFailedError, type FcWhere } from './errors.ts';
import { createFc2Invoker } from './fc2-invoker.ts';
import { createFc3Invoker } from './fc3-invoker.ts';
import { planInvocations } from './invocations.ts';
import type { FcInvoker, InvocationResult, ResolvedFcConfig } from './invoker.ts';

export interface FcSinkDeps {
  readonly log: Logger;
  readonly now?: () => number;
  /** Replaces the SDK client (unit tests). */
  readonly invoker?: FcInvoker;
}

function createInvoker(config: ResolvedFcConfig): FcInvoker {
  if (config.fcVersion === '3.0') return createFc3Invoker(config);
  // The schema requires a service for FC 2.0.
  return createFc2Invoker({ ...config, service: config.service ?? '' });
}

function tooLargeFix(config: ResolvedFcConfig): string {
  if (config.maxRecordBytes < FC_RECORD_LIMIT) return `raise maxRecordBytes of destination "${config.name}" (at most ${FC_RECORD_LIMIT}) and restart the task`;
  return 'a function takes at most 16 MB per record (as in DTS): leave the large columns out of the task or shrink the row, then restart the task';
}

export function createFcSink(config: ResolvedFcConfig, deps: FcSinkDeps): Sink {
  const now = deps.now ?? Date.now;
  const invoker = deps.invoker ?? createInvoker(config);
  const where: FcWhere = { sink: config.name, target: invoker.target };
  const limits = { maxRecords: config.maxInvocationRecords, maxBytes: config.maxInvocationBytes, maxRecordBytes: config.maxRecordBytes };
  /** Id of the last record the function acknowledged. */
  let acknowledgedThrough = 0;

  async function invoke(event: Buffer): Promise<InvocationResult> {
    try {
      return await invoker.invoke(event);
    } catch (err) {
      throw classifyFcError(err, where);
    }
  }

  return {
    name: config.name,
    async connect() {
      deps.log.info('delivering to Function Compute', { fcVersion: config.fcVersion, region: config.region, function: invoker.target, endpoint: config.endpoint ?? 'default' });
    },
    async deliver(records: readonly ChangeRecord[]) {
      if (records.length === 0) return { acknowledgedThrough };
      const nowMs = now();
      for (const step of planInvocations(records, (r) => encodeFcRecord(r, { nowMs }), limits)) {
        if (step.kind === 'too-large') {
          return { acknowledgedThrough, failure: new RecordTooLargeError(step.record, step.bytes, config.maxRecordBytes, tooLargeFix(config), { sink: config.name, function: invoker.target }) };
        }
        const started = Date.now();
        let result: InvocationResult;
        try {
          result = await invoke(fcEvent(step.texts));
        } catch (err) {
          return { acknowledgedThrough, failure: err };
        }
        if (result.errorType !== undefined) return { acknowledgedThrough, failure: functionFailedError(where, result.errorType, result.body, result.requestId, step.records.length) };
        acknowledgedThrough = step.records.at(-1)!.id;
        deps.log.debug('invoked the function', { count: step.records.length, bytes: step.bytes, durationMs: Date.now() - started, requestId: result.requestId });
      }
      return { acknowledgedThrough };
    },
    async close() {},
  };
}
