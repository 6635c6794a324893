/**
 * source: everything that reads MySQL. The reader (reader.ts) streams the binlog (binlog/: zongji's
 * connection, our row decoder, MySQL 8's compressed and partial-JSON events) into transactions of
 * records, runs the full sync beside it (snapshot/), applies the task's object selection
 * (object-selection.ts) and row filter conditions (filter-condition/), and appends batches to the
 * queue; the operation filter (operation-filter.ts) is applied later, at delivery. Also here: the
 * source precheck, the heartbeat writer (heartbeat/), table shapes and DDL (schema/), charsets.
 * Nothing here knows a destination or a wire format.
 */
export { runReader, newReaderStatus, type ReaderOptions, type ReaderDeps, type ReaderStatus } from './reader.ts';
export * from './errors.ts';
