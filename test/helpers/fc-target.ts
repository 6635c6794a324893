/**
 * A target function for the FC destination tests, written into a directory of its own: it logs
 * every invocation (event, FC names from its context, whether it failed) to `invocations.jsonl`
 * in that directory, and throws while `fail.json` says so, as a user's function would when its
 * own storage refuses a write.
 */
import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tempDir } from './stack.ts';

const handlerSource = `
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
const here = (name) => new URL(name, import.meta.url);
export const handler = async (event, context) => {
  const parsed = JSON.parse(event.toString('utf8'));
  const entry = { requestId: context.requestId, service: context.service.name, function: context.function.name, qualifier: context.service.qualifier, event: parsed };
  if (existsSync(here('fail.json'))) {
    const rule = JSON.parse(readFileSync(here('fail.json'), 'utf8'));
    const hit = parsed.Records.some((r) => (r.data ?? []).some((row) => Object.values(row).includes(rule.value)));
    if (hit && (rule.times === undefined || rule.times > 0)) {
      if (rule.times !== undefined) writeFileSync(here('fail.json'), JSON.stringify({ ...rule, times: rule.times - 1 }));
      appendFileSync(here('invocations.jsonl'), JSON.stringify({ ...entry, failed: true }) + '\\n');
      throw new Error(rule.message);
    }
  }
  appendFileSync(here('invocations.jsonl'), JSON.stringify({ ...entry, failed: false }) + '\\n');
  context.logger.info('received', parsed.Records.length);
  return { received: parsed.Records.length };
};
`;

export interface FcRecord {
  readonly [field: string]: unknown;
  readonly id: number;
  readonly type: string;
  readonly data?: Record<string, string | null>[];
  readonly old?: Record<string, string | null>[];
}

export interface Invocation {
  readonly requestId: string;
  readonly service: string;
  readonly function: string;
  readonly qualifier: string;
  readonly failed: boolean;
  readonly event: { Records: FcRecord[] };
}

export interface FcTarget {
  readonly dir: string;
  /** Every invocation so far, in the order the function ran. */
  invocations(): Promise<Invocation[]>;
  /** Records of the invocations that succeeded, in order. */
  delivered(): Promise<FcRecord[]>;
  /** Throw `message` for events holding a row with `value` (`times` times, or until cleared). */
  failOn(rule: { value: string; message: string; times?: number }): Promise<void>;
  clearFailure(): Promise<void>;
}

export async function createFcTarget(): Promise<FcTarget> {
  const dir = await tempDir('fc-target');
  await writeFile(join(dir, 'index.mjs'), handlerSource);
  const log = join(dir, 'invocations.jsonl');
  const invocations = async (): Promise<Invocation[]> =>
    existsSync(log)
      ? (await readFile(log, 'utf8'))
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line) as Invocation)
      : [];
  return {
    dir,
    invocations,
    delivered: async () => (await invocations()).filter((i) => !i.failed).flatMap((i) => i.event.Records),
    failOn: (rule) => writeFile(join(dir, 'fail.json'), JSON.stringify(rule)),
    clearFailure: () => rm(join(dir, 'fail.json'), { force: true }),
  };
}
