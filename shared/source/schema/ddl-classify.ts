/**
 * Classifies a DDL statement into the DTS DDL list and names the table it touches. Not a SQL
 * parser: it reads the statement's head (keywords and the first object name), which is all the
 * classification needs; the statement itself travels unchanged.
 */
import type { DdlKind } from '../../record/index.ts';

export interface DdlInfo {
  readonly kind: DdlKind;
  /** Database named in the statement (`db`.`t`), or null when unqualified. */
  readonly database: string | null;
  /** Table, view, routine or trigger name ('' for database-level statements). */
  readonly name: string;
  /** For CREATE TRIGGER / CREATE INDEX / DROP INDEX: the table the object belongs to. */
  readonly table: string | null;
  readonly tableDatabase: string | null;
}

const ident = String.raw`(?:\x60(?:[^\x60]|\x60\x60)+\x60|"(?:[^"]|"")+"|[\w$\u0080-\uffff]+)`;
const qualified = String.raw`(${ident})(?:\s*\.\s*(${ident}))?`;

function unquote(raw: string): string {
  if (raw.startsWith('`')) return raw.slice(1, -1).replace(/``/g, '`');
  if (raw.startsWith('"')) return raw.slice(1, -1).replace(/""/g, '"');
  return raw;
}

// Quoted names and strings are matched first so that `#`, `-- ` or `/*` inside them stay text.
const quoted = String.raw`\x60(?:[^\x60]|\x60\x60)*\x60|"(?:[^"\\]|\\[\s\S]|"")*"|'(?:[^'\\]|\\[\s\S]|'')*'`;
const comments = new RegExp(String.raw`(${quoted})|\/\*![0-9]{0,6}([\s\S]*?)\*\/|\/\*[\s\S]*?\*\/|(?:--\s|#)[^\n]*`, 'g');
const spaces = new RegExp(String.raw`(${quoted})|\s+`, 'g');

/** Removes comments (keeping `/*! … *\/` version comments' bodies, as MySQL executes them). */
export function stripComments(sql: string): string {
  return sql
    .replace(comments, (_m, text: string | undefined, body: string | undefined) => text ?? ` ${body ?? ''} `)
    .replace(spaces, (_m, text: string | undefined) => text ?? ' ')
    .trim();
}

function name(m: RegExpExecArray, at: number): { database: string | null; name: string } {
  const first = m[at];
  const second = m[at + 1];
  if (first === undefined) return { database: null, name: '' };
  return second !== undefined ? { database: unquote(first), name: unquote(second) } : { database: null, name: unquote(first) };
}

// DEFINER = user@host, each part a name, a 'string' (as typed) or CURRENT_USER.
const account = String.raw`(?:${ident}|'(?:[^'\\]|\\.|'')*'|CURRENT_USER(?:\s*\(\s*\))?)`;
const definer = String.raw`(?:DEFINER\s*=\s*${account}(?:\s*@\s*${account})?\s+)?`;
// Optional clauses between CREATE and the object keyword.
const createPrefix = String.raw`^CREATE\s+(?:OR\s+REPLACE\s+)?(?:ALGORITHM\s*=\s*\w+\s+)?${definer}(?:SQL\s+SECURITY\s+\w+\s+)?`;
const ifNotExists = String.raw`(?:IF\s+NOT\s+EXISTS\s+)?`;
const ifExists = String.raw`(?:IF\s+EXISTS\s+)?`;

