/**
 * The error catalog (shared/errors.ts) is what users read when a task stops: every code is used,
 * explained in the catalog and in docs/operations.md, unique, and each error class owns one code,
 * so a code tells which class (and which fix) it came from.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../shared/errors.ts';

const root = join(import.meta.dirname, '..', '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

const files = sourceFiles(join(root, 'shared')).map((path) => ({ path: path.slice(root.length + 1), text: readFileSync(path, 'utf8') }));
const catalogText = readFileSync(join(root, 'shared', 'errors.ts'), 'utf8');
const operationsDoc = readFileSync(join(root, 'docs', 'operations.md'), 'utf8');
const keys = Object.keys(ErrorCodes) as (keyof typeof ErrorCodes)[];

/** Error classes of shared/ with the catalog keys named in their bodies (a class body ends at the first `}` in column 0). */
function errorClasses(): { name: string; path: string; codes: string[] }[] {
  const found: { name: string; path: string; codes: string[] }[] = [];
  for (const { path, text } of files) {
    for (const m of text.matchAll(/^(?:export )?class (\w+) extends (\w+)[^\n]*\{\n([\s\S]*?)^\}/gm)) {
      const [, name, base, body] = m;
      if (!/Error$/.test(base!) || base === 'Error') continue;
      found.push({ name: name!, path, codes: [...body!.matchAll(/ErrorCodes\.(\w+)/g)].map((c) => c[1]!) });
    }
  }
  return found;
}

describe('error catalog', () => {
  it('codes are unique and spelled DTS_<KEY>', () => {
    expect(new Set(Object.values(ErrorCodes)).size).toBe(keys.length);
    for (const key of keys) expect(ErrorCodes[key]).toBe(`DTS_${key}`);
  });

  it('every code has an explanation in the catalog', () => {
    for (const key of keys) expect(catalogText, key).toMatch(new RegExp(`/\\*\\* [^*]{12,}\\*/\\n  ${key}: '`));
  });

  it('every code is raised somewhere in shared/', () => {
    const raised = new Set(files.flatMap(({ text }) => [...text.matchAll(/ErrorCodes\.(\w+)/g)].map((m) => m[1]!)));
    expect(keys.filter((key) => !raised.has(key))).toEqual([]);
  });

  it('every code is listed in docs/operations.md with what to do', () => {
    expect(keys.filter((key) => !operationsDoc.includes(`| \`${ErrorCodes[key]}\` |`))).toEqual([]);
  });

  it('each error class owns one code, and no two classes share one', () => {
    const classes = errorClasses();
    expect(classes.length).toBeGreaterThan(30);
    const owner = new Map<string, string>();
    for (const c of classes) {
      // A class without a code of its own inherits its base's (DtsError subclasses must name one).
      if (c.codes.length === 0) {
        expect(files.find((f) => f.path === c.path)!.text, `${c.name} in ${c.path} names no code`).toMatch(new RegExp(`class ${c.name} extends (?!DtsError)`));
        continue;
      }
      expect(new Set(c.codes).size, `${c.name} in ${c.path}`).toBe(1);
      const code = c.codes[0]!;
      expect(owner.get(code), `${c.name} and ${owner.get(code)} share ${code}`).toBeUndefined();
      owner.set(code, c.name);
    }
  });

  it('shared/ throws no untyped Error (an untyped error counts as retriable)', () => {
    const bare = files.filter(({ text }) => /throw new Error\(/.test(text)).map((f) => f.path);
    expect(bare).toEqual([]);
  });
});
