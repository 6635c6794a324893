/** The Function Compute destination as the registry lists it: `type: fc`, its fragment, its secrets, its sink on demand. */
import type { DestinationModule } from '../destination-module.ts';
import { fcDestinationSchema } from './config.ts';

export const fcDestination = {
  type: 'fc',
  schema: fcDestinationSchema,
  secrets: ['accessKeySecret', 'securityToken'],
  load: async () => (await import('./fc-sink.ts')).createFcSink,
} as const satisfies DestinationModule<typeof fcDestinationSchema>;
