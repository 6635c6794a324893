/** record: ChangeRecord, Batch, positions and the column type model that every stage shares. */
export * from './types.ts';
export * from './position.ts';
export * from './mysql-types.ts';
export * from './bit.ts';
export * from './snapshot-cursor.ts';
export * from './per-schema.ts';
export * from './temporal-text.ts';
