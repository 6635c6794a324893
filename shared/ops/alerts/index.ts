/** alerts: rules over the task's status, latency and retry windows, notified to a webhook once per change. */
export * from './config.ts';
export * from './expression.ts';
export * from './evaluate.ts';
export * from './notification.ts';
export * from './sign.ts';
export * from './webhook.ts';
export * from './monitor.ts';
