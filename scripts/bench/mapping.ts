/**
 * What the object mapping costs at delivery: N records of the benches' 16-column table, taken as
 * ops/delivery.ts takes them (mapping applied, then Canal JSON encoded), with no mapping, with
 * renames only (new names, rows passed through) and with two columns dropped (rows copied), in
 * alternating rounds in one process. Prints one JSON line per case: the median round's records/s.
 *
 *   npm run bench -- mapping [--rows 200000] [--rounds 7]
 */
import { parseArgs } from 'node:util';
import { encodeCanalJson } from '../../shared/encode/canal-json/index.ts';
import { silentLogger } from '../../shared/log.ts';
import { createRecordMapping, type MappingConfig, type RecordMapping } from '../../shared/mapping/index.ts';
import type { ChangeRecord, RowRecord, SourceInfo } from '../../shared/record/index.ts';
import { benchRowValues, benchSchema } from './bench-table.ts';

const NOW_MS = 1_767_225_600_000;

const objects = (columns?: MappingConfig['objects'][number]['tables']): MappingConfig['objects'] => [{ database: 'bench', as: 'bench_dw', tables: columns }];
const cases: Record<string, RecordMapping | null> = {
  'no mapping': null,
  'renames only': createRecordMapping({ objectNameCase: 'upper', objects: objects([{ name: 'catchup', as: 'catchup_v2', columns: { rename: { g: 'name' } } }]) }, silentLogger),
  'two columns dropped': createRecordMapping({ objectNameCase: 'source', objects: objects([{ name: 'catchup', columns: { drop: ['i', 'n'] } }]) }, silentLogger),
};

function round(records: readonly ChangeRecord[], mapping: RecordMapping | null): { seconds: number; bytes: number } {
  let bytes = 0;
  const started = process.hrtime.bigint();
  for (const r of records) bytes += encodeCanalJson(mapping === null ? r : mapping(r), { nowMs: NOW_MS }).length;
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, bytes };
}

export async function main(argv: string[]): Promise<void> {
  const { values: options } = parseArgs({ args: argv, options: { rows: { type: 'string', default: '200000' }, rounds: { type: 'string', default: '7' } } });
  const rows = Number(options.rows);
  const rounds = Number(options.rounds);
  const table = benchSchema();
  const source: SourceInfo = { serverId: 1, file: 'binlog.000001', position: 4, gtid: null, timestampMs: NOW_MS, txId: '1' };
  const records = Array.from({ length: rows }, (_, i): RowRecord => ({ id: i + 1, seq: i, op: 'INSERT', schema: table, before: null, after: benchRowValues(i + 1), source }));
  const seconds = new Map<string, number[]>(Object.keys(cases).map((name) => [name, []]));
  const bytes = new Map<string, number>();
  for (const [name, mapping] of Object.entries(cases)) bytes.set(name, round(records, mapping).bytes);
  for (let i = 0; i < rounds; i++) for (const [name, mapping] of Object.entries(cases)) seconds.get(name)!.push(round(records, mapping).seconds);
  for (const name of Object.keys(cases)) {
    const sorted = seconds.get(name)!.sort((a, b) => a - b);
    const median = sorted[sorted.length >> 1]!;
    process.stdout.write(
      `${JSON.stringify({ bench: 'mapping', case: name, format: 'canal-json', records: rows, rounds, medianSeconds: Number(median.toFixed(3)), recordsPerSecond: Math.round(rows / median), bytesPerRecord: Math.round(bytes.get(name)! / rows) })}\n`,
    );
  }
}
