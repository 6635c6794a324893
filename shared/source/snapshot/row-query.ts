/**
 * A SELECT whose result rows go into row images as their packets arrive (text-rows.ts), on a
 * mysql2 connection. mysql2 has no raw-row mode, so the query command's row state (the method its
 * state machine calls for each row packet, `Query#row`) is replaced on that one command: a row
 * packet is written by the lean decoder, the end-of-result packet goes to mysql2's own state as
 * before (errors, the result's end and its fields stay mysql2's). When a result column needs
 * mysql2's decode (text-rows.ts says which), its compiled row parser reads the row and the old
 * conversion (snapshot-values.ts) makes the values. mysql2 is pinned in package-lock.json; the
 * text-rows integration tests fail if a version moves these internals.
 */
import type { Connection as CoreConnection, FieldPacket, QueryOptions } from 'mysql2';
import type { Column, Value } from '../../record/index.ts';
import { writeValue } from '../../queue/codec/tagged-value.ts';
import type { ChunkRowsWriter } from './chunk-rows.ts';
import { rowNormalizer } from './snapshot-values.ts';
import { compileTextRows, type TextRowDecoder } from './text-rows.ts';

/** Where rows go: the writer of the moment (a stream swaps it in `rowEnded` when a piece is full). */
export interface RowSink {
  readonly rows: ChunkRowsWriter;
  rowEnded(): void;
}

/** What the replaced row state sees of mysql2's packet and query command. */
interface RowPacket {
  readonly buffer: Buffer;
  readonly offset: number;
  readonly end: number;
  isEOF(): boolean;
}
type RowState = (this: QueryCommand, packet: RowPacket, connection: unknown) => unknown;
interface QueryCommand {
  row: RowState;
  readonly _currentFields: FieldPacket[];
  readonly _rowParser: { next(packet: RowPacket, fields: FieldPacket[], options: unknown): Value[] };
  readonly options: unknown;
}

/**
 * Runs `options` on `core` (a connection made with `rowsAsArray`), writing every row into `sink`;
 * resolves with the result's columns once the last row is written. `columns` are the table's, in
 * the select list's order (for FLOAT, BIGINT and YEAR, as the binlog gives them).
 */
export function queryRows(core: CoreConnection, options: QueryOptions, columns: readonly Column[], sink: RowSink): Promise<FieldPacket[]> {
  return new Promise((resolve, reject) => {
    let failure: Error | null = null;
    const command = core.query(options, (err: Error | null, _rows: unknown, fields: FieldPacket[]) => {
      if (err) reject(err);
      else if (failure) reject(failure);
      else resolve(fields);
    }) as unknown as QueryCommand;
    const base = Object.getPrototypeOf(command).row as RowState;
    // Chosen at the first row, once the result's columns are known.
    let write: ((packet: RowPacket, command: QueryCommand) => void) | null = null;
    command.row = function row(packet, connection) {
      if (packet.isEOF()) return base.call(this, packet, connection);
      // After a failure the rest of the result is read and dropped, so the connection stays usable.
      if (failure) return row;
      write ??= rowWriter(compileTextRows(this._currentFields, columns), columns, sink);
      try {
        write(packet, this);
        sink.rows.endRow();
        sink.rowEnded();
      } catch (err) {
        sink.rows.abandonRow();
        failure = err as Error;
      }
      return row;
    };
  });
}

function rowWriter(decoder: TextRowDecoder | null, columns: readonly Column[], sink: RowSink): (packet: RowPacket, command: QueryCommand) => void {
  if (decoder) return (packet) => decoder.write(packet.buffer, packet.offset, packet.end, sink.rows.writer);
  const normalize = rowNormalizer(columns);
  return (packet, command) => writeValue(sink.rows.writer, normalize(command._rowParser.next(packet, command._currentFields, command.options)));
}
