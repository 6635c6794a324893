/**
 * Several produce requests in flight from one idempotent producer (shared/sink/kafka/pipelined-send.ts),
 * over a fake cluster, broker and eosManager with kafkajs's shapes: sequence numbers are taken in
 * call order under the broker lock, the lock is let go before the answer comes (the next request
 * leaves while the first is on the wire), request bodies reach the connection in sequence order
 * even when a later one is ready first, nothing is retried, and a producer that is not idempotent
 * goes through kafkajs's own sendMessages.
 */
import { describe, expect, it } from 'vitest';
import { pipelinedSendMessages, takeTurn } from '../../../../shared/sink/kafka/pipelined-send.ts';

interface Produced {
  readonly firstSequence: number;
  readonly messages: number;
}

function fakeDeps(options: { idempotent?: boolean; encodeMs?: (n: number) => number; answer?: (n: number) => Promise<void> } = {}) {
  const events: string[] = [];
  const handed: number[] = [];
  let sequence = 0;
  let locked = false;
  const lockWaiters: (() => void)[] = [];
  let produced = 0;
  const broker = {
    nodeId: 1,
    async produce(args: Record<string, unknown>) {
      const n = produced++;
      const topicData = args.topicData as { topic: string; partitions: Produced[] }[];
      const first = topicData[0]!.partitions[0]!.firstSequence;
      events.push(`produce ${n} seq ${first}`);
      // The body is made (compression: a variable time), then handed over in turn.
      await new Promise((r) => setTimeout(r, options.encodeMs?.(n) ?? 0));
      await takeTurn(topicData);
      handed.push(first);
      await (options.answer?.(n) ?? Promise.resolve());
      events.push(`answered ${n}`);
      return { topics: [{ topicName: topicData[0]!.topic, partitions: [{ partition: 0, errorCode: 0, baseOffset: String(first) }] }] };
    },
  };
  let metadata: (() => Promise<void>) | null = null;
  const deps = {
    cluster: {
      addMultipleTargetTopics: async () => {},
      refreshMetadataIfNecessary: async () => {
        const once = metadata;
        metadata = null;
        await once?.();
      },
      findTopicPartitionMetadata: () => [{ partitionId: 0, leader: 1 }],
      findLeaderForPartitions: (_: string, partitions: string[]) => ({ '1': partitions.map(Number) }),
      findBroker: async () => broker,
    },
    partitioner: () => 0,
    eosManager: {
      isInitialized: () => options.idempotent ?? true,
      isTransactional: () => false,
      async acquireBrokerLock() {
        while (locked) await new Promise<void>((r) => lockWaiters.push(r));
        locked = true;
      },
      releaseBrokerLock() {
        locked = false;
        lockWaiters.shift()?.();
      },
      getSequence: () => sequence,
      updateSequence: (_: string, __: number, n: number) => void (sequence += n),
      getProducerId: () => 7,
      getProducerEpoch: () => 0,
    },
  };
  const original = () => async () => {
    events.push('kafkajs sendMessages');
    return ['kafkajs'];
  };
  const serializer = (response: unknown) =>
    (response as { topics: { topicName: string; partitions: { baseOffset: string }[] }[] }).topics.map((t) => ({ topicName: t.topicName, baseOffset: t.partitions[0]!.baseOffset }));
  const send = pipelinedSendMessages({ sendMessages: original as never, responseSerializer: serializer as never, MetadataNotLoaded: Error })(deps as never);
  const batch = (n: number) => ({ acks: -1, timeout: 1000, compression: 0, topicMessages: [{ topic: 't', messages: Array.from({ length: n }, () => ({ value: 'x' })) }] });
  const slowMetadataOnce = (ms: number) => void (metadata = () => new Promise((r) => setTimeout(r, ms)));
  const failMetadataOnce = (err: Error) => void (metadata = () => Promise.reject(err));
  return { send, batch, events, handed, slowMetadataOnce, failMetadataOnce };
}

describe('pipelined sendMessages', () => {
  it('takes sequences in call order and lets the next request leave before the first is answered', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const { send, batch, events } = fakeDeps({ answer: (n) => (n === 0 ? gate : Promise.resolve()) });
    const first = send(batch(3));
    const second = send(batch(2));
    const third = send(batch(4));
    // The second and third are answered while the first still waits for its answer.
    expect(await second).toEqual([{ topicName: 't', baseOffset: '3' }]);
    expect(await third).toEqual([{ topicName: 't', baseOffset: '5' }]);
    expect(events.slice(0, 3)).toEqual(['produce 0 seq 0', 'produce 1 seq 3', 'produce 2 seq 5']);
    release();
    expect(await first).toEqual([{ topicName: 't', baseOffset: '0' }]);
  });

  it('hands bodies to the connection in sequence order even when a later one is ready first', async () => {
    const { send, batch, handed } = fakeDeps({ encodeMs: (n) => [40, 20, 0, 10][n]! });
    await Promise.all([send(batch(1)), send(batch(1)), send(batch(1)), send(batch(1))]);
    expect(handed).toEqual([0, 1, 2, 3]);
  });

  it('does not retry a failed request: the failure goes to the caller', async () => {
    const refused = new Error('OUT_OF_ORDER_SEQUENCE_NUMBER');
    const { send, batch, events } = fakeDeps({ answer: (n) => (n === 0 ? Promise.reject(refused) : Promise.resolve()) });
    await expect(send(batch(2))).rejects.toBe(refused);
    expect(events.filter((e) => e.startsWith('produce'))).toEqual(['produce 0 seq 0']);
  });

  it("takes sequences in call order when the first call's metadata lookup takes longer", async () => {
    const { send, batch, events, slowMetadataOnce } = fakeDeps();
    slowMetadataOnce(30);
    await Promise.all([send(batch(3)), send(batch(2))]);
    expect(events.filter((e) => e.startsWith('produce'))).toEqual(['produce 0 seq 0', 'produce 1 seq 3']);
  });

  it('fails every later call, unsent, once a call failed before its request left', async () => {
    const { send, batch, events, failMetadataOnce } = fakeDeps();
    failMetadataOnce(new Error('no metadata'));
    const first = send(batch(3));
    const second = send(batch(2));
    await expect(first).rejects.toThrow('no metadata');
    await expect(second).rejects.toThrow('no metadata');
    await expect(send(batch(1))).rejects.toThrow('no metadata');
    expect(events.filter((e) => e.startsWith('produce'))).toEqual([]);
  });

  it('leaves a producer that is not idempotent to kafkajs', async () => {
    const { send, batch, events } = fakeDeps({ idempotent: false });
    expect(await send(batch(2))).toEqual(['kafkajs']);
    expect(events).toEqual(['kafkajs sendMessages']);
  });
});
