import { describe, expect, it } from 'vitest';
import { DtsError, ErrorCodes } from '../../../shared/errors.ts';
import type { ChangeRecord, Column, DdlRecord, RowRecord, SourceInfo, TableSchema } from '../../../shared/record/index.ts';
import { MysqlTypeCode } from '../../../shared/record/index.ts';
import { areRowValuesShown, showRowValues } from '../../../shared/log.ts';
import { createLogger } from '../../../shared/runtime/logger.ts';
import { describeRecord, RecordTooLargeError, SinkConnectionError, SinkWriteError } from '../../../shared/sink/errors.ts';
import { classifyKafkaError } from '../../../shared/sink/kafka/errors.ts';

function column(name: string, typeCode: number, key = false): Column {
  return { name, type: 'x', typeCode, unsigned: false, charset: null, nullable: !key, key };
}

const ORDERS: TableSchema = {
  database: 'shop',
  table: 'orders',
  columns: [column('note', MysqlTypeCode.VAR_STRING), column('tenant', MysqlTypeCode.VAR_STRING, true), column('id', MysqlTypeCode.LONGLONG, true)],
  pkNames: ['tenant', 'id'],
};

const BLOBS: TableSchema = {
  database: 'files',
  table: 'chunks',
  columns: [column('hash', MysqlTypeCode.STRING, true), column('data', MysqlTypeCode.BLOB)],
  pkNames: ['hash'],
};

const NO_KEY: TableSchema = { database: 'logs', table: 'events', columns: [column('line', MysqlTypeCode.BLOB)], pkNames: [] };

const source: SourceInfo = { serverId: 1, file: 'binlog.000003', position: 1234, gtid: null, timestampMs: 0, txId: '77' };
const withGtid: SourceInfo = { ...source, gtid: '3e11fa47-71ca-11e1-9e33-c80aa9429562:23' };

function row(schema: TableSchema, op: RowRecord['op'], before: RowRecord['before'], after: RowRecord['after'], seq = 2, src = source): RowRecord {
  return { id: 10, seq, op, schema, before, after, source: src };
}

const ddl: DdlRecord = { id: 11, seq: 0, op: 'DDL', kind: 'ALTER_TABLE', database: 'shop', table: 'orders', sql: 'ALTER TABLE orders ADD x int', source: { ...source, txId: null } };

describe('describeRecord', () => {
  it.each<{ name: string; record: ChangeRecord; text: string; primaryKey?: string }>([
    {
      name: 'INSERT with a composite key, in key order',
      record: row(ORDERS, 'INSERT', null, ['secret note', 'acme', 5]),
      text: 'INSERT of shop.orders primary key (tenant=acme, id=5) at binlog.000003:1234 row 2',
      primaryKey: 'tenant=acme, id=5',
    },
    {
      name: 'UPDATE: the key of the after image',
      record: row(ORDERS, 'UPDATE', ['n', 'acme', 5], ['n', 'acme', 6], 0),
      text: 'UPDATE of shop.orders primary key (tenant=acme, id=6) at binlog.000003:1234 row 0',
      primaryKey: 'tenant=acme, id=6',
    },
    {
      name: 'DELETE: the key of the before image',
      record: row(ORDERS, 'DELETE', ['n', 'acme', '18446744073709551615'], null),
      text: 'DELETE of shop.orders primary key (tenant=acme, id=18446744073709551615) at binlog.000003:1234 row 2',
      primaryKey: 'tenant=acme, id=18446744073709551615',
    },
    {
      name: 'a binary key shown as hex',
      record: row(BLOBS, 'INSERT', null, [new Uint8Array([0x00, 0xab, 0xff, 0x10]), new Uint8Array(10)]),
      text: 'INSERT of files.chunks primary key (hash=0x00abff10) at binlog.000003:1234 row 2',
      primaryKey: 'hash=0x00abff10',
    },
    {
      name: 'a GTID in the position',
      record: row(ORDERS, 'INSERT', null, ['n', 't', 1], 4, withGtid),
      text: 'INSERT of shop.orders primary key (tenant=t, id=1) at binlog.000003:1234 (gtid 3e11fa47-71ca-11e1-9e33-c80aa9429562:23) row 4',
    },
    {
      name: 'a NULL key part',
      record: row(ORDERS, 'INSERT', null, ['n', null, 1]),
      text: 'INSERT of shop.orders primary key (tenant=null, id=1) at binlog.000003:1234 row 2',
    },
    {
      name: 'no primary key',
      record: row(NO_KEY, 'INSERT', null, ['a line']),
      text: 'INSERT of logs.events primary key ((no primary key)) at binlog.000003:1234 row 2',
      primaryKey: '(no primary key)',
    },
    {
      name: 'DDL',
      record: ddl,
      text: 'DDL on shop.orders at binlog.000003:1234 row 0',
    },
    {
      name: 'DDL on a database',
      record: { ...ddl, kind: 'DROP_DATABASE', table: '', sql: 'DROP DATABASE shop' },
      text: 'DDL on shop.* at binlog.000003:1234 row 0',
    },
  ])('$name (with values, as a dead-letter descriptor asks)', ({ record, text, primaryKey }) => {
    const d = describeRecord(record, { values: true });
    expect(d.text).toBe(text);
    if (primaryKey !== undefined) expect(d.context.primaryKey).toBe(primaryKey);
    expect(d.context.position).toBe(text.slice(text.indexOf(' at ') + 4));
  });

  it('by default names the key columns, not their values (errors and logs carry no row values)', () => {
    const d = describeRecord(row(ORDERS, 'INSERT', null, ['secret note', 'secret-tenant', 5]));
    expect(d).toEqual({
      text: 'INSERT of shop.orders primary key (tenant, id) at binlog.000003:1234 row 2',
      context: { database: 'shop', table: 'orders', primaryKey: 'tenant, id', position: 'binlog.000003:1234 row 2' },
    });
    expect(JSON.stringify(d)).not.toMatch(/secret/);
  });

  it('shows key values by default only while the task logs at debug', () => {
    const record = row(ORDERS, 'INSERT', null, ['secret note', 'acme', 5]);
    try {
      showRowValues(true);
      expect(describeRecord(record).text).toBe('INSERT of shop.orders primary key (tenant=acme, id=5) at binlog.000003:1234 row 2');
      createLogger({ level: 'info', format: 'json', destination: { write: () => {} } });
      expect(areRowValuesShown()).toBe(false);
      expect(describeRecord(record).text).toBe('INSERT of shop.orders primary key (tenant, id) at binlog.000003:1234 row 2');
      createLogger({ level: 'debug', format: 'json', destination: { write: () => {} } });
      expect(areRowValuesShown()).toBe(true);
    } finally {
      showRowValues(false);
    }
  });

  it('gives context fields that name the row and never its non-key values', () => {
    const d = describeRecord(row(ORDERS, 'INSERT', null, ['secret note', 'acme', 5]), { values: true });
    expect(d.context).toEqual({ database: 'shop', table: 'orders', primaryKey: 'tenant=acme, id=5', position: 'binlog.000003:1234 row 2' });
    expect(JSON.stringify(d)).not.toContain('secret note');
    expect(describeRecord(ddl).context).toEqual({ database: 'shop', table: 'orders', position: 'binlog.000003:1234 row 0' });
  });
});

