/**
 * Test setup (vitest.config.ts `setupFiles`): a row record read from the queue (StoredRowRecord)
 * equals the plain record it stands for. Its row images are getters that read the stored bytes
 * on first access, not own properties, so without this a deep equality would not see them.
 */
import { expect } from 'vitest';
import { StoredRowRecord } from '../../shared/queue/codec/stored-row-record.ts';

expect.addEqualityTesters([
  function storedRecordsEqualPlainOnes(a: unknown, b: unknown, testers) {
    const storedA = a instanceof StoredRowRecord;
    const storedB = b instanceof StoredRowRecord;
    if (!storedA && !storedB) return undefined;
    return this.equals(storedA ? a.toJSON() : a, storedB ? b.toJSON() : b, testers);
  },
]);
