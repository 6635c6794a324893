/**
 * `npm run build [-- --outdir dist] [--task file] [function …]`: one deployable directory per FC
 * function, `<outdir>/<name>/`, which s.yaml names as `code:` with `handler: index.handler`:
 * - `index.js`: functions/<name>/index.ts bundled by esbuild as ESM for Node 20 (a `package.json`
 *   with `"type": "module"` beside it is how FC's nodejs20 runtime loads ESM from `index.js`);
 * - `node_modules/`: only what cannot be bundled. Native addons (a `.node` binary cannot be inlined),
 *   copied with their linux-x64-gnu binary alone (FC nodejs20 is Debian x86_64, glibc), and packages
 *   loaded at run time by file path (kafkajs: shared/sink/kafka/kafkajs-tuning.ts swaps modules in
 *   its require cache, so it must exist as files);
 * - `task.yaml`: the task file (s.yaml's `vars.task`), which DTS_TASK_FILE points to.
 * A function bundles the sink and client of its own destination type only: `deliver-<type>` keeps
 * the loader of that type's module (shared/sink/registry.ts); every other loader becomes a stub,
 * so reader, heartbeat … carry no sink client and deliver-fc carries no kafkajs.
 * The FC reader entry runs the reader on the invocation's own thread (the worker thread is the
 * local runtime's), so no worker script needs bundling.
 */
import { build, type Metafile, type Plugin } from 'esbuild';
import { copyFile, cp, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { isBuiltin } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { destinationModules } from '../shared/sink/registry.ts';
import { loadTask } from '../shared/task/index.ts';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Packages with a `.node` binary, loaded through a platform package (napi-rs) or a file beside them. */
export const NATIVE_PACKAGES = ['lz4-napi', 'snappy', '@node-rs/crc32'] as const;
/**
 * Packages that a module loads through its own `require = createRequire(import.meta.url)` at run
 * time, by the modules that do: kept external and copied as files when one of those modules is in
 * the bundle. kafkajs-tuning resolves kafkajs's files and swaps modules in its require cache, so
 * kafkajs must exist as files. test/unit/deploy/build.test.ts keeps this list complete.
 */
export const RUNTIME_REQUIRED: Readonly<Record<string, readonly string[]>> = {
  kafkajs: ['shared/sink/kafka/kafkajs-tuning.ts'],
};
/**
 * Optional requires of bundled packages that are not installed and are reached only on paths this
 * project does not take; left as run-time requires. urllib (under @alicloud/fc2's ali-oss) loads
 * proxy-agent only when URLLIB_ENABLE_PROXY or a proxy option is set.
 */
export const ABSENT_OPTIONAL = ['proxy-agent'] as const;
/** The platform FC's nodejs20 runtime runs on, as napi-rs names its binary packages and files. */
export const TARGET_PLATFORM = 'linux-x64-gnu';

export interface BuildOptions {
  readonly outdir: string;
  /** Folders under functions/ (default: all). */
  readonly functions?: readonly string[];
  /** The task file copied as task.yaml (default: s.yaml's vars.task). */
  readonly taskFile?: string;
}

export interface BuiltFunction {
  readonly name: string;
  readonly dir: string;
  /** Total size of the directory. */
  readonly bytes: number;
  /** Packages copied into node_modules (with their dependencies). */
  readonly packages: readonly string[];
  /** Packages with files inlined in index.js. */
  readonly bundled: readonly string[];
}

// ESM output of bundled CommonJS: give it the `require`, `__filename` and `__dirname` it expects.
const ESM_PRELUDE = [
  "import { createRequire as __dtsCreateRequire } from 'node:module';",
  "import { fileURLToPath as __dtsFileURLToPath } from 'node:url';",
  'const require = __dtsCreateRequire(import.meta.url);',
  'const __filename = __dtsFileURLToPath(import.meta.url);',
  "const __dirname = __dtsFileURLToPath(new URL('.', import.meta.url));",
].join('\n');

export async function functionNames(): Promise<string[]> {
  const entries = await readdir(join(repo, 'functions'), { withFileTypes: true });
  return entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

/** s.yaml's `vars.task`: the task file a deployment carries. */
export async function deployedTaskFile(): Promise<string> {
  const doc = parse(await readFile(join(repo, 's.yaml'), 'utf8')) as { vars?: { task?: unknown } };
  if (typeof doc.vars?.task !== 'string') throw new Error('s.yaml: vars.task must name the task file to deploy (e.g. examples/local.yaml)');
  return resolve(repo, doc.vars.task);
}

/** The package a bare import names: `@scope/name/sub` → `@scope/name`. */
function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/**
 * `createRequire(import.meta.url)('pkg')` is how an ES module loads CommonJS in Node; bundled, a
 * plain `require('pkg')` says the same and lets esbuild include the package (one copy, shared with
 * static imports of it). External packages stay run-time requires through the prelude's `require`.
 */
const inlineCreateRequire: Plugin = {
  name: 'inline-create-require',
  setup(b) {
    b.onLoad({ filter: /[\\/](shared|functions)[\\/].*\.ts$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      if (!source.includes('createRequire(import.meta.url)(')) return undefined;
      return { contents: source.replaceAll('createRequire(import.meta.url)(', 'require('), loader: 'ts' };
    });
  },
};

/** The destination types a function delivers to: `deliver-<type>` its own, any other function none. */
export function destinationTypesOf(functionName: string): string[] {
  const m = /^deliver-(.+)$/.exec(functionName);
  return m ? [m[1]!] : [];
}

/** A destination module's loader is the dynamic import in `shared/sink/<type>/module.ts`. */
const MODULE_FILE = /[\\/]shared[\\/]sink[\\/]([^\\/]+)[\\/]module\.ts$/;
const ABSENT_SINK = 'dts-absent-sink';

/**
 * Leaves out the sinks of destination types the function does not deliver to: their loaders
 * resolve to a module that throws when imported, so `load()` rejects with a message naming the
 * function that has them, and nothing of that sink or its client is bundled.
 */
function onlyOwnSinks(keep: readonly string[]): Plugin {
  return {
    name: 'only-own-sinks',
    setup(b) {
      b.onResolve({ filter: /^\.\.?\// }, (args) => {
        if (args.kind !== 'dynamic-import') return undefined;
        const type = MODULE_FILE.exec(args.importer)?.[1];
        if (type === undefined || keep.includes(type)) return undefined;
        return { path: type, namespace: ABSENT_SINK };
      });
      b.onLoad({ filter: /.*/, namespace: ABSENT_SINK }, (args) => ({
        contents: `throw new Error(${JSON.stringify(`this function was built without the sink of destination type "${args.path}"; deliver-${args.path} delivers to it`)});`,
        loader: 'js',
      }));
    },
  };
}

/** Every listed destination has its module where the build looks for its loader. */
async function checkDestinationModules(): Promise<void> {
  for (const { type } of destinationModules) {
    const file = join(repo, 'shared', 'sink', type, 'module.ts');
    if (!(await stat(file).catch(() => null))) {
      throw new Error(`build: destination type "${type}" is listed in shared/sink/registry.ts but ${relative(repo, file)} does not exist; a module lives in the folder named as its type`);
    }
  }
}

/** Packages whose files esbuild inlined. */
function bundledPackages(metafile: Metafile): string[] {
  const names = new Set<string>();
  for (const input of Object.keys(metafile.inputs)) {
    const at = input.lastIndexOf('node_modules/');
    const m = at < 0 ? null : /^node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input.slice(at));
    if (m) names.add(m[1]!);
  }
  return [...names].sort();
}

/** Node's lookup: `node_modules/<name>` in `from` or the nearest directory above it. */
async function findPackageDir(name: string, from: string): Promise<string | null> {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (await stat(join(candidate, 'package.json')).catch(() => null)) return candidate;
    if (dirname(dir) === dir) return null;
  }
}

