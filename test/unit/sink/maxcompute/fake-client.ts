/**
 * An in-memory MaxCompute for the sink's unit tests: tables created and altered by the SQL the
 * sink sends (parsed here, strictly: anything else is refused), the in-memory tunnel of
 * fake-tunnel.ts, and the committed rows decoded with the record stream reader (which verifies
 * every CRC). The real protocol is covered against the local endpoint in test/integration.
 */
import { readRecordStream } from '../../../../shared/encode/maxcompute/record-stream-reader.ts';
import type { OdpsColumn, OdpsValue } from '../../../../shared/encode/maxcompute/types.ts';
import type { MaxComputeClient, OdpsTableSchema, PartitionSpec } from '../../../../shared/sink/maxcompute/client-types.ts';
import { FakeTunnel } from './fake-tunnel.ts';

export class FakeMaxCompute implements MaxComputeClient {
  readonly project = 'dts_demo';
  readonly tables = new Map<string, OdpsTableSchema>();
  readonly sql: string[] = [];
  readonly gets: string[] = [];
  readonly tunnelClient = new FakeTunnel((table) => this.#table(table).columns);

  async getTable(table: string): Promise<OdpsTableSchema | null> {
    this.gets.push(table);
    return this.tables.get(table) ?? null;
  }

  async runSql(sql: string): Promise<void> {
    this.sql.push(sql);
    let m = /^CREATE TABLE IF NOT EXISTS `(\w+)` \((.*?)\)(?: PARTITIONED BY \((.*)\))?;$/s.exec(sql);
    if (m) {
      if (!this.tables.has(m[1]!)) this.tables.set(m[1]!, { columns: parseColumns(m[2]!), partitionKeys: m[3] ? parseColumns(m[3]) : [] });
      return;
    }
    m = /^ALTER TABLE `(\w+)` ADD COLUMNS \((.*)\);$/s.exec(sql);
    if (m) {
      const t = this.#table(m[1]!);
      this.tables.set(m[1]!, { ...t, columns: [...t.columns, ...parseColumns(m[2]!)] });
      return;
    }
    throw new Error(`FakeMaxCompute does not run ${sql}`);
  }

  async tunnel(): Promise<FakeTunnel> {
    return this.tunnelClient;
  }

  /** Committed rows of `table` in commit order, with their partition values joined by '/'. */
  rows(table: string): { partition: string; values: OdpsValue[] }[] {
    const columns = this.#table(table).columns;
    return this.tunnelClient.committed
      .filter((c) => c.table === table)
      .flatMap((c) => c.blocks.flatMap((b) => readRecordStream(columns, b).rows.map((values) => ({ partition: partitionText(c.partition), values }))));
  }

  #table(name: string): OdpsTableSchema {
    const t = this.tables.get(name);
    if (!t) throw new Error(`no table ${name}`);
    return t;
  }
}

export function partitionText(p: PartitionSpec): string {
  return p.map(([, v]) => v).join('/');
}

/** "`a` BIGINT COMMENT 'x, y', `b` DECIMAL(20,0)" → columns (commas inside quotes and parentheses kept). */
function parseColumns(text: string): OdpsColumn[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '\\') i++;
      else if (ch === "'") quoted = false;
    } else if (ch === "'") quoted = true;
    else if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (ch === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((part) => {
    const m = /^\s*`([^`]+)` ([A-Z_]+(?:\(\d+(?:,\d+)?\))?)(?: COMMENT '(?:[^'\\]|\\.)*')?\s*$/s.exec(part);
    if (!m) throw new Error(`FakeMaxCompute cannot read the column ${part}`);
    return { name: m[1]!, type: m[2]! };
  });
}
