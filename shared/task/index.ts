/** task: the task file's schema, loading and validation (errors name the field path). */
export * from './schema.ts';
export * from './load.ts';
export * from './errors.ts';
export * from './secret.ts';
export { defaults } from './defaults.ts';
export * from './state.ts';
export * from './object-set-history.ts';