interface PackageJson {
  readonly dependencies?: Record<string, string>;
  readonly optionalDependencies?: Record<string, string>;
}

/** Binaries for other platforms, type declarations and docs stay behind. */
function isShipped(file: string): boolean {
  if (file.endsWith('.node')) return file.includes(TARGET_PLATFORM);
  return !/\.([cm]?ts|md|markdown|map)$/i.test(file) && !/(^|\/)(test|tests|__tests__|docs?)\//.test(file);
}

/** Copies a package and what it needs at run time; a missing binary for the target is an error. */
async function copyPackage(name: string, from: string, intoModules: string, copied: Set<string>): Promise<void> {
  if (copied.has(name)) return;
  const dir = await findPackageDir(name, from);
  if (!dir) throw new Error(`build: package "${name}" is not installed (needed from ${relative(repo, from) || '.'}); run npm ci`);
  copied.add(name);
  await cp(dir, join(intoModules, name), { recursive: true, dereference: true, filter: (src) => src === dir || isShipped(relative(dir, src)) });
  const pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as PackageJson;
  for (const dep of Object.keys(pkg.dependencies ?? {})) await copyPackage(dep, dir, intoModules, copied);
  for (const dep of Object.keys(pkg.optionalDependencies ?? {}).filter((d) => d.endsWith(`-${TARGET_PLATFORM}`))) {
    if (!(await findPackageDir(dep, dir))) {
      throw new Error(`build: ${name} needs its ${TARGET_PLATFORM} binary package ${dep}, which is not installed here; run \`npm install --os=linux --cpu=x64 --libc=glibc\` (or build on linux x64)`);
    }
    await copyPackage(dep, dir, intoModules, copied);
  }
}

/**
 * The native packages the bundle imports, plus those its modules load at run time. Other external
 * imports are Node built-ins or `require`s esbuild could not resolve inside a try block (optional
 * peers such as debug's supports-color), which their packages do without.
 */
