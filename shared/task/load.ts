/** Task file text → validated, defaulted `Task`. Every failure is a TaskConfigError with paths. */
import { readFile } from 'node:fs/promises';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import type { z } from 'zod';
import { TaskConfigError, type TaskIssue } from './errors.ts';
import { destinationModules } from '../sink/registry.ts';
import { taskSchema, type Task } from './schema.ts';
import { mappingIssues } from '../mapping/check-config.ts';

function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key)), '');
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type') {
    return /received undefined/.test(issue.message) ? `is required (expected ${issue.expected})` : `expected ${issue.expected}, ${issue.message.replace(/^.*(received \w+).*$/, '$1')}`;
  }
  if (issue.code === 'unrecognized_keys') return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}; check the spelling against the task reference`;
  if (issue.code === 'invalid_union' && 'discriminator' in issue && issue.discriminator) {
    return `${issue.message}; "type" must be one of the supported values (destinations: ${destinationModules.map((m) => m.type).join(', ')}; queue: file, redis)`;
  }
  return issue.message;
}

/**
 * A union such as a table entry (a name, or an object with options) fails as a whole with
 * "Invalid input"; when the value has the shape of exactly one branch (the others only say
 * "expected string" or "not one of"), that branch's own issues say what is wrong and where.
 */
function matchedBranchIssues(issue: z.core.$ZodIssue): z.core.$ZodIssue[] {
  if (issue.code !== 'invalid_union' || ('discriminator' in issue && issue.discriminator)) return [issue];
  const shaped = issue.errors.filter((branch) => !branch.every((i) => (i.code === 'invalid_type' || i.code === 'invalid_value') && i.path.length === 0));
  if (shaped.length !== 1) return [issue];
  return shaped[0]!.flatMap((i) => matchedBranchIssues({ ...i, path: [...issue.path, ...i.path] } as z.core.$ZodIssue));
}

/** Validates an already parsed document (YAML or JSON). `origin` names it in errors. */
export function parseTask(doc: unknown, origin: string): Task {
  const result = taskSchema.safeParse(doc);
  if (result.success) {
    // The object mapping across entries and destinations (names that collide, filter columns renamed …).
    const mapping = mappingIssues(result.data);
    if (mapping.length > 0) throw new TaskConfigError(origin, mapping);
    return result.data;
  }
  const issues: TaskIssue[] = result.error.issues.flatMap((i) => matchedBranchIssues(i)).map((i) => ({ path: formatPath(i.path), message: describeIssue(i) }));
  throw new TaskConfigError(origin, issues);
}

export async function loadTask(file: string): Promise<Task> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new TaskConfigError(file, [{ path: '', message: `cannot read the file (${(err as NodeJS.ErrnoException).code ?? String(err)})` }], err);
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    const where = err instanceof YAMLParseError && err.linePos ? ` at line ${err.linePos[0].line}, column ${err.linePos[0].col}` : '';
    throw new TaskConfigError(file, [{ path: '', message: `not valid YAML${where}: ${(err as Error).message.split('\n')[0]}` }], err);
  }
  if (doc === null || typeof doc !== 'object') {
    throw new TaskConfigError(file, [{ path: '', message: 'expected a YAML mapping with name, source, objects and destinations' }]);
  }
  return parseTask(doc, file);
}
