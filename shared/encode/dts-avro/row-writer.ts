/**
 * A DTS Avro row record (INSERT, UPDATE, DELETE, INIT) written straight from the `RowRecord`:
 * the same bytes as avro-writer.ts writes for encode-dts-avro.ts's `DtsAvroRecord`, field for
 * field (see there), from the table's templates (table-plan.ts), the source's bytes (shared by the
 * records of one transaction, which share their `SourceInfo`) and one image writer per column.
 */
import { checkedImage, hasAfterImage, hasBeforeImage } from '../row-images.ts';
import { fileNumber, type Row, type RowRecord, type SourceInfo, type Value } from '../../record/index.ts';
import { begin, bytesWrittenBy as bytesOf, finish, writeInt, writeLong, writeRaw, writeString } from './avro-binary.ts';
import { OPERATION_INDEX } from './avro-writer.ts';
import type { DtsAvroOptions } from './encode-dts-avro.ts';
import { tablePlanOf, type TablePlan } from './table-plan.ts';
import { TASK_NAME_TAG } from './tags.ts';

interface SourceBytes {
  readonly source: SourceInfo;
  readonly version: string;
  readonly taskName: string | undefined;
  /** sourceTimestamp · sourcePosition · safeSourcePosition · sourceTxid · source{MySQL, version} */
  readonly header: Buffer;
  /** The tags after `pk_uk_info`: `server_id` and, when set, `task_name` (keys and values). */
  readonly tags: Buffer;
  readonly tagCount: 2 | 3;
  readonly seconds: number;
}

let last: SourceBytes | null = null;

function sourceBytesOf(source: SourceInfo, version: string, taskName: string | undefined): SourceBytes {
  if (last !== null && last.source === source && last.version === version && last.taskName === taskName) return last;
  const seconds = Math.floor(source.timestampMs / 1000);
  const position = `${source.position}@${fileNumber(source.file)}`;
  const header = bytesOf(() => {
    writeLong(seconds);
    writeString(position);
    writeString(position);
    writeString(source.txId ?? '0');
    writeInt(0); // sourceType MySQL
    writeString(version);
  });
  const tags = bytesOf(() => {
    writeString('server_id');
    writeString(String(source.serverId));
    if (taskName !== undefined) {
      writeString(TASK_NAME_TAG);
      writeString(taskName);
    }
  });
  last = { source, version, taskName, header, tags, tagCount: taskName === undefined ? 2 : 3, seconds };
  return last;
}

export function writeRowRecord(record: RowRecord, options: DtsAvroOptions): Buffer {
  const plan = tablePlanOf(record.schema);
  const source = sourceBytesOf(record.source, options.sourceVersion, options.taskName);
  begin();
  writeInt(0); // version
  writeLong(record.id);
  writeRaw(source.header);
  writeInt(OPERATION_INDEX[record.op]);
  writeRaw(plan.head[source.tagCount]);
  writeRaw(source.tags);
  writeRaw(plan.tail);
  if (hasBeforeImage(record)) writeImage(checkedImage(record, record.before), plan);
  else writeInt(0);
  if (hasAfterImage(record)) writeImage(checkedImage(record, record.after), plan);
  else writeInt(0);
  writeLong(source.seconds); // bornTimestamp
  return finish();
}

/** The image union's array branch: one block of every column's member, then the end. */
function writeImage(row: Row, plan: TablePlan): void {
  const { images } = plan;
  writeInt(2);
  if (images.length > 0) {
    writeLong(images.length);
    for (let i = 0; i < images.length; i++) images[i]!(row[i] as Value);
  }
  writeInt(0);
}
