/**
 * The two InvokeFunction paths the endpoint serves:
 *   FC 2.0  POST /2016-08-15/services/<service>[.<qualifier>]/functions/<function>/invocations
 *   FC 3.0  POST /2023-03-30/functions/<function>/invocations[?qualifier=<qualifier>]
 * The qualifier defaults to LATEST in both.
 */

export type FcApi = '2016-08-15' | '2023-03-30';

export interface InvocationRoute {
  readonly api: FcApi;
  /** FC 2.0 only. */
  readonly service?: string;
  readonly function: string;
  readonly qualifier: string;
}

const fc2Path = /^\/2016-08-15\/services\/([^/]+)\/functions\/([^/]+)\/invocations$/;
const fc3Path = /^\/2023-03-30\/functions\/([^/]+)\/invocations$/;

/** The route of an invocation path, or undefined for any other path. */
export function routeOf(rawPath: string, rawQuery: string): InvocationRoute | undefined {
  const fc2 = fc2Path.exec(rawPath);
  if (fc2) {
    const serviceAndQualifier = decodeURIComponent(fc2[1]!);
    const dot = serviceAndQualifier.indexOf('.');
    return {
      api: '2016-08-15',
      service: dot < 0 ? serviceAndQualifier : serviceAndQualifier.slice(0, dot),
      function: decodeURIComponent(fc2[2]!),
      qualifier: dot < 0 ? 'LATEST' : serviceAndQualifier.slice(dot + 1),
    };
  }
  const fc3 = fc3Path.exec(rawPath);
  if (fc3) return { api: '2023-03-30', function: decodeURIComponent(fc3[1]!), qualifier: new URLSearchParams(rawQuery).get('qualifier') ?? 'LATEST' };
  return undefined;
}
