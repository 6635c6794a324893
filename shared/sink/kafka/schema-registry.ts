/**
 * Confluent Schema Registry framing for DTS Avro values. With a registry configured, each Kafka
 * message value is
 *
 *   byte  0     magic byte 0x00
 *   bytes 1..4  schema id: int32, big-endian, as the registry returned it for the topic's subject
 *   bytes 5..   the plain Avro binary of com.alibaba.dts.formats.avro.Record (formats.md §1.1)
 *
 * so Confluent-style deserializers (KafkaAvroDeserializer, Apicurio's ccompat mode, fastavro with
 * a registry client) find the writer's schema by id. At connect the Record schema is registered
 * once per subject (POST /subjects/{subject}/versions, which answers the existing id when the
 * schema is already there) and the ids are kept for the sink's lifetime: producing never waits
 * on the registry.
 */
import { dtsAvroRecordType, DTS_AVRO_RECORD_NAME } from '../../encode/dts-avro/index.ts';
import { InvariantError } from '../../errors.ts';
import type { Secret } from '../../task/secret.ts';
import { SinkConnectionError, SinkWriteError } from '../errors.ts';

export const CONFLUENT_MAGIC_BYTE = 0;

/** The `schemaRegistry` block of a Kafka destination, with its secret resolved. */
export interface ResolvedSchemaRegistryConfig {
  readonly url: string;
  /** `topic`: subject `<topic>-value` (TopicNameStrategy); `record`: the record's full name. */
  readonly subjectStrategy: 'topic' | 'record';
  readonly basicAuth?: { readonly username: string; readonly password: Secret };
  readonly timeoutMs: number;
}

/** The self-contained Record schema (named types inlined once), with its docs, as registered. */
export const DTS_AVRO_REGISTRY_SCHEMA = JSON.stringify(dtsAvroRecordType.schema({ exportAttrs: true }));

const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';

/** 0x00, the id as int32 big-endian, then the Avro bytes. */
export function frameConfluent(schemaId: number, avro: Uint8Array): Buffer {
  if (!Number.isInteger(schemaId) || schemaId < 0 || schemaId > 0x7fffffff) throw new RangeError(`schema id ${schemaId} is not a non-negative int32`);
  const framed = Buffer.allocUnsafe(5 + avro.length);
  framed[0] = CONFLUENT_MAGIC_BYTE;
  framed.writeInt32BE(schemaId, 1);
  framed.set(avro, 5);
  return framed;
}

export function subjectOf(strategy: ResolvedSchemaRegistryConfig['subjectStrategy'], topic: string): string {
  return strategy === 'topic' ? `${topic}-value` : DTS_AVRO_RECORD_NAME;
}

