/**
 * What a destination type contributes to the product: its task-file fragment, the secret fields
 * that runtime/ resolves, a lazy loader of its sink and of its precheck items (so a function bundles and loads only the
 * clients of the destinations it delivers to). `registry.ts` lists them.
 */
import type { z } from 'zod';
import type { Finding } from '../precheck/finding.ts';
import type { Secret } from '../task/secret.ts';
import type { Sink, SinkDeps } from './types.ts';

/**
 * The config with every secret reference (`{ env }` or `{ value }`, task/secret.ts) replaced by
 * its resolved `Secret`, at any depth; optional secrets stay optional.
 */
export type Resolved<C> = C extends { readonly value: string } | { readonly env: string }
  ? Secret
  : C extends readonly (infer E)[]
    ? Resolved<E>[]
    : C extends object
      ? { [K in keyof C]: Resolved<C[K]> }
      : C;

/** Builds a sink for one destination of the task (its config, secrets resolved). */
export type SinkFactory<C> = (config: C, deps: SinkDeps) => Sink;

export interface DestinationModule<Schema extends z.ZodType = z.ZodType> {
  /** The `type:` of a destination in the task file; also the name of its folder under shared/sink/. */
  readonly type: string;
  /** The destination's task-file fragment (a zod object with `type: z.literal(type)`). */
  readonly schema: Schema;
  /**
   * Dotted paths, relative to the destination, of secret fields (through objects only, e.g.
   * `sasl.password`). runtime/ resolves each one present; errors name `destinations[i].<path>`.
   */
  readonly secrets: readonly string[];
  /** Imports the sink on first use (a dynamic `import()` of the folder's sink file). */
  load(): Promise<SinkFactory<Resolved<z.output<Schema>>>>;
  /** Imports the destination's precheck items (`npm run dts -- precheck`): reachable, permitted, ready. */
  precheck(): Promise<(config: Resolved<z.output<Schema>>) => Promise<Finding[]>>;
}
