/**
 * runtime: where the stages are wired together for a place to run. compose.ts builds a task's
 * parts (queue, reader options, destinations with secrets resolved); local/ runs a task on one
 * machine (`npm start`: the reader on a worker thread, every destination beside it, or the deployed
 * shape on its timers); entries/ are the Function Compute handlers (reader, deliver, full sync,
 * heartbeat, latency, retry window, control) and fc/ their FC plumbing; the local FC and MaxCompute
 * endpoints live in fc/local-endpoint/ and maxcompute/local-endpoint/. Stages never import runtime/.
 */
export { consumersOf, openQueue, readerOptions, resolveDestinations, taskDir } from './compose.ts';
export { runTaskLocally, type TaskOutcome } from './local/run-task.ts';
