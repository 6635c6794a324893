/** The destination as the Kafka config a test set up (fails loudly if it is not one). */
export function kafkaOf<T extends { type: string }>(d: T | undefined): Extract<T, { type: 'kafka' }> {
  if (d?.type !== 'kafka') throw new Error(`expected a kafka destination, got ${d?.type}`);
  return d as Extract<T, { type: 'kafka' }>;
}
