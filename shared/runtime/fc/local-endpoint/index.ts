/** The local Function Compute endpoint (`npm run fc:local`): FC 2.0/3.0 InvokeFunction with signature checks, one handler in-process. */
export { startLocalFcEndpoint, type LocalFcEndpoint, type LocalFcEndpointOptions } from './server.ts';
export { verifyFc2Request, fc2StringToSign, fc2Signature, fc2ContentMd5 } from './fc2-signature.ts';
export { verifyAcs3Request, acs3StringToSign, NonceCache } from './acs3-signature.ts';
export { routeOf, type InvocationRoute } from './routes.ts';
export { loadHandler, runHandler, type EventHandler, type HandlerOutcome } from './handler-runner.ts';
export type { EndpointCredentials, ReceivedRequest, Verdict } from './verdict.ts';
