/**
 * The task file's object mapping keys (DTS "object name mapping" and "Capitalization of Object
 * Names in Destination Instance"): `objects[].as`, `objects[].tables[].as`,
 * `objects[].tables[].columns` and the task's `objectNameCase`. Every name here is a SOURCE name
 * except the values of `as` and `rename`, which are destination names, used as written.
 */
import { z } from 'zod';

const name = z.string().min(1).max(64);

/** How names the task file does not spell out (no `as`, no `rename`) are written at the destination. */
export const objectNameCaseSchema = z.enum(['source', 'lower', 'upper']);
export type ObjectNameCase = z.output<typeof objectNameCaseSchema>;

/** A destination name for a database or table. */
export const destinationNameSchema = name;

/**
 * Which columns of a table reach the destination and under which names: `keep` (only these) or
 * `drop` (all but these), plus `rename: { source: destination }`. Column names match the source's
 * case-insensitively, as MySQL's do.
 */
export const columnsMappingSchema = z
  .object({
    keep: z.array(name).min(1, 'list at least one column to keep').optional(),
    drop: z.array(name).min(1, 'list at least one column to drop').optional(),
    rename: z.record(name, name).optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.keep && c.drop) ctx.addIssue({ code: 'custom', path: ['drop'], message: 'keep and drop together: list either the columns to keep or the columns to drop' });
    if (!c.keep && !c.drop && !c.rename) ctx.addIssue({ code: 'custom', path: [], message: 'empty: set keep, drop or rename, or remove columns' });
  });
export type ColumnsMapping = z.output<typeof columnsMappingSchema>;