/** The URL as it may appear in logs and errors: never user info, query or fragment. */
export function registryEndpoint(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname.replace(/\/+$/, '')}`;
  } catch {
    return '(invalid URL)';
  }
}

export interface SchemaIds {
  /** Registers the Record schema under each topic's subject not registered yet. */
  register(topics: Iterable<string>): Promise<void>;
  /** The value framed with its topic's schema id; the topic must have been registered. */
  frame(topic: string, avro: Uint8Array): Buffer;
}

/** Where errors point the user: the destination's name, for `schemaRegistry.*` of that block. */
export function createSchemaIds(config: ResolvedSchemaRegistryConfig, destination: string, fetchFn: typeof fetch = fetch): SchemaIds {
  // Requests go to the endpoint as shown, so no credential or query from the URL reaches an error
  // (the task schema already refuses credentials in the URL).
  const endpoint = registryEndpoint(config.url);
  const bySubject = new Map<string, number>();
  const byTopic = new Map<string, number>();
  const headers: Record<string, string> = { 'Content-Type': CONTENT_TYPE, Accept: `${CONTENT_TYPE}, application/json` };
  if (config.basicAuth) headers.Authorization = `Basic ${Buffer.from(`${config.basicAuth.username}:${config.basicAuth.password.reveal()}`).toString('base64')}`;

  async function registerSubject(subject: string): Promise<number> {
    const context = { sink: destination, registry: endpoint, subject };
    const url = `${endpoint}/subjects/${encodeURIComponent(subject)}/versions`;
    let response: Response;
    let text: string;
    try {
      response = await fetchFn(url, { method: 'POST', headers, body: JSON.stringify({ schema: DTS_AVRO_REGISTRY_SCHEMA }), signal: AbortSignal.timeout(config.timeoutMs) });
      text = await response.text();
    } catch (err) {
      const reason = (err as Error).name === 'TimeoutError' ? `no answer within ${config.timeoutMs} ms` : causeCode(err);
      throw new SinkConnectionError(
        `cannot reach the schema registry at ${endpoint} (${reason}); check schemaRegistry.url of destination "${destination}" and that the registry is running`,
        context,
        err,
      );
    }
    const answer = parseJson(text);
    const said = describeAnswer(response.status, answer, text);
    if (response.status === 401 || response.status === 403) {
      throw new SinkConnectionError(
        `the schema registry at ${endpoint} refused the request for subject ${subject} (${said}); check schemaRegistry.basicAuth of destination "${destination}"`,
        context,
        undefined,
        false,
      );
    }
    // Overloaded or failing registry (Confluent 500xx backend errors): worth another try.
    if (response.status >= 500 || response.status === 408 || response.status === 429) {
      throw new SinkWriteError(`the schema registry at ${endpoint} failed to register subject ${subject} (${said})`, context);
    }
    if (response.status === 404) {
      throw new SinkWriteError(
        `the schema registry at ${endpoint} has no subject API there (${said}); set schemaRegistry.url of destination "${destination}" to the registry's Confluent-compatible base URL (for Apicurio: .../apis/ccompat/v7)`,
        context,
        undefined,
        false,
      );
    }
    if (!response.ok) {
      throw new SinkWriteError(
        `the schema registry at ${endpoint} rejected the DTS Avro schema for subject ${subject} (${said}); allow it (the subject's compatibility level) or choose another subject with schemaRegistry.subjectStrategy of destination "${destination}"`,
        context,
        undefined,
        false,
      );
    }
    const id = (answer as { id?: unknown } | undefined)?.id;
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id > 0x7fffffff) {
      throw new SinkWriteError(
        `the schema registry at ${endpoint} answered the registration of subject ${subject} without a schema id (${said}); is schemaRegistry.url of destination "${destination}" a Confluent-compatible API?`,
        context,
        undefined,
        false,
      );
    }
    return id;
  }

  return {
    async register(topics) {
      for (const topic of topics) {
        if (byTopic.has(topic)) continue;
        const subject = subjectOf(config.subjectStrategy, topic);
        let id = bySubject.get(subject);
        if (id === undefined) bySubject.set(subject, (id = await registerSubject(subject)));
        byTopic.set(topic, id);
      }
    },
    frame(topic, avro) {
      const id = byTopic.get(topic);
      if (id === undefined) throw new InvariantError(`no schema id for topic ${topic}: it was not registered at connect`, { sink: destination, topic });
      return frameConfluent(id, avro);
    },
  };
}

/** Node's fetch hides the socket error (ECONNREFUSED, ENOTFOUND) in `cause`. */
function causeCode(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (err as Error).message ?? String(err);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** "HTTP 409, error_code 409: Incompatible…", the registry's own words, shortened. */
function describeAnswer(status: number, answer: unknown, text: string): string {
  const { error_code: code, message } = (answer ?? {}) as { error_code?: unknown; message?: unknown };
  const detail = typeof message === 'string' ? message : text;
  const said = `HTTP ${status}${code !== undefined ? `, error_code ${String(code)}` : ''}${detail ? `: ${detail}` : ''}`;
  return said.length > 300 ? `${said.slice(0, 300)}…` : said;
}
