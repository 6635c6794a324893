/** file: the embedded queue, segment files with fsync in one directory on one host. */
export { createFileQueue, DEFAULT_POLL_MS, DEFAULT_SEGMENT_BYTES, type FileQueueOptions } from './file-queue.ts';
