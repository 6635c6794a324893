/**
 * Cuts records into invocations, in order: each holds at most `maxRecords` records and its event
 * at most `maxBytes` bytes. A record encoding to more than `maxRecordBytes` ends the plan: what
 * precedes it is still invoked, then the record is reported (it is never skipped). Records are
 * encoded once, lazily, so a large read costs one invocation's worth of encoded text at a time.
 */
import type { ChangeRecord } from '../../record/index.ts';
import { EVENT_OVERHEAD_BYTES } from '../../encode/fc-records/index.ts';

export interface InvocationLimits {
  readonly maxRecords: number;
  readonly maxBytes: number;
  readonly maxRecordBytes: number;
}

export type PlannedStep =
  | { readonly kind: 'invoke'; readonly records: readonly ChangeRecord[]; readonly texts: readonly string[]; readonly bytes: number }
  | { readonly kind: 'too-large'; readonly record: ChangeRecord; readonly bytes: number };

export function* planInvocations(records: readonly ChangeRecord[], encode: (record: ChangeRecord) => string, limits: InvocationLimits): Generator<PlannedStep> {
  let batch: ChangeRecord[] = [];
  let texts: string[] = [];
  let bytes = EVENT_OVERHEAD_BYTES;
  for (const record of records) {
    const text = encode(record);
    const size = Buffer.byteLength(text, 'utf8');
    if (size > limits.maxRecordBytes) {
      if (batch.length > 0) yield { kind: 'invoke', records: batch, texts, bytes };
      yield { kind: 'too-large', record, bytes: size };
      return;
    }
    const grown = bytes + size + (batch.length > 0 ? 1 : 0);
    if (batch.length > 0 && (batch.length >= limits.maxRecords || grown > limits.maxBytes)) {
      yield { kind: 'invoke', records: batch, texts, bytes };
      batch = [];
      texts = [];
      bytes = EVENT_OVERHEAD_BYTES;
    }
    bytes += size + (batch.length > 0 ? 1 : 0);
    batch.push(record);
    texts.push(text);
  }
  if (batch.length > 0) yield { kind: 'invoke', records: batch, texts, bytes };
}
