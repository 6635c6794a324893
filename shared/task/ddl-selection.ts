/**
 * DTS "DDL to synchronize": which DDL kinds reach a destination, per task and per object
 * (`ddl: { deliver: all | none | [CREATE TABLE, ALTER TABLE, …] }`). Kinds are written as DTS
 * lists them ("CREATE TABLE") or as the record names them ("CREATE_TABLE"); both become a DdlKind.
 */
import { z } from 'zod';
import type { DdlKind } from '../record/index.ts';

/** Every DdlKind, in the order DTS lists them (the record's own union is the source of truth). */
export const ddlKinds = [
  'CREATE_TABLE',
  'ALTER_TABLE',
  'DROP_TABLE',
  'RENAME_TABLE',
  'TRUNCATE_TABLE',
  'CREATE_VIEW',
  'ALTER_VIEW',
  'DROP_VIEW',
  'CREATE_PROCEDURE',
  'ALTER_PROCEDURE',
  'DROP_PROCEDURE',
  'CREATE_FUNCTION',
  'ALTER_FUNCTION',
  'DROP_FUNCTION',
  'CREATE_TRIGGER',
  'DROP_TRIGGER',
  'CREATE_INDEX',
  'DROP_INDEX',
  'CREATE_DATABASE',
  'ALTER_DATABASE',
  'DROP_DATABASE',
  'OTHER',
] as const satisfies readonly DdlKind[];

// Fails to compile when record/types.ts gains a kind this list lacks.
type Missing = Exclude<DdlKind, (typeof ddlKinds)[number]>;
const exhaustive: Missing extends never ? true : Missing = true;
void exhaustive;

const known = new Set<string>(ddlKinds);
const spelled = ddlKinds.map((k) => k.replaceAll('_', ' ')).join(', ');

/** "create  table" → CREATE_TABLE; null when it names no kind. */
export function ddlKindOf(text: string): DdlKind | null {
  const kind = text
    .trim()
    .toUpperCase()
    .replace(/[\s_]+/g, '_');
  return known.has(kind) ? (kind as DdlKind) : null;
}

const ddlKindSchema = z.string().transform((text, ctx) => {
  const kind = ddlKindOf(text);
  if (kind === null) {
    ctx.addIssue({ code: 'custom', message: `unknown DDL kind "${text}"; valid kinds: ${spelled} (or all / none for the whole list)` });
    return z.NEVER;
  }
  return kind;
});

/** `all`, `none`, or the kinds delivered; a list never holds `all`/`none`. */
export const ddlSelectionSchema = z
  .object({
    deliver: z.union([z.enum(['all', 'none']), z.array(ddlKindSchema).min(1, 'list at least one DDL kind, or write none')], {
      error: `expected all, none, or a list of DDL kinds (${spelled})`,
    }),
  })
  .strict();

export type DdlSelection = z.output<typeof ddlSelectionSchema>;

/**
 * What a destination takes when neither the task nor the object says: every kind. Kafka and FC
 * write each DDL as a message or record (DTS does); MaxCompute reads them and follows only ADD
 * COLUMN (seed F9), logging the rest, so it needs them too.
 */
export const defaultDdlSelection: DdlSelection = { deliver: 'all' };
