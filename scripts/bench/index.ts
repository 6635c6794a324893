/** `npm run bench -- <name> [options]`: runs one benchmark from this folder. */
const benches: Record<string, () => Promise<{ main(argv: string[]): Promise<void> }>> = {
  catchup: () => import('./catchup.ts'),
  snapshot: () => import('./snapshot.ts'),
  'maxcompute-sink': () => import('./maxcompute-sink.ts'),
  encode: () => import('./encode.ts'),
  mapping: () => import('./mapping.ts'),
  'row-decode': () => import('./row-decode.ts'),
  'queue-codec': () => import('./queue-codec.ts'),
  steady: () => import('./steady.ts'),
  transaction: () => import('./transaction.ts'),
};

const [name, ...rest] = process.argv.slice(2);
const load = name ? benches[name] : undefined;
if (!load) {
  process.stderr.write(`usage: npm run bench -- <${Object.keys(benches).join('|')}> [options]\n`);
  process.exit(2);
}
await (await load()).main(rest);
