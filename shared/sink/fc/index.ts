/** The Function Compute destination (reference/dts-docs/004): `{"Records":[…]}` events by synchronous invocation. */
export { createFcSink, type FcSinkDeps } from './fc-sink.ts';
export type { ResolvedFcConfig, FcInvoker, InvocationResult } from './invoker.ts';
export { fcDestinationSchema, type FcDestinationConfig, FC_RECORD_LIMIT, FC_SYNC_PAYLOAD_LIMIT } from './config.ts';
export { planInvocations, type InvocationLimits, type PlannedStep } from './invocations.ts';
