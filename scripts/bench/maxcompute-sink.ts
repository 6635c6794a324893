/**
 * The MaxCompute destination alone: N INSERT records of the catchup table's 16 columns (values as
 * the reader produces them) handed to the sink in queue-sized calls, then a final flush; the clock
 * stops when every row is committed to `catchup_log` in the local endpoint (its own process).
 * Measures encoding, buffering, Tunnel uploads and commits without the reader and the queue.
 *
 *   npm run bench -- maxcompute-sink [--rows 1000000] [--call 20000] [--flush-rows 100000] [--flush-mb 64]
 */
import { parseArgs } from 'node:util';
import { type ChangeRecord, type RowRecord, type TableSchema } from '../../shared/record/index.ts';
import { maxComputeDestinationSchema } from '../../shared/sink/maxcompute/config.ts';
import { createMaxComputeSink } from '../../shared/sink/maxcompute/index.ts';
import { Secret } from '../../shared/task/secret.ts';
import { benchLogger, peakRssMiB } from './bench-env.ts';
import { benchRowValues, benchSchema } from './bench-table.ts';
import { startMaxComputeProcess, untilCommitted } from './maxcompute-endpoint.ts';

/** The same values as catchup.ts's row(id), in the record model. */
function record(table: TableSchema, id: number, timestampMs: number): RowRecord {
  const after = benchRowValues(id);
  return { id, seq: 0, op: 'INSERT', schema: table, before: null, after, source: { serverId: 1, file: 'binlog.000001', position: 4, gtid: null, timestampMs, txId: null } };
}

export async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      rows: { type: 'string', default: '1000000' },
      call: { type: 'string', default: '20000' },
      'flush-rows': { type: 'string', default: '100000' },
      'flush-mb': { type: 'string', default: '64' },
    },
  });
  const rows = Number(values.rows);
  const call = Number(values.call);
  const endpoint = await startMaxComputeProcess('.dts/bench-maxcompute-sink');
  try {
    const parsed = maxComputeDestinationSchema.parse({
      type: 'maxcompute',
      name: 'mc',
      endpoint: endpoint.url,
      project: 'dts_demo',
      accessKeyId: 'dts-local-ak',
      accessKeySecret: 'dts-local-secret',
      flush: { maxRows: Number(values['flush-rows']), maxMegabytes: Number(values['flush-mb']), maxSeconds: 3600 },
    });
    let note: string | null = null;
    const sink = createMaxComputeSink(
      { ...parsed, accessKeyId: new Secret('dts-local-ak'), accessKeySecret: new Secret('dts-local-secret'), securityToken: undefined },
      { log: benchLogger(), checkpoint: { read: async () => note, write: async (n) => void (note = n) } },
    );
    const table = benchSchema();
    const started = Date.now();
    await sink.connect();
    for (let first = 1; first <= rows; first += call) {
      const batch: ChangeRecord[] = [];
      for (let id = first; id < first + call && id <= rows; id++) batch.push(record(table, id, started));
      const ack = await sink.deliver(batch, { flush: first + call > rows });
      if (ack.failure) throw ack.failure;
    }
    const seconds = await untilCommitted(endpoint.dataDir, 'dts_demo', 'catchup_log', rows, started);
    await sink.close();
    process.stdout.write(`${JSON.stringify({ bench: 'maxcompute-sink', rows, seconds: Number(seconds.toFixed(2)), rowsPerSecond: Math.round(rows / seconds), peakRssMiB: peakRssMiB() })}\n`);
  } finally {
    await endpoint.stop();
  }
}
