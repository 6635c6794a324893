/**
 * Several produce requests in flight from one idempotent producer, in order. kafkajs 2.2.4 holds
 * a per-broker lock from taking a request's sequence numbers until its response arrives, so an
 * idempotent producer has one request on the wire at a time, and the delivery thread waits out
 * every round trip (in the catch-up bench, about 45% of its time). Kafka accepts up to five
 * requests in flight per idempotent producer, provided they arrive in sequence order: this
 * replacement for kafkajs's `producer/sendMessages.js` (installed in the sink's private copy by
 * kafkajs-tuning.ts, for idempotent producers only) holds the lock only while it takes the
 * sequence numbers and starts the request. Calls take their sequence numbers in call order (each
 * waits for the one before it to have taken its own: the metadata lookups before that are awaits
 * of varying length), and a request's body (produce-request.ts) is handed to the connection only
 * after the previous request's was: order on the socket is sequence order is call order.
 *
 * What keeps order when something fails: the broker refuses a request whose first sequence does
 * not follow the last one it wrote (OUT_OF_ORDER_SEQUENCE_NUMBER), so a request after a lost one
 * is never written before it; a call that fails before its request leaves fails every later call
 * too, unsent (they would take its sequence numbers). Nothing is retried here (a retry would take
 * sequence numbers out of order behind requests already sent): the failure goes to the sink, which
 * waits for every request in flight to settle, drops the producer and sends again from its last
 * acknowledged record with a new producer id (index.ts), as it did for a single request.
 */

/** What produce-request.ts needs to hand bodies over in order: the previous body's turn, and a way to give the next its turn. */
export interface SendTurn {
  readonly after: Promise<void>;
  readonly done: () => void;
}

/** The turn of each request's topic data (the one object kafkajs passes through to the request unchanged). */
export const sendTurns = new WeakMap<object, SendTurn>();

/**
 * Microtask turns to let pass after the previous request's body is made. kafkajs 2.2.4 queues a
 * body on the connection three turns after its `encode` resolves (createRequest resumes, returns,
 * the connection's send resumes and pushes it, with nothing in between that waits for I/O), and
 * microtasks run in order: after eight, the previous body is queued. A macrotask would be as sure
 * but later: the delivery thread encodes the next chunk before the event loop gets there, and the
 * request would wait on that (the transaction bench lost 12%).
 */
const HANDOVER_TURNS = 8;

/**
 * Waits for this request's turn (the previous body was handed to the connection), then gives the
 * next request its turn.
 */
export async function takeTurn(topicData: object): Promise<void> {
  const turn = sendTurns.get(topicData);
  if (!turn) return;
  await turn.after;
  for (let i = 0; i < HANDOVER_TURNS; i++) await null;
  turn.done();
}

// kafkajs's shapes, as far as this module uses them (kafkajs ships no types for its internals).
interface Broker {
  readonly nodeId: number;
  produce(args: Record<string, unknown>): Promise<unknown>;
}
interface Cluster {
  addMultipleTargetTopics(topics: string[]): Promise<void>;
  refreshMetadataIfNecessary(): Promise<void>;
  findTopicPartitionMetadata(topic: string): unknown[];
  findLeaderForPartitions(topic: string, partitions: string[]): Record<string, number[]>;
  findBroker(args: { nodeId: string }): Promise<Broker>;
}
interface EosManager {
  isInitialized(): boolean;
  isTransactional(): boolean;
  acquireBrokerLock(broker: Broker): Promise<void>;
  releaseBrokerLock(broker: Broker): void;
  getSequence(topic: string, partition: number): number;
  updateSequence(topic: string, partition: number, increment: number): void;
  getProducerId(): unknown;
  getProducerEpoch(): number;
}
type Partitioner = (args: { topic: string; partitionMetadata: unknown[]; message: unknown }) => number;
interface SendDeps {
  readonly cluster: Cluster;
  readonly partitioner: Partitioner;
  readonly eosManager: EosManager;
}
interface SendArgs {
  readonly acks: number;
  readonly timeout: number;
  readonly compression: number;
  readonly topicMessages: readonly { topic: string; messages: readonly unknown[] }[];
}
type SendMessages = (args: SendArgs) => Promise<unknown[]>;

/** kafkajs's module shape: `(deps) => sendMessages`. Idempotent producers send pipelined; others as kafkajs does. */
/** kafkajs's pieces the replacement uses: its own sendMessages (for other producers), response serializer and metadata error. */
export interface KafkajsParts {
  readonly sendMessages: (deps: SendDeps) => SendMessages;
  readonly responseSerializer: (response: unknown) => unknown[];
  /** KafkaJSMetadataNotLoaded: what kafkajs throws for a topic without metadata (retriable). */
  readonly MetadataNotLoaded: new (message: string) => Error;
}

