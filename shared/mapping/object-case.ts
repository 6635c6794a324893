/** A destination name under the task's `objectNameCase` (DTS: keep the source's, all lower, all upper). */
import type { ObjectNameCase } from './config.ts';

export function withCase(name: string, policy: ObjectNameCase): string {
  return policy === 'lower' ? name.toLowerCase() : policy === 'upper' ? name.toUpperCase() : name;
}