describe('RecordTooLargeError', () => {
  it('names table, op, key, position and row, the sizes and the fix', () => {
    const record = row(BLOBS, 'UPDATE', [Buffer.from('beef', 'hex'), null], [Buffer.from('cafe', 'hex'), new Uint8Array(20_000_000)], 3);
    const err = new RecordTooLargeError(record, 20_000_123, 10_485_760, "raise maxRecordBytes up to the broker's max.message.bytes", { sink: 'kafka', topic: 'dts' });
    expect(err).toBeInstanceOf(DtsError);
    expect(err.name).toBe('RecordTooLargeError');
    expect(err.code).toBe(ErrorCodes.RECORD_TOO_LARGE);
    expect(err.retriable).toBe(false);
    expect(err.message).toBe(
      "UPDATE of files.chunks primary key (hash) at binlog.000003:1234 row 3 encodes to 20000123 bytes, above the 10485760-byte limit; raise maxRecordBytes up to the broker's max.message.bytes",
    );
    expect(err.context).toEqual({ database: 'files', table: 'chunks', primaryKey: 'hash', position: 'binlog.000003:1234 row 3', sink: 'kafka', topic: 'dts' });
  });

  it('describes a DDL statement', () => {
    const err = new RecordTooLargeError(ddl, 2000, 1024, 'shorten the statement');
    expect(err.message).toBe('DDL on shop.orders at binlog.000003:1234 row 0 encodes to 2000 bytes, above the 1024-byte limit; shorten the statement');
    expect(err.context).toEqual({ database: 'shop', table: 'orders', position: 'binlog.000003:1234 row 0' });
    expect(err.message).not.toContain('ADD x int');
  });
});