export function pipelinedSendMessages({ sendMessages: original, responseSerializer, MetadataNotLoaded }: KafkajsParts): (deps: SendDeps) => SendMessages {
  return (deps) => {
    const kafkajs = original(deps);
    const lastTurn = new WeakMap<Broker, Promise<void>>();
    /** Settles when the previous call has taken its sequence numbers: calls take them in call order. */
    let previousStarted: Promise<void> = Promise.resolve();
    /** A call failed: every later one fails too, unsent, so nothing can land behind a gap. */
    let broken: Error | null = null;
    return async (args) => {
      const { eosManager } = deps;
      if (!eosManager.isInitialized() || eosManager.isTransactional()) return kafkajs(args);
      const previous = previousStarted;
      let started!: () => void;
      previousStarted = new Promise((resolve) => (started = resolve));
      const requests: Promise<unknown>[] = [];
      try {
        await previous;
        if (broken) throw broken;
        for (const [broker, topicData] of await requestsPerBroker(deps, args, MetadataNotLoaded)) requests.push((await startRequest(broker, topicData)).sending);
      } catch (err) {
        broken ??= err as Error;
        throw err;
      } finally {
        started();
      }
      try {
        const responses = await Promise.all(requests);
        return args.acks === 0 ? [] : responses.flatMap((response) => responseSerializer(response));
      } catch (err) {
        broken ??= err as Error;
        throw err;
      }

      /** Takes the request's sequence numbers and starts it, under the broker lock. */
      async function startRequest(broker: Broker, topicData: { topic: string; partitions: PartitionData[] }[]): Promise<{ sending: Promise<unknown> }> {
        await eosManager.acquireBrokerLock(broker);
        try {
          for (const { topic, partitions } of topicData) {
            for (const entry of partitions) {
              entry.firstSequence = eosManager.getSequence(topic, entry.partition);
              eosManager.updateSequence(topic, entry.partition, entry.messages.length);
            }
          }
          let done!: () => void;
          const turn = new Promise<void>((resolve) => (done = resolve));
          sendTurns.set(topicData, { after: lastTurn.get(broker) ?? Promise.resolve(), done });
          lastTurn.set(broker, turn);
          const sending = broker.produce({
            producerId: eosManager.getProducerId(),
            producerEpoch: eosManager.getProducerEpoch(),
            acks: args.acks,
            timeout: args.timeout,
            compression: args.compression,
            topicData,
          });
          // A request that fails before its body is made (no connection) still gives the next its turn.
          sending.then(done, done);
          sending.catch(() => {}); // observed by the caller
          return { sending };
        } finally {
          eosManager.releaseBrokerLock(broker);
        }
      }
    };
  };
}

interface PartitionData {
  readonly partition: number;
  readonly messages: readonly unknown[];
  firstSequence?: number;
}

/** The topic data per leader broker, as kafkajs groups it (metadata, partitioner, leaders). */
async function requestsPerBroker(
  { cluster, partitioner }: SendDeps,
  { topicMessages }: SendArgs,
  MetadataNotLoaded: KafkajsParts['MetadataNotLoaded'],
): Promise<Map<Broker, { topic: string; partitions: PartitionData[] }[]>> {
  await cluster.addMultipleTargetTopics(topicMessages.map(({ topic }) => topic));
  await cluster.refreshMetadataIfNecessary();
  const out = new Map<Broker, { topic: string; partitions: PartitionData[] }[]>();
  for (const { topic, messages } of topicMessages) {
    const partitionMetadata = cluster.findTopicPartitionMetadata(topic);
    if (partitionMetadata.length === 0) throw new MetadataNotLoaded(`producing to topic ${topic} without its metadata`);
    const perPartition = new Map<number, unknown[]>();
    for (const message of messages) {
      const partition = partitioner({ topic, partitionMetadata, message });
      let list = perPartition.get(partition);
      if (!list) perPartition.set(partition, (list = []));
      list.push(message);
    }
    const leaders = cluster.findLeaderForPartitions(topic, [...perPartition.keys()].map(String));
    for (const [nodeId, partitions] of Object.entries(leaders)) {
      const broker = await cluster.findBroker({ nodeId });
      let topics = out.get(broker);
      if (!topics) out.set(broker, (topics = []));
      topics.push({ topic, partitions: partitions.map((p) => ({ partition: Number(p), messages: perPartition.get(Number(p))! })) });
    }
  }
  return out;
}
