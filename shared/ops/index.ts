/** ops: retry windows, supervision of long-lived stages, the delivery loop every destination uses. */
export * from './retry.ts';
export * from './errors.ts';
export * from './supervise.ts';
export * from './delivery.ts';
export * from './throttle.ts';
export * from './state-watch.ts';