function externalPackages(metafile: Metafile): string[] {
  const native = new Set<string>(NATIVE_PACKAGES);
  const names = new Set<string>();
  for (const output of Object.values(metafile.outputs)) {
    for (const imported of output.imports) {
      if (imported.external && !isBuiltin(imported.path) && native.has(packageOf(imported.path))) names.add(packageOf(imported.path));
    }
  }
  for (const [name, modules] of Object.entries(RUNTIME_REQUIRED)) if (modules.some((m) => metafile.inputs[m])) names.add(name);
  return [...names].sort();
}

async function directorySize(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += (await stat(join(entry.parentPath, entry.name))).size;
  }
  return total;
}

export async function buildFunction(name: string, outdir: string, taskFile: string): Promise<BuiltFunction> {
  const entry = join(repo, 'functions', name, 'index.ts');
  if (!(await stat(entry).catch(() => null))) throw new Error(`build: functions/${name}/index.ts does not exist`);
  const dir = join(outdir, name);
  await rm(dir, { recursive: true, force: true });
  const result = await build({
    absWorkingDir: repo,
    entryPoints: [entry],
    outfile: join(dir, 'index.js'),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    minify: true,
    keepNames: true, // error names come from their classes (new.target.name)
    sourcemap: 'linked',
    sourcesContent: false,
    legalComments: 'none',
    external: [...NATIVE_PACKAGES, ...Object.keys(RUNTIME_REQUIRED), ...ABSENT_OPTIONAL],
    banner: { js: ESM_PRELUDE },
    plugins: [inlineCreateRequire, onlyOwnSinks(destinationTypesOf(name))],
    metafile: true,
    logLevel: 'error',
  });
  await writeFile(join(dir, 'package.json'), `${JSON.stringify({ name: `dts-${name}`, private: true, type: 'module' }, null, 2)}\n`);
  await copyFile(taskFile, join(dir, 'task.yaml'));
  const copied = new Set<string>();
  for (const pkg of externalPackages(result.metafile)) await copyPackage(pkg, repo, join(dir, 'node_modules'), copied);
  return { name, dir, bytes: await directorySize(dir), packages: [...copied].sort(), bundled: bundledPackages(result.metafile) };
}

/** The task file of a deployment has a file queue, which FC function instances cannot share. */
export class FileQueueDeployError extends Error {
  constructor(readonly taskFile: string) {
    super(
      `${taskFile}: queue.type is file, but FC function instances share no disk, so the reader and the deliverers would each have a queue of their own. ` +
        'Use a Redis queue in the task file: queue: { type: redis, url: ${DTS_REDIS_URL}, prefix: dts:<task> } (examples/cloud.yaml), ' +
        "or point s.yaml's vars.task (or --task) at a task file that has one.",
    );
    this.name = 'FileQueueDeployError';
  }
}

export interface BuildResult {
  readonly functions: readonly BuiltFunction[];
  /** Things that build but will not work in the cloud as they are. */
  readonly warnings: readonly string[];
}

export async function buildFunctions(options: BuildOptions): Promise<BuildResult> {
  const names = options.functions?.length ? [...options.functions] : await functionNames();
  const taskFile = options.taskFile ? resolve(options.taskFile) : await deployedTaskFile();
  // Validated here too, so that a bad task file fails the build rather than every cold start.
  const task = await loadTask(taskFile);
  // A file queue lives in one instance's /tmp: the reader would fill a queue no deliverer sees.
  if (task.queue.type === 'file') throw new FileQueueDeployError(relative(process.cwd(), taskFile) || taskFile);
  const warnings: string[] = [];
  await checkDestinationModules();
  await mkdir(options.outdir, { recursive: true });
  const built: BuiltFunction[] = [];
  for (const name of names) built.push(await buildFunction(name, resolve(options.outdir), taskFile));
  return { functions: built, warnings };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { Command } = await import('commander');
  const program = new Command()
    .name('npm run build --')
    .argument('[functions...]', 'folders under functions/ (default: all)')
    .option('--outdir <dir>', 'where the function directories go', 'dist')
    .option('--task <file>', "the task file to deploy (default: s.yaml's vars.task)")
    .parse();
  const opts = program.opts<{ outdir: string; task?: string }>();
  try {
    const { functions: built, warnings } = await buildFunctions({ outdir: resolve(opts.outdir), functions: program.args, taskFile: opts.task });
    for (const w of warnings) process.stderr.write(`warning: ${w}\n`);
    for (const f of built) {
      const mib = (f.bytes / 1024 / 1024).toFixed(2);
      process.stdout.write(`${relative(process.cwd(), f.dir)}  ${mib} MiB${f.packages.length ? `  node_modules: ${f.packages.join(', ')}` : ''}\n`);
    }
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(1);
  }
}
