/** A Canal JSON message as tests read it back from Kafka (formats.md §2: values are strings or null). */
export interface CanalMessage {
  id: number;
  database: string;
  table: string;
  type: string;
  isDdl: boolean;
  sql: string;
  pkNames: string[] | null;
  mysqlType: Record<string, string> | null;
  sqlType: Record<string, number> | null;
  data: Record<string, string | null>[] | null;
  old: Record<string, string | null>[] | null;
  es: number;
  ts: number;
}
