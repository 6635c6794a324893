/**
 * Parses exactly the SQL the sink and the SDK tests send (specs/maxcompute.md §2.3):
 *
 *   CREATE TABLE [IF NOT EXISTS] [project.]name (col type [NOT NULL] [COMMENT '..'], ..)
 *       [COMMENT '..'] [PARTITIONED BY (col type [COMMENT '..'], ..)] [LIFECYCLE n]
 *   ALTER TABLE [project.]name ADD COLUMNS [IF NOT EXISTS] (col type [COMMENT '..'], ..)
 *   ALTER TABLE [project.]name ADD [IF NOT EXISTS] PARTITION (k='v', ..) [PARTITION (..)]..
 *   DROP TABLE [IF EXISTS] [project.]name
 *
 * Identifiers may be `quoted`; string literals use '..' or ".." with backslash escapes; one
 * statement, an optional trailing ';'. Anything else is a SqlError with an ODPS-style code, as
 * the service reports a failed task.
 */

export class SqlError extends Error {}

export interface ColumnSpec {
  readonly name: string;
  /** Type text as written, validated later (odps-types.ts). */
  readonly type: string;
  readonly comment: string;
}

export interface TableName {
  readonly project?: string;
  readonly table: string;
}

export type Statement =
  | {
      readonly kind: 'create';
      readonly name: TableName;
      readonly ifNotExists: boolean;
      readonly columns: ColumnSpec[];
      readonly comment: string;
      readonly partitionKeys: ColumnSpec[];
      readonly lifecycle: number;
    }
  | { readonly kind: 'add-columns'; readonly name: TableName; readonly ifNotExists: boolean; readonly columns: ColumnSpec[] }
  | { readonly kind: 'add-partitions'; readonly name: TableName; readonly ifNotExists: boolean; readonly partitions: [string, string][][] }
  | { readonly kind: 'drop'; readonly name: TableName; readonly ifExists: boolean };

type Token = { readonly kind: 'word' | 'ident' | 'string' | 'number' | 'punct'; readonly text: string; readonly line: number; readonly col: number };

function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const at = () => ({ line, col: i - lineStart + 1 });
  while (i < sql.length) {
    const c = sql[i]!;
    if (c === '\n') {
      i += 1;
      line += 1;
      lineStart = i;
    } else if (/\s/.test(c)) i += 1;
    else if (sql.startsWith('--', i)) {
      while (i < sql.length && sql[i] !== '\n') i += 1;
    } else if (c === '`') {
      const pos = at();
      let text = '';
      i += 1;
      for (;;) {
        if (i >= sql.length) throw new SqlError(`ODPS-0130161:[${pos.line},${pos.col}] Parse exception - unterminated \`identifier\``);
        if (sql[i] === '`' && sql[i + 1] === '`') {
          text += '`';
          i += 2;
        } else if (sql[i] === '`') {
          i += 1;
          break;
        } else text += sql[i++];
      }
      tokens.push({ kind: 'ident', text, ...pos });
    } else if (c === "'" || c === '"') {
      const pos = at();
      let text = '';
      i += 1;
      for (;;) {
        if (i >= sql.length) throw new SqlError(`ODPS-0130161:[${pos.line},${pos.col}] Parse exception - unterminated string literal`);
        const d = sql[i]!;
        if (d === '\\' && i + 1 < sql.length) {
          const e = sql[i + 1]!;
          text += e === 'n' ? '\n' : e === 't' ? '\t' : e === 'r' ? '\r' : e === '0' ? '\0' : e;
          i += 2;
        } else if (d === c) {
          i += 1;
          break;
        } else text += sql[i++];
      }
      tokens.push({ kind: 'string', text, ...pos });
    } else if (/[0-9]/.test(c)) {
      const pos = at();
      const m = /^[0-9]+/.exec(sql.slice(i))![0];
      i += m.length;
      tokens.push({ kind: 'number', text: m, ...pos });
    } else if (/[A-Za-z_\p{L}]/u.test(c)) {
      const pos = at();
      const m = /^[A-Za-z_\p{L}][A-Za-z0-9_$\p{L}\p{N}]*/u.exec(sql.slice(i))![0];
      i += m.length;
      tokens.push({ kind: 'word', text: m, ...pos });
    } else {
      // Any other character is a token the parser will not expect ('*', '+' …).
      tokens.push({ kind: 'punct', text: c, ...at() });
      i += 1;
    }
  }
  return tokens;
}

class Parser {
  private i = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(offset = 0): Token | undefined {
    return this.tokens[this.i + offset];
  }

  private fail(expected: string): never {
    const t = this.peek();
    const where = t ? `[${t.line},${t.col}]` : '[end]';
    throw new SqlError(`ODPS-0130161:${where} Parse exception - expected ${expected}, found ${t ? `'${t.text}'` : 'the end of the statement'}`);
  }

  isWord(...words: string[]): boolean {
    return words.every((w, k) => {
      const t = this.peek(k);
      return t?.kind === 'word' && t.text.toUpperCase() === w;
    });
  }

  word(...words: string[]): void {
    for (const w of words) {
      if (!this.isWord(w)) this.fail(w);
      this.i += 1;
    }
  }

  optional(...words: string[]): boolean {
    if (!this.isWord(...words)) return false;
    this.i += words.length;
    return true;
  }

