/**
 * The queue payload codec alone: N INSERT records of the catchup table's 16 columns (values as the
 * reader produces them, as in maxcompute-sink.ts), in batches of --batch records sharing one
 * transaction, encoded and decoded with payload version 1 (v8.serialize) and version 2 (ours).
 * Each codec runs --rounds times, alternating, and the best round counts. One JSON line.
 *
 *   npm run bench -- queue-codec [--rows 200000] [--batch 1000] [--rounds 5]
 */
import { serialize } from 'node:v8';
import { parseArgs } from 'node:util';
import { decodeBatch, encodeBatch } from '../../shared/queue/codec.ts';
import { type Batch, type RowRecord, type SourceInfo, type TableSchema } from '../../shared/record/index.ts';
import { peakRssMiB } from './bench-env.ts';
import { benchRowValues, benchSchema } from './bench-table.ts';

function record(table: TableSchema, id: number, source: SourceInfo, seq: number): RowRecord {
  const after = benchRowValues(id);
  return { id, seq, op: 'INSERT', schema: table, before: null, after, source };
}

function batches(rows: number, size: number): Batch[] {
  const table = benchSchema();
  const out: Batch[] = [];
  for (let first = 1; first <= rows; first += size) {
    const source: SourceInfo = {
      serverId: 1,
      serverVersion: '11.4.2-MariaDB',
      file: 'binlog.000001',
      position: first * 100,
      gtid: `0-1-${first}`,
      timestampMs: 1_767_322_000_000 + first,
      txId: String(first),
    };
    const records: RowRecord[] = [];
    for (let id = first; id < first + size && id <= rows; id++) records.push(record(table, id, source, id - first));
    const last = records[records.length - 1]!.id;
    out.push({
      records,
      resume: { file: 'binlog.000001', position: (last + 1) * 100, gtidSet: `0-1-${last}`, nextRecordId: last + 1 },
      endsTransaction: true,
      lastRecordId: last,
      sourceTimeMs: 1_767_322_000_000 + first,
    });
  }
  return out;
}

function encodeV1(batch: Batch): Buffer {
  const body = serialize(batch);
  const out = Buffer.allocUnsafe(1 + body.length);
  out[0] = 1;
  body.copy(out, 1);
  return out;
}

interface Round {
  encodeMs: number;
  decodeMs: number;
  bytes: number;
}

function round(input: Batch[], encode: (b: Batch) => Buffer): Round {
  let t = performance.now();
  const payloads = input.map(encode);
  const encodeMs = performance.now() - t;
  t = performance.now();
  let records = 0;
  for (const p of payloads) records += decodeBatch(p).records.length;
  const decodeMs = performance.now() - t;
  if (records !== input.reduce((n, b) => n + b.records.length, 0)) throw new Error('decoded a different number of records');
  return { encodeMs, decodeMs, bytes: payloads.reduce((n, p) => n + p.length, 0) };
}

export async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { rows: { type: 'string', default: '200000' }, batch: { type: 'string', default: '1000' }, rounds: { type: 'string', default: '5' } } });
  const rows = Number(values.rows);
  const input = batches(rows, Number(values.batch));
  const best: Record<'v1' | 'v2', Round> = { v1: { encodeMs: Infinity, decodeMs: Infinity, bytes: 0 }, v2: { encodeMs: Infinity, decodeMs: Infinity, bytes: 0 } };
  for (let i = 0; i < Number(values.rounds); i++) {
    for (const [name, encode] of [
      ['v1', encodeV1],
      ['v2', encodeBatch],
    ] as const) {
      const r = round(input, encode);
      best[name] = { encodeMs: Math.min(best[name].encodeMs, r.encodeMs), decodeMs: Math.min(best[name].decodeMs, r.decodeMs), bytes: r.bytes };
    }
  }
  const report = (r: Round) => ({
    encodeRecordsPerSecond: Math.round(rows / (r.encodeMs / 1000)),
    decodeRecordsPerSecond: Math.round(rows / (r.decodeMs / 1000)),
    bytesPerRecord: Number((r.bytes / rows).toFixed(1)),
  });
  const heapUsedMiB = Math.round(process.memoryUsage().heapUsed / 1048576);
  process.stdout.write(`${JSON.stringify({ bench: 'queue-codec', rows, batch: Number(values.batch), v1: report(best.v1), v2: report(best.v2), heapUsedMiB, peakRssMiB: peakRssMiB() })}\n`);
}
