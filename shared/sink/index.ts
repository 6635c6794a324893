/** sink: destinations. Each implements `Sink`; `registry.ts` maps a destination type to its factory. */
export type { Sink } from './types.ts';
