/** zongji's includeSchema from the object selection: whole databases, listed tables, and the signal table added to them. */
import { describe, expect, it } from 'vitest';
import { includeSchemaOf } from '../../../../shared/source/binlog/include-schema.ts';
import { createObjectSelection } from '../../../../shared/source/object-selection.ts';
import type { Task } from '../../../../shared/task/index.ts';

const selection = createObjectSelection([{ database: 'whole' }, { database: 'some', tables: ['a', { name: 'b', operations: ['DELETE'] }] }] as Task['objects']);

describe('includeSchemaOf', () => {
  it('gives whole databases as true and listed tables by name', () => {
    expect(includeSchemaOf(selection, null)).toEqual({ whole: true, some: ['a', 'b'] });
  });

  it('adds the signal table to its database, to a new database, and leaves a whole database whole', () => {
    expect(includeSchemaOf(selection, { database: 'some', table: 'dts_signal' })).toEqual({ whole: true, some: ['a', 'b', 'dts_signal'] });
    expect(includeSchemaOf(selection, { database: 'ops', table: 'dts_signal' })).toEqual({ whole: true, some: ['a', 'b'], ops: ['dts_signal'] });
    expect(includeSchemaOf(selection, { database: 'whole', table: 'dts_signal' })).toEqual({ whole: true, some: ['a', 'b'] });
  });

  it('builds a new object each time: adding the signal table leaves the next call without it', () => {
    includeSchemaOf(selection, { database: 'some', table: 'dts_signal' });
    expect(includeSchemaOf(selection, null)).toEqual({ whole: true, some: ['a', 'b'] });
  });
});
