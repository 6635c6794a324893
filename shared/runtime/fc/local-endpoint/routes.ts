/**
 * The paths the endpoint serves, InvokeFunction and GetFunction of both APIs:
 *   FC 2.0  POST /2016-08-15/services/<service>[.<qualifier>]/functions/<function>/invocations
 *           GET  /2016-08-15/services/<service>[.<qualifier>]/functions/<function>
 *   FC 3.0  POST /2023-03-30/functions/<function>/invocations[?qualifier=<qualifier>]
 *           GET  /2023-03-30/functions/<function>[?qualifier=<qualifier>]
 * The qualifier defaults to LATEST in both.
 */

export type FcApi = '2016-08-15' | '2023-03-30';

export interface InvocationRoute {
  /** InvokeFunction, or GetFunction (the function's configuration: the precheck asks whether it exists). */
  readonly action: 'InvokeFunction' | 'GetFunction';
  readonly api: FcApi;
  /** FC 2.0 only. */
  readonly service?: string;
  readonly function: string;
  readonly qualifier: string;
}

/** The method each action is called with. */
export const ACTION_METHODS: Readonly<Record<InvocationRoute['action'], string>> = { InvokeFunction: 'POST', GetFunction: 'GET' };

const fc2Path = /^\/2016-08-15\/services\/([^/]+)\/functions\/([^/]+?)(\/invocations)?$/;
const fc3Path = /^\/2023-03-30\/functions\/([^/]+?)(\/invocations)?$/;

/** The route of a path, or undefined for any other path. */
export function routeOf(rawPath: string, rawQuery: string): InvocationRoute | undefined {
  const fc2 = fc2Path.exec(rawPath);
  if (fc2) {
    const serviceAndQualifier = decodeURIComponent(fc2[1]!);
    const dot = serviceAndQualifier.indexOf('.');
    return {
      action: fc2[3] ? 'InvokeFunction' : 'GetFunction',
      api: '2016-08-15',
      service: dot < 0 ? serviceAndQualifier : serviceAndQualifier.slice(0, dot),
      function: decodeURIComponent(fc2[2]!),
      qualifier: dot < 0 ? 'LATEST' : serviceAndQualifier.slice(dot + 1),
    };
  }
  const fc3 = fc3Path.exec(rawPath);
  if (fc3) {
    return { action: fc3[2] ? 'InvokeFunction' : 'GetFunction', api: '2023-03-30', function: decodeURIComponent(fc3[1]!), qualifier: new URLSearchParams(rawQuery).get('qualifier') ?? 'LATEST' };
  }
  return undefined;
}