  punct(p: string): void {
    const t = this.peek();
    if (t?.kind !== 'punct' || t.text !== p) this.fail(`'${p}'`);
    this.i += 1;
  }

  isPunct(p: string): boolean {
    const t = this.peek();
    return t?.kind === 'punct' && t.text === p;
  }

  identifier(what: string): string {
    const t = this.peek();
    if (t?.kind !== 'ident' && t?.kind !== 'word') this.fail(what);
    this.i += 1;
    return t!.text;
  }

  string(what: string): string {
    const t = this.peek();
    if (t?.kind !== 'string') this.fail(what);
    this.i += 1;
    return t!.text;
  }

  number(what: string): number {
    const t = this.peek();
    if (t?.kind !== 'number') this.fail(what);
    this.i += 1;
    return Number(t!.text);
  }

  tableName(): TableName {
    const first = this.identifier('a table name');
    if (this.isPunct('.')) {
      this.i += 1;
      return { project: first, table: this.identifier('a table name after the project') };
    }
    return { table: first };
  }

  type(): string {
    let text = this.identifier('a column type');
    if (this.isPunct('(')) {
      this.i += 1;
      text += `(${this.number('a type length or precision')}`;
      if (this.isPunct(',')) {
        this.i += 1;
        text += `,${this.number('a scale')}`;
      }
      this.punct(')');
      text += ')';
    } else if (this.isPunct('<')) {
      this.fail('a scalar type (ARRAY, MAP and STRUCT are not supported by the local endpoint)');
    }
    return text;
  }

  columns(): ColumnSpec[] {
    this.punct('(');
    const columns: ColumnSpec[] = [];
    for (;;) {
      const name = this.identifier('a column name');
      const type = this.type();
      this.optional('NOT', 'NULL');
      const comment = this.optional('COMMENT') ? this.string('the comment text') : '';
      columns.push({ name, type, comment });
      if (this.isPunct(',')) {
        this.i += 1;
        continue;
      }
      this.punct(')');
      return columns;
    }
  }

  partitionValues(): [string, string][] {
    this.punct('(');
    const values: [string, string][] = [];
    for (;;) {
      const key = this.identifier('a partition key');
      this.punct('=');
      const t = this.peek();
      let value: string;
      if (t?.kind === 'string') value = this.string('a partition value');
      else if (t?.kind === 'punct' && t.text === '-') {
        this.i += 1;
        value = `-${this.number('a number')}`;
      } else value = String(this.number("a partition value ('text' or a number)"));
      values.push([key, value]);
      if (this.isPunct(',')) {
        this.i += 1;
        continue;
      }
      this.punct(')');
      return values;
    }
  }

  end(): void {
    if (this.isPunct(';')) this.i += 1;
    if (this.i < this.tokens.length) this.fail("the end of the statement (one statement per task; a trailing ';' is allowed)");
  }

  statement(): Statement {
    if (this.optional('CREATE', 'TABLE')) {
      const ifNotExists = this.optional('IF', 'NOT', 'EXISTS');
      const name = this.tableName();
      if (this.isWord('LIKE') || this.isWord('AS')) this.fail('a column list (CREATE TABLE .. LIKE / AS is not supported by the local endpoint)');
      const columns = this.columns();
      const comment = this.optional('COMMENT') ? this.string('the table comment') : '';
      const partitionKeys = this.optional('PARTITIONED', 'BY') ? this.columns() : [];
      const lifecycle = this.optional('LIFECYCLE') ? this.number('the lifecycle in days') : -1;
      this.end();
      return { kind: 'create', name, ifNotExists, columns, comment, partitionKeys, lifecycle };
    }
    if (this.optional('ALTER', 'TABLE')) {
      const name = this.tableName();
      this.word('ADD');
      if (this.optional('COLUMNS')) {
        const ifNotExists = this.optional('IF', 'NOT', 'EXISTS');
        const columns = this.columns();
        this.end();
        return { kind: 'add-columns', name, ifNotExists, columns };
      }
      const ifNotExists = this.optional('IF', 'NOT', 'EXISTS');
      const partitions: [string, string][][] = [];
      while (this.optional('PARTITION')) partitions.push(this.partitionValues());
      if (partitions.length === 0) this.fail('COLUMNS or PARTITION (other ALTER TABLE forms are not supported by the local endpoint)');
      this.end();
      return { kind: 'add-partitions', name, ifNotExists, partitions };
    }
    if (this.optional('DROP', 'TABLE')) {
      const ifExists = this.optional('IF', 'EXISTS');
      const name = this.tableName();
      this.end();
      return { kind: 'drop', name, ifExists };
    }
    const t = this.peek();
    throw new SqlError(
      `ODPS-0130161:[${t?.line ?? 1},${t?.col ?? 1}] Parse exception - this statement is not supported by the local endpoint (it runs CREATE TABLE, ALTER TABLE .. ADD COLUMNS / ADD PARTITION and DROP TABLE)`,
    );
  }
}

export function parseSql(sql: string): Statement {
  const tokens = tokenize(sql);
  if (tokens.length === 0) throw new SqlError('ODPS-0130161:[1,1] Parse exception - the query is empty');
  return new Parser(tokens).statement();
}
