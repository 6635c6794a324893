/** The Function Compute destination as the registry lists it: `type: fc`, its fragment, its secrets, its sink and precheck items on demand. */
import type { DestinationModule } from '../destination-module.ts';
import { fcDestinationSchema } from './config.ts';

export const fcDestination = {
  type: 'fc',
  schema: fcDestinationSchema,
  secrets: ['accessKeySecret', 'securityToken'],
  load: async () => (await import('./fc-sink.ts')).createFcSink,
  precheck: async () => (await import('./precheck-items.ts')).fcItems,
} as const satisfies DestinationModule<typeof fcDestinationSchema>;
