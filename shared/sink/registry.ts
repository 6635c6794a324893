/**
 * The one list of destination types. The task schema and its error messages (task/schema.ts,
 * task/load.ts), secret resolution (runtime/compose.ts), sink creation (runtime/deliver-destination.ts),
 * the precheck (precheck/run.ts) and the build (scripts/build.ts) all read it.
 * A new destination is a folder `shared/sink/<type>/` with a `module.ts` (the folder is named as
 * the type: the build finds a module's loader by it) and one line here. Only rules about one
 * destination's names name its type elsewhere (mapping/check-config.ts and precheck/mapping.ts:
 * MaxCompute's lower-case tables; check-config.ts: Kafka's per-table settings).
 * Each module loads its sink and precheck on demand, so importing this list loads no client
 * library (only zod, for the task-file fragments).
 */
import type { z } from 'zod';
import { InvariantError } from '../errors.ts';
import type { DestinationModule, Resolved, SinkFactory } from './destination-module.ts';
import { fcDestination } from './fc/module.ts';
import { kafkaDestination } from './kafka/module.ts';
import { maxComputeDestination } from './maxcompute/module.ts';

export const destinationModules = [kafkaDestination, fcDestination, maxComputeDestination] as const;

type Modules = typeof destinationModules;
type SchemaOf<M> = M extends { readonly schema: infer S extends z.ZodType } ? S : never;
/** Generic, so the mapping keeps the tuple (a mapped type over a concrete tuple maps its methods too). */
type SchemasOf<T extends readonly unknown[]> = { -readonly [I in keyof T]: SchemaOf<T[I]> };

export type DestinationType = Modules[number]['type'];

/** The task-file fragments, as the tuple `z.discriminatedUnion('type', …)` takes. */
export const destinationSchemas = destinationModules.map((m) => m.schema) as unknown as SchemasOf<Modules>;

/** A destination of the task with its secrets resolved (runtime/compose.ts). */
export type ResolvedDestination = Resolved<z.output<SchemaOf<Modules[number]>>>;

export function destinationModule(type: string): DestinationModule {
  const found = destinationModules.find((m) => m.type === type);
  // The task schema admits only listed types, so a miss is a bug.
  if (!found) throw new InvariantError(`no destination module for type "${type}" in shared/sink/registry.ts`, { type });
  return found as unknown as DestinationModule;
}

/** The sink factory of a destination's type, loaded on first use. */
export function loadSinkFactory(destination: ResolvedDestination): Promise<SinkFactory<ResolvedDestination>> {
  return destinationModule(destination.type).load() as Promise<SinkFactory<ResolvedDestination>>;
}
