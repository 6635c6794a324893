/** The local FC endpoint's paths: InvokeFunction (POST …/invocations) and GetFunction (GET, the same path without it), both APIs. */
import { describe, expect, it } from 'vitest';
import { ACTION_METHODS, routeOf } from '../../../../../shared/runtime/fc/local-endpoint/routes.ts';

describe('local FC endpoint routes', () => {
  it.each([
    ['/2016-08-15/services/dts.prod/functions/sink/invocations', '', { action: 'InvokeFunction', api: '2016-08-15', service: 'dts', function: 'sink', qualifier: 'prod' }],
    ['/2016-08-15/services/dts/functions/sink', '', { action: 'GetFunction', api: '2016-08-15', service: 'dts', function: 'sink', qualifier: 'LATEST' }],
    ['/2016-08-15/services/dts.LATEST/functions/my%2Dfn', '', { action: 'GetFunction', api: '2016-08-15', service: 'dts', function: 'my-fn', qualifier: 'LATEST' }],
    ['/2023-03-30/functions/sink/invocations', 'qualifier=blue', { action: 'InvokeFunction', api: '2023-03-30', function: 'sink', qualifier: 'blue' }],
    ['/2023-03-30/functions/sink', '', { action: 'GetFunction', api: '2023-03-30', function: 'sink', qualifier: 'LATEST' }],
  ])('%s?%s', (path, query, route) => {
    expect(routeOf(path, query)).toEqual(route);
  });

  it.each(['/2023-03-30/functions', '/2023-03-30/functions/sink/code', '/2016-08-15/services/dts', '/2016-08-15/services/dts/functions/sink/triggers', '/2023-03-30/functions/a/b/invocations'])(
    'serves no %s',
    (path) => {
      expect(routeOf(path, '')).toBeUndefined();
    },
  );

  it('calls InvokeFunction with POST and GetFunction with GET', () => {
    expect(ACTION_METHODS).toEqual({ InvokeFunction: 'POST', GetFunction: 'GET' });
  });
});
