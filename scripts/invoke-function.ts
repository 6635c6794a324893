/**
 * `npm run invoke -- <function> [event.json]`: calls one FC handler in this process with an
 * FC-style context (no Docker, unlike `s local invoke`) and prints its result as JSON.
 */
import { Command } from 'commander';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createLocalContext } from '../shared/runtime/fc/context.ts';

const functionsDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'functions');

const program = new Command()
  .name('npm run invoke --')
  .argument('<function>', 'a folder under functions/')
  .argument('[event]', 'a JSON file with the event (default: an empty event)')
  .option('--timeout <seconds>', 'the function timeout the context reports', '900')
  .parse();

const [name, eventFile] = program.args as [string, string | undefined];
const available = (await readdir(functionsDir, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name);
if (!available.includes(name)) {
  process.stderr.write(`unknown function "${name}"; available: ${available.join(', ')}\n`);
  process.exit(2);
}
const event = eventFile ? await readFile(resolve(eventFile)) : Buffer.from('{}');
const { handler } = (await import(pathToFileURL(join(functionsDir, name, 'index.ts')).href)) as { handler: (event: Buffer, context: unknown) => Promise<unknown> };
const context = createLocalContext(name, { timeoutSeconds: Number(program.opts<{ timeout: string }>().timeout) });
try {
  const result = await handler(event, context);
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  process.exit(0);
} catch (err) {
  process.stderr.write(`${(err as Error).message}\n`);
  process.exit(1);
}