type Rule = { re: RegExp; kind: DdlKind; table?: number };
const rules: Rule[] = [
  { re: new RegExp(`${createPrefix}(?:TEMPORARY\\s+)?TABLE\\s+${ifNotExists}${qualified}`, 'i'), kind: 'CREATE_TABLE' },
  { re: new RegExp(`^ALTER\\s+(?:ONLINE\\s+)?(?:IGNORE\\s+)?TABLE\\s+${ifExists}${qualified}`, 'i'), kind: 'ALTER_TABLE' },
  { re: new RegExp(`^DROP\\s+(?:TEMPORARY\\s+)?TABLES?\\s+${ifExists}${qualified}`, 'i'), kind: 'DROP_TABLE' },
  { re: new RegExp(`^RENAME\\s+TABLES?\\s+${qualified}`, 'i'), kind: 'RENAME_TABLE' },
  { re: new RegExp(`^TRUNCATE\\s+(?:TABLE\\s+)?${qualified}`, 'i'), kind: 'TRUNCATE_TABLE' },
  { re: new RegExp(`${createPrefix}VIEW\\s+${ifNotExists}${qualified}`, 'i'), kind: 'CREATE_VIEW' },
  { re: new RegExp(`^ALTER\\s+(?:ALGORITHM\\s*=\\s*\\w+\\s+)?${definer}(?:SQL\\s+SECURITY\\s+\\w+\\s+)?VIEW\\s+${qualified}`, 'i'), kind: 'ALTER_VIEW' },
  { re: new RegExp(`^DROP\\s+VIEWS?\\s+${ifExists}${qualified}`, 'i'), kind: 'DROP_VIEW' },
  { re: new RegExp(`${createPrefix}(?:AGGREGATE\\s+)?PROCEDURE\\s+${ifNotExists}${qualified}`, 'i'), kind: 'CREATE_PROCEDURE' },
  { re: new RegExp(`^ALTER\\s+PROCEDURE\\s+${qualified}`, 'i'), kind: 'ALTER_PROCEDURE' },
  { re: new RegExp(`^DROP\\s+PROCEDURE\\s+${ifExists}${qualified}`, 'i'), kind: 'DROP_PROCEDURE' },
  { re: new RegExp(`${createPrefix}(?:AGGREGATE\\s+)?FUNCTION\\s+${ifNotExists}${qualified}`, 'i'), kind: 'CREATE_FUNCTION' },
  { re: new RegExp(`^ALTER\\s+FUNCTION\\s+${qualified}`, 'i'), kind: 'ALTER_FUNCTION' },
  { re: new RegExp(`^DROP\\s+FUNCTION\\s+${ifExists}${qualified}`, 'i'), kind: 'DROP_FUNCTION' },
  {
    re: new RegExp(`${createPrefix}TRIGGER\\s+${ifNotExists}${qualified}\\s+(?:BEFORE|AFTER)\\s+(?:INSERT|UPDATE|DELETE)\\s+ON\\s+${qualified}`, 'i'),
    kind: 'CREATE_TRIGGER',
    table: 3,
  },
  { re: new RegExp(`^DROP\\s+TRIGGER\\s+${ifExists}${qualified}`, 'i'), kind: 'DROP_TRIGGER' },
  {
    re: new RegExp(`^CREATE\\s+(?:OR\\s+REPLACE\\s+)?(?:ONLINE\\s+)?(?:UNIQUE\\s+|FULLTEXT\\s+|SPATIAL\\s+)?INDEX\\s+${ifNotExists}${qualified}(?:\\s+USING\\s+\\w+)?\\s+ON\\s+${qualified}`, 'i'),
    kind: 'CREATE_INDEX',
    table: 3,
  },
  { re: new RegExp(`^DROP\\s+(?:ONLINE\\s+)?INDEX\\s+${ifExists}${qualified}\\s+ON\\s+${qualified}`, 'i'), kind: 'DROP_INDEX', table: 3 },
  { re: new RegExp(`^CREATE\\s+(?:OR\\s+REPLACE\\s+)?(?:DATABASE|SCHEMA)\\s+${ifNotExists}(${ident})`, 'i'), kind: 'CREATE_DATABASE' },
  { re: new RegExp(`^ALTER\\s+(?:DATABASE|SCHEMA)\\s+(${ident})`, 'i'), kind: 'ALTER_DATABASE' },
  { re: new RegExp(`^DROP\\s+(?:DATABASE|SCHEMA)\\s+${ifExists}(${ident})`, 'i'), kind: 'DROP_DATABASE' },
];

const databaseKinds = new Set<DdlKind>(['CREATE_DATABASE', 'ALTER_DATABASE', 'DROP_DATABASE']);

/** The classification, or null when the statement is not DDL this product synchronizes. */
export function classifyDdl(sql: string): DdlInfo | null {
  const text = stripComments(sql);
  for (const rule of rules) {
    const m = rule.re.exec(text);
    if (!m) continue;
    if (databaseKinds.has(rule.kind)) {
      return { kind: rule.kind, database: unquote(m[1] ?? ''), name: '', table: null, tableDatabase: null };
    }
    const object = name(m, 1);
    const owner = rule.table !== undefined ? name(m, rule.table) : null;
    return { kind: rule.kind, database: object.database, name: object.name, table: owner?.name ?? null, tableDatabase: owner?.database ?? null };
  }
  return null;
}

/** The table whose rows the statement affects (a trigger's or index's table, else the object itself). */
export function ddlTable(info: DdlInfo): string {
  return info.table ?? info.name;
}