describe('classifyKafkaError', () => {
  const where = { brokers: ['k1:9092', 'k2:9092'], topic: 'dts' };

  function kafkaError(name: string, message: string, extra: Record<string, unknown> = {}): Error {
    return Object.assign(new Error(message), { name, ...extra });
  }

  it.each<{ name: string; err: unknown; type: typeof SinkConnectionError | typeof SinkWriteError; retriable: boolean; phrase: string }>([
    {
      name: 'KafkaJSConnectionError',
      err: kafkaError('KafkaJSConnectionError', 'Connection error: connect ECONNREFUSED', { retriable: true }),
      type: SinkConnectionError,
      retriable: true,
      phrase: 'cannot reach Kafka at k1:9092, k2:9092',
    },
    { name: 'KafkaJSConnectionClosedError', err: kafkaError('KafkaJSConnectionClosedError', 'Closed connection'), type: SinkConnectionError, retriable: true, phrase: 'cannot reach Kafka' },
    {
      name: 'KafkaJSRequestTimeoutError',
      err: kafkaError('KafkaJSRequestTimeoutError', 'Request Produce(key: 0, version: 7) timed out'),
      type: SinkConnectionError,
      retriable: true,
      phrase: 'timed out',
    },
    { name: 'KafkaJSBrokerNotFound', err: kafkaError('KafkaJSBrokerNotFound', 'Broker not found'), type: SinkConnectionError, retriable: true, phrase: 'cannot reach Kafka' },
    { name: 'KafkaJSMetadataNotLoaded', err: kafkaError('KafkaJSMetadataNotLoaded', 'Broker metadata not loaded'), type: SinkConnectionError, retriable: true, phrase: 'cannot reach Kafka' },
    { name: 'KafkaJSLockTimeout', err: kafkaError('KafkaJSLockTimeout', 'Timeout while acquiring lock'), type: SinkConnectionError, retriable: true, phrase: 'cannot reach Kafka' },
    {
      name: 'SASL authentication failure',
      err: kafkaError('KafkaJSSASLAuthenticationError', 'SASL SCRAM SHA512 authentication failed: bad credentials'),
      type: SinkConnectionError,
      retriable: false,
      phrase: "check the destination's sasl settings",
    },
    {
      name: 'protocol SASL_AUTHENTICATION_FAILED',
      err: kafkaError('KafkaJSProtocolError', 'Authentication failed', { type: 'SASL_AUTHENTICATION_FAILED', retriable: false }),
      type: SinkConnectionError,
      retriable: false,
      phrase: 'refused the credentials or permissions for topic dts',
    },
    {
      name: 'protocol TOPIC_AUTHORIZATION_FAILED',
      err: kafkaError('KafkaJSProtocolError', 'Not authorized to access topics', { type: 'TOPIC_AUTHORIZATION_FAILED', retriable: false }),
      type: SinkConnectionError,
      retriable: false,
      phrase: 'ACLs',
    },
    {
      name: 'a retriable protocol error',
      err: kafkaError('KafkaJSProtocolError', 'This server is not the leader for that topic-partition', { type: 'NOT_LEADER_FOR_PARTITION', retriable: true }),
      type: SinkWriteError,
      retriable: true,
      phrase: 'Kafka rejected the write to dts (KafkaJSProtocolError: This server is not the leader',
    },
    {
      name: 'a non-retriable protocol error',
      err: kafkaError('KafkaJSProtocolError', 'The request included a message larger than the max message size', { type: 'MESSAGE_TOO_LARGE', retriable: false }),
      type: SinkWriteError,
      retriable: false,
      phrase: 'larger than the max message size',
    },
    { name: 'an untyped kafkajs error', err: kafkaError('KafkaJSError', 'something odd', { retriable: false }), type: SinkWriteError, retriable: true, phrase: 'KafkaJSError: something odd' },
    { name: 'a plain Error', err: new Error('boom'), type: SinkWriteError, retriable: true, phrase: '(Error: boom)' },
    { name: 'a string', err: 'weird', type: SinkWriteError, retriable: true, phrase: '(Error: weird)' },
  ])('$name', ({ err, type, retriable, phrase }) => {
    const out = classifyKafkaError(err, where);
    expect(out).toBeInstanceOf(type);
    expect((out as DtsError).code).toBe(type === SinkConnectionError ? ErrorCodes.SINK_CONNECTION : ErrorCodes.SINK_WRITE);
    expect((out as DtsError).retriable).toBe(retriable);
    expect(out.message).toContain(phrase);
    expect(out.cause).toBe(err);
    expect((out as DtsError).context).toEqual({ topic: 'dts', brokers: 'k1:9092,k2:9092' });
  });

  it('unwraps NumberOfRetriesExceeded to the failure it wraps', () => {
    const inner = kafkaError('KafkaJSConnectionError', 'Connection error: getaddrinfo ENOTFOUND k1');
    const wrapped = kafkaError('KafkaJSNumberOfRetriesExceeded', 'Connection error: getaddrinfo ENOTFOUND k1', { cause: inner, retriable: false, retryCount: 5 });
    const out = classifyKafkaError(wrapped, where);
    expect(out).toBeInstanceOf(SinkConnectionError);
    expect((out as DtsError).retriable).toBe(true);
    expect(out.message).toContain('KafkaJSConnectionError: Connection error: getaddrinfo ENOTFOUND k1');
    expect(out.cause).toBe(wrapped);

    const auth = kafkaError('KafkaJSSASLAuthenticationError', 'bad password');
    const twice = kafkaError('KafkaJSNumberOfRetriesExceeded', 'x', { cause: kafkaError('KafkaJSNumberOfRetriesExceeded', 'y', { cause: auth }) });
    const fatal = classifyKafkaError(twice, where);
    expect(fatal).toBeInstanceOf(SinkConnectionError);
    expect((fatal as DtsError).retriable).toBe(false);

    const bare = kafkaError('KafkaJSNumberOfRetriesExceeded', 'gave up');
    const other = classifyKafkaError(bare, where);
    expect(other).toBeInstanceOf(SinkWriteError);
    expect(other.message).toContain('KafkaJSNumberOfRetriesExceeded: gave up');
  });

  it('gives errors named after their class', () => {
    expect(new SinkConnectionError('x').name).toBe('SinkConnectionError');
    expect(new SinkWriteError('x').name).toBe('SinkWriteError');
  });
});
