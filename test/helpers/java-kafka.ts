/**
 * The Kafka jars of the local stack (scripts/stack-env.sh: `$DTS_CACHE_DIR/kafka-<version>/libs`,
 * version from scripts/kafka/pom.xml) used as an independent reader: the Java consumer of
 * JavaTopicReader.java (the client's own LZ4, Snappy and GZIP codecs) and kafka.tools.DumpLogSegments
 * over the broker's log files (`$DTS_STACK_DIR/kafka/data`), which names each batch's codec.
 * The 3.9 jars carry no ConsoleConsumer (it moved to the kafka-tools jar, not downloaded), hence
 * the small reader program.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { stack } from './stack.ts';

const run = promisify(execFile);
const repo = resolve(import.meta.dirname, '..', '..');

function absolute(dir: string): string {
  return isAbsolute(dir) ? dir : resolve(repo, dir);
}

const kafkaVersion = /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(readFileSync(join(repo, 'scripts/kafka/pom.xml'), 'utf8'))![1]!;
export const kafkaLibs = join(absolute(process.env.DTS_CACHE_DIR ?? join(homedir(), '.cache', 'mysql-dts')), `kafka-${kafkaVersion}`, 'libs');
const kafkaData = join(absolute(process.env.DTS_STACK_DIR ?? '.stack'), 'kafka', 'data');
const javaArgs = ['-cp', `${kafkaLibs}/*`, `-Dlog4j.configuration=file:${join(repo, 'scripts/kafka/tools-log4j.properties')}`];

export interface JavaMessage {
  readonly partition: number;
  readonly offset: number;
  /** The value decoded as UTF-8 by Java. */
  readonly value: string;
}

/** Reads each topic from the beginning with the Java consumer until it has its count (and any extra that follows at once). */
export async function javaReadTopics(counts: Record<string, number>, timeoutMs = 30_000): Promise<Record<string, JavaMessage[]>> {
  const args = [...javaArgs, join(repo, 'test/helpers/JavaTopicReader.java'), stack.kafkaBroker, String(timeoutMs), ...Object.entries(counts).map(([t, n]) => `${t}=${n}`)];
  let stdout: string;
  try {
    ({ stdout } = await run('java', args, { maxBuffer: 256 * 1024 * 1024, timeout: timeoutMs + 30_000, encoding: 'utf8' }));
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`the Java consumer failed: ${e.message}\n${e.stderr ?? ''}`, { cause: err });
  }
  const result: Record<string, JavaMessage[]> = Object.fromEntries(Object.keys(counts).map((t) => [t, []]));
  for (const line of stdout.split('\n')) {
    if (line === '') continue;
    const [topic, partition, offset] = line.split('\t', 3) as [string, string, string];
    const value = line.slice(topic.length + partition.length + offset.length + 3);
    result[topic]!.push({ partition: Number(partition), offset: Number(offset), value });
  }
  return result;
}

export interface StoredBatch {
  readonly baseOffset: number;
  readonly count: number;
  /** `none`, `gzip`, `snappy`, `lz4`, `zstd`, as the broker stored the batch. */
  readonly codec: string;
  readonly valid: boolean;
}

/**
 * The record batches of each topic's partition-0 first log segment, as kafka.tools.DumpLogSegments
 * reads them from the broker's disk (one JVM for all topics).
 */
export async function storedBatches(topics: readonly string[]): Promise<Record<string, StoredBatch[]>> {
  const files = topics.map((t) => join(kafkaData, `${t}-0`, '00000000000000000000.log'));
  const { stdout } = await run('java', [...javaArgs, 'kafka.tools.DumpLogSegments', '--files', files.join(',')], { maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' });
  const result: Record<string, StoredBatch[]> = Object.fromEntries(topics.map((t) => [t, []]));
  let current: StoredBatch[] | undefined;
  for (const line of stdout.split('\n')) {
    if (line.startsWith('Dumping ')) current = result[topics[files.indexOf(line.slice('Dumping '.length).trim())]!];
    if (!line.startsWith('baseOffset:') || !current) continue;
    const field = (name: string) => new RegExp(`\\b${name}: (\\S+)`).exec(line)?.[1] ?? '';
    current.push({ baseOffset: Number(field('baseOffset')), count: Number(field('count')), codec: field('compresscodec'), valid: field('isvalid') === 'true' });
  }
  return result;
}
