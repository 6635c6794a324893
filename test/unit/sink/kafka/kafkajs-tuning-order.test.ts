/**
 * The tuned copy must not depend on import order: a process that imported kafkajs first (a test
 * kit, a benchmark, a user's own code) keeps its copy untouched and the sink still gets the tuned one.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const repo = join(import.meta.dirname, '..', '..', '..', '..');

it('loads a private tuned copy beside a kafkajs imported earlier', async () => {
  const script = `
    import { Kafka } from 'kafkajs';
    import { createRequire } from 'node:module';
    const { tunedKafkajs, kafkajsTuned } = await import('./shared/sink/kafka/kafkajs-tuning.ts');
    const require = createRequire(import.meta.url);
    const original = require('kafkajs/src/producer/groupMessagesPerPartition.js');
    await import('./shared/sink/kafka/index.ts');
    // kafkajs looks codecs up lazily through the module cache: both copies must have LZ4 and Snappy.
    const lookup = require('kafkajs/src/protocol/message/compression/index.js').lookupCodec;
    const codecs = [3, 2].map((type) => typeof lookup(type)?.compress === 'function');
    const privateCodecs = [3, 2].map((type) => typeof tunedKafkajs.CompressionCodecs[type]()?.compress === 'function');
    console.log(JSON.stringify({
      tuned: kafkajsTuned,
      privateCopy: tunedKafkajs.Kafka !== Kafka,
      earlierCopyKept: require('kafkajs').Kafka === Kafka,
      earlierGroupingKept: original.toString().includes('reduce'),
      codecs,
      privateCodecs,
    }));`;
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: repo });
  expect(JSON.parse(stdout)).toEqual({ tuned: true, privateCopy: true, earlierCopyKept: true, earlierGroupingKept: true, codecs: [true, true], privateCodecs: [true, true] });
});
