/**
 * The FC sink against the Sink contract: a target function (test/helpers/fc-target.ts) behind the
 * local FC endpoint (shared/runtime/fc/local-endpoint), which verifies the FC 2.0 signature of
 * every invocation. The function refuses what `refuse` names by throwing, as a user's function
 * does; three records per invocation, so a refused record leaves earlier invocations acknowledged.
 */
import { rm } from 'node:fs/promises';
import { silentLogger } from '../../shared/log.ts';
import { startLocalFcEndpoint } from '../../shared/runtime/fc/local-endpoint/index.ts';
import type { RowRecord } from '../../shared/record/index.ts';
import { createFcSink, fcDestinationSchema } from '../../shared/sink/fc/index.ts';
import { Secret } from '../../shared/task/secret.ts';
import { createFcTarget, type FcRecord } from '../helpers/fc-target.ts';
import { sinkContract, type DeliveredRecord } from './sink.contract.ts';

const KEY = { accessKeyId: 'LTAI-sink-contract', accessKeySecret: 'sink-contract-secret' };

/** An FC record as the contract compares it: the row image is `data[0]` (the before image for DELETE). */
function delivered(r: FcRecord): DeliveredRecord {
  return { id: r.id, op: r.type, table: `${String(r.database)}.${String(r.table)}`, values: r.data?.[0] ?? {} };
}

sinkContract({
  name: 'fc',
  async newTarget({ maxRecordBytes }) {
    const target = await createFcTarget();
    const endpoint = await startLocalFcEndpoint({ dir: target.dir, port: 0, credentials: KEY, service: 'dts', functionName: 'sink', log: silentLogger, writeLogLine: () => {} });
    const parsed = fcDestinationSchema.parse({
      type: 'fc',
      name: 'fc',
      region: 'cn-hangzhou',
      accountId: '1234567890',
      endpoint: endpoint.url,
      accessKeyId: KEY.accessKeyId,
      accessKeySecret: KEY.accessKeySecret,
      service: 'dts',
      function: 'sink',
      maxInvocationRecords: 3,
      maxRecordBytes,
    });
    const config = { ...parsed, accessKeySecret: new Secret(KEY.accessKeySecret), securityToken: undefined };
    return {
      newSink: (deps) => createFcSink(config, deps),
      readBack: async () => (await target.delivered()).map(delivered),
      refuse: (record) => target.failOn({ value: String((record as RowRecord).after![1]), message: 'the warehouse refused this row' }),
      heal: () => target.clearFailure(),
      async cleanup() {
        await endpoint.close();
        await rm(target.dir, { recursive: true, force: true });
      },
    };
  },
});
