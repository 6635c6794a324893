/** Destination type → sink factory: a new destination is one line here, never a switch elsewhere. */
import type { Logger } from '../log.ts';
import { createKafkaSink, type ResolvedKafkaConfig } from './kafka/index.ts';
import { createFcSink, type ResolvedFcConfig } from './fc/index.ts';
import type { Sink } from './types.ts';

export interface SinkDeps {
  readonly log: Logger;
}

export interface ResolvedDestinations {
  kafka: ResolvedKafkaConfig;
  fc: ResolvedFcConfig;
}

export type ResolvedDestination = ResolvedDestinations[keyof ResolvedDestinations];

export const sinkFactories: { [K in keyof ResolvedDestinations]: (config: ResolvedDestinations[K], deps: SinkDeps) => Sink } = {
  kafka: createKafkaSink,
  fc: createFcSink,
};

export function createSink(config: ResolvedDestination, deps: SinkDeps): Sink {
  const factory = sinkFactories[config.type] as (c: ResolvedDestination, d: SinkDeps) => Sink;
  return factory(config, deps);
}
