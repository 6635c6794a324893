/** The Kafka destination as the registry lists it: `type: kafka`, its fragment, its secrets, its sink and precheck items on demand. */
import type { DestinationModule } from '../destination-module.ts';
import { kafkaDestinationSchema } from './config.ts';

export const kafkaDestination = {
  type: 'kafka',
  schema: kafkaDestinationSchema,
  secrets: ['sasl.password', 'schemaRegistry.basicAuth.password'],
  load: async () => (await import('./index.ts')).createKafkaSink,
  precheck: async () => (await import('./precheck-items.ts')).kafkaItems,
} as const satisfies DestinationModule<typeof kafkaDestinationSchema>;
