/**
 * Encoder throughput alone: N records of the catchup table's 16 columns (values as the reader
 * produces them), built in memory, encoded by the live encoders and by the frozen pre-issue-12
 * copies (test/unit/encode/<format>/reference/) in alternating rounds in one process, so both
 * see the same machine state. Prints one JSON line per case: the median round's records/s, the
 * output bytes and the heap after the last round.
 *
 *   npm run bench -- encode [--rows 200000] [--rounds 7] [--op insert|update] [--tx 1000] [--format canal-json|dts-avro|all]
 */
import { parseArgs } from 'node:util';
import { encodeCanalJson } from '../../shared/encode/canal-json/index.ts';
import { encodeDtsAvro } from '../../shared/encode/dts-avro/index.ts';
import { type ChangeRecord, type RowRecord, type SourceInfo, type TableSchema } from '../../shared/record/index.ts';
import { referenceEncodeCanalJson } from '../../test/unit/encode/canal-json/reference/index.ts';
import { referenceEncodeDtsAvro } from '../../test/unit/encode/dts-avro/reference/index.ts';
import { peakRssMiB } from './bench-env.ts';
import { benchRowValues, benchSchema } from './bench-table.ts';

/** Records of one transaction share their source, as the reader hands them out (catchup inserts 1,000 rows per statement). */
function sourceOf(id: number, tx: number): SourceInfo {
  const first = id - ((id - 1) % tx);
  return { serverId: 1, file: 'binlog.000001', position: 4 + first, gtid: null, timestampMs: 1_767_225_600_000 + first, txId: String(first) };
}

function record(table: TableSchema, id: number, op: 'insert' | 'update', source: SourceInfo): RowRecord {
  if (op === 'insert') return { id, seq: 0, op: 'INSERT', schema: table, before: null, after: benchRowValues(id), source };
  // An UPDATE that changes three of the sixteen columns.
  const before = benchRowValues(id);
  const after = [...before];
  after[1] = (id + 1) % 100000;
  after[7] = `name-${id}-changed`;
  after[11] = null;
  return { id, seq: 0, op: 'UPDATE', schema: table, before, after, source };
}

type Encode = (record: ChangeRecord) => Buffer;

const NOW_MS = 1_767_225_600_000;

const cases: Record<string, { format: string; implementation: string; encode: Encode }> = {
  'canal-json/before': { format: 'canal-json', implementation: 'before (reference copy)', encode: (r) => referenceEncodeCanalJson(r, { nowMs: NOW_MS }) },
  'canal-json/after': { format: 'canal-json', implementation: 'after (live encoder)', encode: (r) => encodeCanalJson(r, { nowMs: NOW_MS }) },
  'dts-avro/before': { format: 'dts-avro', implementation: 'before (reference copy)', encode: (r) => referenceEncodeDtsAvro(r, { sourceVersion: '10.11.6-MariaDB' }) },
  'dts-avro/after': { format: 'dts-avro', implementation: 'after (live encoder)', encode: (r) => encodeDtsAvro(r, { sourceVersion: '10.11.6-MariaDB' }) },
};

function round(records: readonly ChangeRecord[], encode: Encode): { seconds: number; bytes: number } {
  let bytes = 0;
  const started = process.hrtime.bigint();
  for (const r of records) bytes += encode(r).length;
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, bytes };
}

export async function main(argv: string[]): Promise<void> {
  const { values: options } = parseArgs({
    args: argv,
    options: {
      rows: { type: 'string', default: '200000' },
      rounds: { type: 'string', default: '7' },
      op: { type: 'string', default: 'insert' },
      format: { type: 'string', default: 'all' },
      tx: { type: 'string', default: '1000' },
    },
  });
  const rows = Number(options.rows);
  const rounds = Number(options.rounds);
  const op = options.op === 'update' ? 'update' : 'insert';
  const table = benchSchema();
  const tx = Number(options.tx);
  let source = sourceOf(1, tx);
  const records = Array.from({ length: rows }, (_, i) => {
    if (i % tx === 0) source = sourceOf(i + 1, tx);
    return record(table, i + 1, op, source);
  });
  const chosen = Object.entries(cases).filter(([, c]) => options.format === 'all' || c.format === options.format);
  const seconds = new Map<string, number[]>(chosen.map(([name]) => [name, []]));
  const bytes = new Map<string, number>();
  // Warm-up round per case, then rounds alternate between the cases.
  for (const [name, c] of chosen) bytes.set(name, round(records, c.encode).bytes);
  for (let i = 0; i < rounds; i++) {
    for (const [name, c] of chosen) seconds.get(name)!.push(round(records, c.encode).seconds);
  }
  for (const [name, c] of chosen) {
    const sorted = seconds.get(name)!.sort((a, b) => a - b);
    const median = sorted[sorted.length >> 1]!;
    process.stdout.write(
      `${JSON.stringify({
        bench: 'encode',
        format: c.format,
        implementation: c.implementation,
        op,
        records: rows,
        recordsPerTransaction: tx,
        rounds,
        medianSeconds: Number(median.toFixed(3)),
        recordsPerSecond: Math.round(rows / median),
        bytesPerRecord: Math.round(bytes.get(name)! / rows),
      })}\n`,
    );
  }
  process.stdout.write(`${JSON.stringify({ bench: 'encode', heapUsedMiB: Math.round(process.memoryUsage().heapUsed / 1048576), peakRssMiB: peakRssMiB() })}\n`);
}
