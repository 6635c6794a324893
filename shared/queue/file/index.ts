/** file: the embedded queue, segment files with fsync in one directory on one host. */
export { createFileQueue, type FileQueueOptions } from './file-queue.ts';
