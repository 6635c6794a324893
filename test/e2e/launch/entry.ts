/** A tiny entry for launch.test.ts: says where it runs from and what it was given, as JSON. */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { projectDir } from '../../../shared/runtime/local/project-dir.ts';

const here = dirname(fileURLToPath(import.meta.url));
process.stdout.write(
  JSON.stringify({ argv1: process.argv[1], args: process.argv.slice(2), moduleUrl: import.meta.url, workerBeside: existsSync(join(here, 'reader-worker.mjs')), projectDir: projectDir() }),
);
