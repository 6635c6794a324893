/**
 * The heartbeat function (timer): writes the DTS heartbeat row into the source (`advanced.heartbeat`;
 * source/heartbeat/), so a quiet source still moves the binlog and latency stays measurable, then
 * reports where the reader is (the resume position of the last stored batch) against where the
 * source's binlog ends now, and the task's recorded status. A missing privilege fails the
 * invocation with HeartbeatPrivilegeError naming it; the report still needs no write.
 */
import { fileNumber, formatPosition, type BinlogPoint } from '../../record/index.ts';
import { openSourceConnection } from '../../source/connection.ts';
import { precheckSource } from '../../source/precheck.ts';
import { heartbeatOf, writeHeartbeat } from '../../source/heartbeat/index.ts';
import { openQueue, readerOptions } from '../compose.ts';
import type { Entry } from '../fc/handler.ts';
import type { HeartbeatEvent } from '../fc/event-schemas.ts';
import { recordedTaskState } from './retry-window.ts';
import { configuredTask } from './task-config.ts';

/**
 * How far `reader` is behind `source`: whole binlog files, and bytes when both are in one file
 * (offsets in different files do not subtract).
 */
export function binlogDistance(reader: BinlogPoint, source: BinlogPoint): { files: number; bytes: number | null } {
  const files = fileNumber(source.file) - fileNumber(reader.file);
  return { files, bytes: files === 0 ? source.position - reader.position : null };
}

export const heartbeatEntry: Entry<HeartbeatEvent> = async (event) => {
  const { task, origin, baseDir } = await configuredTask(event);
  const { endpoint } = readerOptions(task, origin);
  const heartbeat = heartbeatOf(task);
  const { state } = await recordedTaskState(task, baseDir, origin);
  // Only a running task beats (or one with no recorded state yet): a paused, stopped or failed task leaves the source alone.
  const beating = heartbeat !== null && (state === null || state.status === 'RUNNING');
  const queue = await openQueue(task, baseDir, origin, { writer: false });
  let last;
  try {
    last = await queue.last();
  } finally {
    await queue.close();
  }
  const { query, close } = await openSourceConnection(endpoint, 'the heartbeat');
  let facts;
  try {
    if (beating) await writeHeartbeat(query, heartbeat.table, task.name);
    facts = await precheckSource(query);
  } finally {
    await close();
  }
  const resume = last?.batch.resume ?? null;
  return {
    task: task.name,
    source: { version: facts.version, position: formatPosition(facts), file: facts.file, offset: facts.position, gtidSet: facts.gtidSet },
    reader: resume ? { position: formatPosition(resume), file: resume.file, offset: resume.position, storedSeq: last!.seq, behind: binlogDistance(resume, facts) } : null,
    status: state?.status ?? null,
    heartbeat: heartbeat ? { table: `${heartbeat.table.database}.${heartbeat.table.table}`, intervalSeconds: heartbeat.intervalMs / 1000, written: beating, at: new Date().toISOString() } : 'off',
  };
};
