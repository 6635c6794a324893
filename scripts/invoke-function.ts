/**
 * `npm run invoke -- <function> [event.json]`: calls one FC handler in this process with an
 * FC-style context (no Docker, unlike `s local invoke`) and prints its result as JSON. The context
 * carries what s.yaml declares for the function (deployed name, handler, memory, timeout,
 * initializer, region); credentials and account come from the environment (see
 * shared/runtime/fc/context.ts). The event file's bytes arrive as a Buffer, as on FC.
 */
import { Command } from 'commander';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parse } from 'yaml';
import { createLocalContext, type LocalContextOptions } from '../shared/runtime/fc/context.ts';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const functionsDir = join(repo, 'functions');

interface FunctionProps {
  functionName?: string;
  handler?: string;
  memorySize?: number;
  timeout?: number;
  region?: string;
  instanceLifecycleConfig?: { initializer?: { handler?: string } };
}

/** The context fields s.yaml declares for the resource named like the folder (none if absent). */
async function declaredContext(name: string): Promise<LocalContextOptions> {
  const doc = parse(await readFile(join(repo, 's.yaml'), 'utf8')) as { vars?: { region?: unknown }; resources?: Record<string, { props?: FunctionProps }> };
  const props = doc.resources?.[name]?.props;
  if (!props) return {};
  // `${vars.region}` is Serverless Devs' reference to the vars block; other values are literal.
  const region = props.region === '${vars.region}' && typeof doc.vars?.region === 'string' ? doc.vars.region : props.region;
  return {
    functionName: props.functionName,
    handler: props.handler,
    memory: props.memorySize,
    timeoutSeconds: props.timeout,
    initializer: props.instanceLifecycleConfig?.initializer?.handler,
    region: process.env.FC_REGION ?? region,
  };
}

const program = new Command()
  .name('npm run invoke --')
  .argument('<function>', 'a folder under functions/')
  .argument('[event]', 'a JSON file with the event (default: an empty event)')
  .option('--timeout <seconds>', "the function timeout the context reports (default: s.yaml's)")
  .parse();

const [name, eventFile] = program.args as [string, string | undefined];
const available = (await readdir(functionsDir, { withFileTypes: true }))
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();
if (!available.includes(name)) {
  process.stderr.write(`unknown function "${name}"; available: ${available.join(', ')}\n`);
  process.exit(2);
}
const event = eventFile ? await readFile(resolve(eventFile)) : Buffer.from('{}');
const { handler } = (await import(pathToFileURL(join(functionsDir, name, 'index.ts')).href)) as { handler: (event: Buffer, context: unknown) => Promise<unknown> };
const declared = await declaredContext(name);
const timeout = program.opts<{ timeout?: string }>().timeout;
const context = createLocalContext(name, { ...declared, ...(timeout ? { timeoutSeconds: Number(timeout) } : {}) });
try {
  const result = await handler(event, context);
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  process.exit(0);
} catch (err) {
  process.stderr.write(`${(err as Error).message}\n`);
  process.exit(1);
}
