/**
 * The composition root: task → concrete queue, sinks, reader options. The only place that picks
 * adapters and resolves secrets; everything below receives what it needs.
 */
import { heartbeatOf } from '../source/heartbeat/index.ts';
import { resolve } from 'node:path';
import { createFileQueue } from '../queue/file/index.ts';
import type { Queue } from '../queue/types.ts';
import { createThrottle } from '../ops/throttle.ts';
import type { ReaderOptions } from '../source/reader.ts';
import { tableConditionsOf } from '../source/filter-condition/index.ts';
import type { FullSyncOptions } from '../source/snapshot/full-sync.ts';
import { parseSignalTable } from '../source/snapshot/signal.ts';
import { destinationModule, type ResolvedDestination } from '../sink/registry.ts';
import { defaults, TaskConfigError, type Task } from '../task/index.ts';
import type { AlertWebhook } from '../ops/alerts/index.ts';
import type { Secret, SecretRef } from '../task/secret.ts';
import { resolveEnvText, resolveSecret } from './secrets.ts';
import { resolveSourceTls } from './source-tls.ts';

/** Consumer (cursor) names of the task's destinations. */
export function consumersOf(task: Task): string[] {
  return task.destinations.map((d) => d.name);
}

/** Where the task keeps local files (file queue, state). Relative paths resolve from `baseDir`. */
export function taskDir(task: Task, baseDir: string): string {
  const dir = task.queue.type === 'file' && task.queue.dir ? task.queue.dir : defaults.queueDir(task.name);
  return resolve(baseDir, dir);
}

/** `writer: false` for a process or thread that only reads and commits (the reader appends elsewhere). */
export async function openQueue(task: Task, baseDir: string, origin: string, role: { writer: boolean } = { writer: true }): Promise<Queue> {
  const options = { consumers: consumersOf(task) };
  if (task.queue.type === 'file') return createFileQueue(taskDir(task, baseDir), { ...options, writer: role.writer, pollMs: role.writer ? undefined : 10 });
  const url = resolveSecret(task.queue.url, 'queue.url', origin).reveal();
  // Loaded on demand: a task on the embedded file queue never loads the Redis client.
  const { createRedisQueue } = await import('../queue/redis/index.ts');
  return createRedisQueue(url, task.queue.prefix ?? `dts:${task.name}`, options);
}

/**
 * The task's destinations with every secret its module declares resolved, and every `${NAME}` its
 * non-secret fields hold (brokers, accountId: their schema allows one) read from the environment.
 * Errors name `destinations[i].<path>`.
 */
export function resolveDestinations(task: Task, origin: string): ResolvedDestination[] {
  return task.destinations.map((d, i) => {
    let resolved: unknown = d;
    for (const path of destinationModule(d.type).secrets) {
      resolved = replaceAt(resolved, path.split('.'), `destinations[${i}]`, (ref, at) => resolveSecret(ref, at, origin));
    }
    return resolveEnvTexts(resolved, `destinations[${i}]`, origin) as ResolvedDestination;
  });
}

/** A copy with each string through resolveEnvText; resolved secrets and other class instances are left whole. */
function resolveEnvTexts(node: unknown, at: string, origin: string): unknown {
  if (typeof node === 'string') return resolveEnvText(node, at, origin);
  if (Array.isArray(node)) return node.map((v, i) => resolveEnvTexts(v, `${at}[${i}]`, origin));
  if (node === null || typeof node !== 'object' || Object.getPrototypeOf(node) !== Object.prototype) return node;
  return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, resolveEnvTexts(v, `${at}.${k}`, origin)]));
}

/** A copy of `node` with the value at `keys` replaced; an absent (optional) field stays absent. */
function replaceAt(node: unknown, keys: readonly string[], at: string, resolveRef: (ref: SecretRef, path: string) => Secret): unknown {
  const [key, ...rest] = keys;
  if (key === undefined || typeof node !== 'object' || node === null) return node;
  const value = (node as Record<string, unknown>)[key];
  if (value === undefined) return node;
  const path = `${at}.${key}`;
  return { ...node, [key]: rest.length === 0 ? resolveRef(value as SecretRef, path) : replaceAt(value, rest, path, resolveRef) };
}

export function readerOptions(task: Task, origin: string): ReaderOptions {
  const s = task.source;
  return {
    endpoint: {
      host: resolveEnvText(s.host, 'source.host', origin),
      port: s.port,
      user: s.user,
      password: resolveSecret(s.password, 'source.password', origin),
      connectTimeoutMs: s.connectTimeoutMs,
      tls: resolveSourceTls(s.ssl, origin),
    },
    replicaServerId: s.serverId,
    objects: task.objects,
    start: s.start,
    reader: task.reader,
    consumers: consumersOf(task),
    fullSync: fullSyncOptions(task),
    heartbeat: heartbeatOf(task),
    throttle: task.reader.throttle ? createThrottle(task.reader.throttle) : undefined,
  };
}

function fullSyncOptions(task: Task): FullSyncOptions {
  const f = task.fullSync;
  return {
    initial: task.syncTypes.includes('full'),
    stopWhenComplete: !task.syncTypes.includes('incremental'),
    chunkRows: f.chunkRows,
    workers: f.workers,
    keylessTables: f.keylessTables,
    filters: new Map([...tableConditionsOf(task.objects)].map(([name, f]) => [name, f.condition])),
    throttle: createThrottle(f.throttle),
    signalTable: parseSignalTable(f.signalTable),
    taskName: task.name,
  };
}

/** The task's alert webhook with its secrets resolved (null without alerts); a missing variable or a URL that is not http(s) is a TaskConfigError. */
export function alertWebhookOf(task: Task, origin: string): AlertWebhook | null {
  const config = task.alerts?.webhook;
  if (!config) return null;
  const url = resolveSecret(config.url, 'alerts.webhook.url', origin);
  let protocol = '';
  try {
    protocol = new URL(url.reveal()).protocol;
  } catch {
    // reported below without the value: it may hold a token
  }
  if (protocol !== 'http:' && protocol !== 'https:') {
    throw new TaskConfigError(origin, [{ path: 'alerts.webhook.url', message: "is not an http(s) URL (its value is not shown: it may hold a token); set it to the robot's or receiver's full URL" }]);
  }
  return { url, type: config.type, ...(config.secret ? { secret: resolveSecret(config.secret, 'alerts.webhook.secret', origin) } : {}) };
}
