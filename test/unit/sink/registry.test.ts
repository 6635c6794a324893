/**
 * The one list of destination modules: types are unique, each module lives in the folder named as
 * its type, its schema accepts only its own type, its `secrets` paths lead to secret fields, and
 * every secret field of its schema is listed (a secret missing from the list would reach the sink
 * unresolved), and `load()` gives a factory whose sink has the destination's name.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { silentLogger } from '../../../shared/log.ts';
import { destinationModule, destinationModules } from '../../../shared/sink/registry.ts';
import { secretSchema } from '../../../shared/task/secret.ts';

const repo = join(import.meta.dirname, '..', '..', '..');

interface ZodDefLike {
  type: string;
  innerType?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  options?: z.ZodType[];
}
const defOf = (schema: z.ZodType) => (schema as unknown as { _zod: { def: ZodDefLike } })._zod.def;

/** Dotted paths of every secretSchema field under `schema` (`[]` marks one inside an array). */
function secretPaths(schema: z.ZodType, at = ''): string[] {
  if (schema === secretSchema) return [at];
  const def = defOf(schema);
  if (def.innerType) return secretPaths(def.innerType, at);
  if (def.type === 'object') return Object.entries(def.shape ?? (schema as unknown as { shape: Record<string, z.ZodType> }).shape).flatMap(([k, v]) => secretPaths(v, at ? `${at}.${k}` : k));
  if (def.type === 'array' && def.element) return secretPaths(def.element, `${at}[]`);
  if (def.type === 'union' && def.options) return def.options.flatMap((o) => secretPaths(o, at));
  return [];
}

describe('destination registry', () => {
  it('lists each type once, each in its own folder with a deliver function', () => {
    const types = destinationModules.map((m) => m.type);
    expect(new Set(types).size).toBe(types.length);
    expect(types).toEqual(expect.arrayContaining(['kafka', 'fc']));
    for (const type of types) {
      expect(existsSync(join(repo, 'shared', 'sink', type, 'module.ts')), `shared/sink/${type}/module.ts`).toBe(true);
      expect(existsSync(join(repo, 'functions', `deliver-${type}`, 'index.ts')), `functions/deliver-${type}`).toBe(true);
      expect(destinationModule(type).type).toBe(type);
    }
    expect(() => destinationModule('ftp')).toThrow(/no destination module for type "ftp"/);
  });

  it.each(destinationModules.map((m) => [m.type, m] as const))('%s: its schema takes only its own type', (type, m) => {
    const other = m.schema.safeParse({ type: type === 'kafka' ? 'fc' : 'kafka' });
    expect(other.success).toBe(false);
    expect(other.error!.issues.some((i) => i.path[0] === 'type')).toBe(true);
  });

  it.each(destinationModules.map((m) => [m.type, m] as const))('%s: secrets lists exactly the secret fields of its schema', (_type, m) => {
    const found = secretPaths(m.schema);
    expect(
      found.every((p) => !p.includes('[]')),
      `secrets inside arrays are not resolved: ${found.join(', ')}`,
    ).toBe(true);
    expect([...m.secrets].sort()).toEqual(found.sort());
  });

  it('finds the secret fields of a schema (so the check above can fail)', () => {
    expect(secretPaths(destinationModule('kafka').schema).sort()).toEqual(['sasl.password', 'schemaRegistry.basicAuth.password']);
  });

  it.each(destinationModules.map((m) => [m.type, m] as const))('%s: load() gives a factory that builds a sink named as the destination', async (type, m) => {
    const create = await m.load();
    expect(typeof create).toBe('function');
    const minimal: Record<string, object> = {
      kafka: { type, name: 'k1', brokers: ['127.0.0.1:1'], topic: 't' },
      fc: { type, name: 'f1', region: 'cn-hangzhou', accountId: '1', accessKeyId: 'id', accessKeySecret: 's', service: 'svc', function: 'fn' },
    };
    const sample = minimal[type];
    if (!sample) return; // a module added later brings its own sink tests
    const parsed = m.schema.parse(sample) as Record<string, unknown>;
    const config = Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, (m.secrets as readonly string[]).includes(k) ? { reveal: () => String((v as { value: string }).value) } : v]));
    const sink = (create as (c: unknown, d: unknown) => { name: string; close(): Promise<void> })(config, { log: silentLogger, checkpoint: { read: async () => null, write: async () => {} } });
    expect(sink.name).toBe((sample as { name: string }).name);
    await sink.close();
  });
});
