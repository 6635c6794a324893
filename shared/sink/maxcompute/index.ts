/** The MaxCompute destination (reference/dts-docs/003): `_base` and `_log` tables through Table Tunnel batch uploads. */
export { createMaxComputeSink, type MaxComputeSinkDeps, type ResolvedMaxComputeConfig } from './maxcompute-sink.ts';
export { maxComputeDestinationSchema, type MaxComputeDestinationConfig, MAX_BLOCK_BYTES } from './config.ts';
export { maxComputeDestination } from './module.ts';
export type { MaxComputeClient, TunnelClient, UploadSession, PartitionSpec, OdpsTableSchema } from './client-types.ts';
