/**
 * What a destination type contributes to the product: its task-file fragment, the secret fields
 * that runtime/ resolves, and a lazy loader of its sink (so a function bundles and loads only the
 * clients of the destinations it delivers to). `registry.ts` lists them; nothing else names types.
 */
import type { z } from 'zod';
import type { Secret } from '../task/secret.ts';
import type { Sink, SinkDeps } from './types.ts';

/** The config with every secret reference replaced by its resolved `Secret`. */
export type Resolved<C> = C extends { readonly value: string } | { readonly env: string } ? Secret : C extends readonly (infer E)[] ? Resolved<E>[] : C extends object ? { [K in keyof C]: Resolved<C[K]> } : C;

export interface DestinationModule<Schema extends z.ZodType = z.ZodType> {
  /** The `type:` of a destination in the task file. */
  readonly type: string;
  /** The destination's task-file fragment (a zod object with `type: z.literal(type)`). */
  readonly schema: Schema;
  /** Dotted paths, relative to the destination, of secret fields (resolved in runtime/ only). */
  readonly secrets: readonly string[];
  /** Imports the sink on first use. */
  load(): Promise<(config: Resolved<z.output<Schema>>, deps: SinkDeps) => Sink>;
}
