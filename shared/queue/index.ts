/** queue: the ordered, durable log of batches between the reader and every destination (the checkpoint). */
export type * from './types.ts';
export * from './errors.ts';
