/** The part of `@alicloud/fc2` (FC 2.0 API 2016-08-15, untyped JavaScript) this sink uses. */
declare module '@alicloud/fc2' {
  interface FcClientConfig {
    accessKeyID: string;
    accessKeySecret: string;
    securityToken?: string;
    region: string;
    secure?: boolean;
    endpoint?: string;
    /** Milliseconds. */
    timeout?: number;
    headers?: Record<string, string>;
  }
  interface FcInvokeResponse {
    headers: Record<string, string | string[] | undefined>;
    /** A Buffer with `rawBuf`, except a function error: then text, or parsed JSON. */
    data: Buffer | string | Record<string, unknown>;
  }
  export default class FCClient {
    constructor(accountId: string, config: FcClientConfig);
    invokeFunction(service: string, functionName: string, event: Buffer | string, headers?: Record<string, string>, qualifier?: string, opts?: { rawBuf?: boolean }): Promise<FcInvokeResponse>;
    /** GetFunction (the precheck: does the function exist); rejects with `code` = FC's ErrorCode. */
    getFunction(service: string, functionName: string, headers?: Record<string, string>, qualifier?: string): Promise<{ headers: FcInvokeResponse['headers']; data: Record<string, unknown> }>;
  }
}
