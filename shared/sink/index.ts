/**
 * sink: destinations. Each implements `Sink` (types.ts) and is one module in the one list,
 * `registry.ts` (its type, task-file fragment, secret fields and lazily loaded sink).
 */
export type { Acknowledgement, DeliverOptions, Sink, SinkCheckpoint, SinkDeps } from './types.ts';
export type { DestinationModule, Resolved, SinkFactory } from './destination-module.ts';
