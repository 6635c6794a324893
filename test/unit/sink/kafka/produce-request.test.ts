/**
 * The Produce request the sink's kafkajs copy sends, for every version it negotiates (3-7), against
 * kafkajs 2.2.4's own request encoders for the same arguments: the same bytes for every codec,
 * several topics and partitions, idempotent and not, transactional id; acks=0 expects no response.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { registerCodecs, type KafkajsCodecRegistry } from '../../../../shared/sink/kafka/codecs.ts';
import { tunedProduceProtocol } from '../../../../shared/sink/kafka/kafkajs-tuning.ts';
import type { ProduceRequestArgs } from '../../../../shared/sink/kafka/produce-request.ts';

const require = createRequire(import.meta.url);
registerCodecs(require('kafkajs') as KafkajsCodecRegistry);

interface Request {
  apiVersion: number;
  expectResponse(): boolean;
  encode(): Promise<{ buffer: Buffer }>;
}
type Build = (args: ProduceRequestArgs) => { request: Request; response: unknown };

const T0 = 1_764_800_000_000;
const topicData = (n: number): ProduceRequestArgs['topicData'] => [
  {
    topic: 'db.orders',
    partitions: [0, 2].map((partition) => ({
      partition,
      firstSequence: 40 + partition,
      messages: Array.from({ length: n }, (_, i) => ({ value: Buffer.from(`{"id":${i},"p":${partition}}`), timestamp: T0 + i })),
    })),
  },
  { topic: 'ddl', partitions: [{ partition: 1, firstSequence: 0, messages: [{ key: 'k', value: 'CREATE TABLE t (id int)', headers: { h: ['1', '2'] }, timestamp: T0 }] }] },
];

describe('Produce request v3-v7 through the RecordBatch writer', () => {
  it('is the map the sink kafkajs copy sends with (ZSTD is refused by the writer, not by kafkajs)', async () => {
    const request = (tunedProduceProtocol!({ version: 7 }) as unknown as Build)({ acks: -1, timeout: 1000, compression: 4, topicData: topicData(1) }).request;
    await expect(request.encode()).rejects.toThrow('compression type 4 is not supported by the RecordBatch writer');
  });

  for (const version of [3, 4, 5, 6, 7]) {
    const original = require(`kafkajs/src/protocol/requests/produce/v${version}/request.js`) as (args: ProduceRequestArgs) => Request;
    for (const compression of [0, 1, 2, 3]) {
      for (const [name, extra] of [
        ['idempotent', { producerId: '4711', producerEpoch: 3 }],
        ['not idempotent', {}],
        ['transactional', { transactionalId: 'tx-1', producerId: 9, producerEpoch: 1 }],
      ] as const) {
        it(`v${version}, compression ${compression}, ${name}: kafkajs's bytes`, async () => {
          const args: ProduceRequestArgs = { acks: -1, timeout: 30_000, compression, topicData: topicData(300), ...extra };
          const ours = (tunedProduceProtocol!({ version }) as unknown as Build)(args).request;
          expect(ours.apiVersion).toBe(version);
          expect(ours.expectResponse()).toBe(true);
          expect((await ours.encode()).buffer.equals((await original(args).encode()).buffer)).toBe(true);
        });
      }
    }
  }

  it('acks=0 expects no response', () => {
    const request = (tunedProduceProtocol!({ version: 7 }) as unknown as Build)({ acks: 0, timeout: 1000, topicData: topicData(1) }).request;
    expect(request.expectResponse()).toBe(false);
  });
});
