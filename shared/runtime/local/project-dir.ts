/**
 * The project's root folder (package.json, functions/, examples/), found by walking up from this
 * module: the same answer whether it runs from its TypeScript source or from the bundle
 * scripts/launch.mjs writes under .dts/run/, where a path relative to the module would be wrong.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { InvariantError } from '../../errors.ts';

let found: string | undefined;

export function projectDir(): string {
  if (found) return found;
  for (let dir = import.meta.dirname; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'functions'))) return (found = dir);
    if (dirname(dir) === dir) throw new InvariantError(`no project folder (package.json beside functions/) above ${import.meta.dirname}`);
  }
}
