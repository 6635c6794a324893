/**
 * `node scripts/launch.mjs <entry.ts> [args…]`: runs a TypeScript entry as bundled JavaScript, the
 * way `npm start` and `npm run bench` run. Under tsx every isolate carries the TypeScript loader and
 * its compiled sources: about 40 MiB more per isolate, and the task runs two (the main thread and
 * the reader worker), for no speed (docs/performance.md). esbuild bundles our sources, npm packages
 * left external so they load from node_modules as usual, with the reader worker as a second entry
 * beside the main one (shared/runtime/local/reader-thread.ts starts it from there).
 *
 * Plain JavaScript because it must run before any TypeScript loader. The bundle is rebuilt only when
 * a source it holds changed (mtimes recorded at build), so a start costs no bundling when nothing
 * changed; each build gets a directory of its own, so a running process never sees its files
 * replaced. Inside the bundle `process.argv[1]` is the bundle's main file: a script that starts
 * itself again (the snapshot bench's child runs) runs the same bundle.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import process from 'node:process';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const runDir = join(repo, '.dts', 'run');
/** The reader worker's entry, bundled beside every main entry as `reader-worker.mjs`. */
const READER_WORKER = 'shared/runtime/local/reader-worker.ts';
/** Older builds of an entry are deleted after this long (a process may still be running from one). */
const KEEP_OLD_BUILDS_MS = 7 * 24 * 3600 * 1000;

const [entryArg, ...args] = process.argv.slice(2);
if (!entryArg?.endsWith('.ts')) {
  process.stderr.write('usage: node scripts/launch.mjs <entry.ts> [args…]\n');
  process.exit(2);
}
const entry = resolve(entryArg);
const name = relative(repo, entry).replace(/\.ts$/, '').replace(/[/\\]/g, '_');
const pointer = join(runDir, `${name}.json`);

/** The current build's directory name, or null when there is none or a source changed since. */
function currentBuild() {
  let last;
  try {
    last = JSON.parse(readFileSync(pointer, 'utf8'));
    statSync(join(runDir, last.dir, 'main.mjs'));
  } catch {
    return null;
  }
  for (const [file, mtimeMs] of Object.entries(last.inputs)) {
    if (statSync(join(repo, file), { throwIfNoEntry: false })?.mtimeMs !== mtimeMs) return null;
  }
  return last.dir;
}

/**
 * A relative import of a file inside node_modules (zongji's internal classes, which its package does
 * not export) must load the very module the external package loads, or patching its classes (the
 * lean row decoder, geometry-charsets.ts) would patch a bundled copy nobody calls: it stays an
 * import of that file by its absolute path.
 */
const packageFilesByPath = {
  name: 'package-files-by-path',
  setup(b) {
    b.onResolve({ filter: /\/node_modules\// }, (args) => (args.path.startsWith('.') ? { path: resolve(args.resolveDir, args.path), external: true } : undefined));
  },
};

async function rebuild() {
  const started = Date.now();
  const dir = `${name}-${started.toString(36)}-${process.pid}`;
  // Loaded only to build, and its service process stopped after: a cached start carries none of it.
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    absWorkingDir: repo,
    entryPoints: { main: entry, 'reader-worker': join(repo, READER_WORKER) },
    outdir: join(runDir, dir),
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    sourcemap: 'linked', // read only with NODE_OPTIONS=--enable-source-maps: stack traces then name the .ts lines
    metafile: true,
    logLevel: 'warning',
    plugins: [packageFilesByPath],
  });
  await esbuild.stop();
  // A source saved while esbuild read it may not be in the bundle: record it as changed.
  const inputs = {};
  // This script's own options shape the bundle too.
  for (const file of [...Object.keys(result.metafile.inputs), relative(repo, fileURLToPath(import.meta.url))]) {
    const { mtimeMs } = statSync(join(repo, file));
    inputs[file] = mtimeMs < started ? mtimeMs : 0;
  }
  const temp = `${pointer}.${process.pid}.tmp`;
  writeFileSync(temp, JSON.stringify({ dir, inputs }));
  renameSync(temp, pointer);
  for (const old of readdirSync(runDir)) {
    if (old === dir || !old.startsWith(`${name}-`)) continue;
    if (started - statSync(join(runDir, old)).mtimeMs > KEEP_OLD_BUILDS_MS) rmSync(join(runDir, old), { recursive: true, force: true });
  }
  return dir;
}

mkdirSync(runDir, { recursive: true });
const main = join(runDir, currentBuild() ?? (await rebuild()), 'main.mjs');
process.argv = [process.argv[0], main, ...args];
await import(pathToFileURL(main).href);
