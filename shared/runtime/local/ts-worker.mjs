// Worker threads start as plain Node: register the TypeScript loader, then load the worker's entry.
import { register } from 'tsx/esm/api';
import { workerData } from 'node:worker_threads';

register();
await import(workerData.entry);
