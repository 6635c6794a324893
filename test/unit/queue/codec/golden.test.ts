/**
 * Version 2 byte for byte: a stored queue must read the same after any change to the codec, so the
 * payload of one fixed batch (row changes with both images, an INIT row, a DDL, a full-sync cursor
 * with a binary key, every value kind) is kept in fixtures/v2-batch.hex. A deliberate layout change
 * is a new version number, never a new fixture for version 2.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeBatch, encodeBatch } from '../../../../shared/queue/codec.ts';
import { batch } from './fixtures/v2-batch.ts';

const fixture = Buffer.from(readFileSync(new URL('./fixtures/v2-batch.hex', import.meta.url), 'utf8').replace(/\s+/g, ''), 'hex');

describe('queue payload version 2, golden bytes', () => {
  it('encodes the fixed batch to the stored bytes', () => {
    expect(encodeBatch(batch).toString('hex')).toBe(fixture.toString('hex'));
  });

  it('decodes the stored bytes to the fixed batch', () => {
    expect(decodeBatch(fixture)).toStrictEqual(batch);
  });
});
