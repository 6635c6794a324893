/** The MaxCompute destination as the registry lists it: `type: maxcompute`, its fragment, its secrets, its sink and precheck items on demand. */
import type { DestinationModule } from '../destination-module.ts';
import { maxComputeDestinationSchema } from './config.ts';

export const maxComputeDestination = {
  type: 'maxcompute',
  schema: maxComputeDestinationSchema,
  secrets: ['accessKeyId', 'accessKeySecret', 'securityToken'],
  load: async () => (await import('./maxcompute-sink.ts')).createMaxComputeSink,
  precheck: async () => (await import('./precheck-items.ts')).maxComputeItems,
} as const satisfies DestinationModule<typeof maxComputeDestinationSchema>;
