/** Request signing: the three string-to-sign vectors of specs/maxcompute.md §1.3, v2 and v4, STS. */
import { describe, expect, it } from 'vitest';
import { authenticationHeaders, authorizationV2, authorizationV4, canonicalString, signingKeyV4 } from '../../../../shared/sink/maxcompute/signature.ts';
import { Secret } from '../../../../shared/task/secret.ts';

const date = 'Wed, 04 Aug 2021 06:00:00 GMT';
const credentials = { accessKeyId: 'test_aid', accessKeySecret: new Secret('test_sk') };

const getTable = {
  method: 'GET',
  resource: '/projects/p/tables/t',
  params: [['curr_project', 'p']] as const,
  headers: { Date: date, 'x-odps-user-agent': 'ua/1', 'User-Agent': 'ua/1' },
};
const createUpload = {
  method: 'POST',
  resource: '/projects/p/tables/t',
  params: [
    ['uploads', ''],
    ['partition', 'ds=20240101,hh=01'],
    ['curr_project', 'p'],
  ] as const,
  headers: { Date: date, 'x-odps-tunnel-version': '6', 'odps-tunnel-date-transform': 'v1', 'Content-Length': '0' },
};
const createInstance = {
  method: 'POST',
  resource: '/projects/p/instances',
  params: [['curr_project', 'p']] as const,
  headers: { 'Content-Type': 'application/xml', Date: date },
};

describe('string to sign and v2 (§1.3 vectors)', () => {
  it.each([
    [getTable, 'GET\n\n\nWed, 04 Aug 2021 06:00:00 GMT\nx-odps-user-agent:ua/1\n/projects/p/tables/t?curr_project=p', 'ODPS test_aid:u33uK50lemILEhlnd0gX/8BDzcs='],
    [
      createUpload,
      'POST\n\n\nWed, 04 Aug 2021 06:00:00 GMT\nx-odps-tunnel-version:6\n/projects/p/tables/t?curr_project=p&partition=ds=20240101,hh=01&uploads',
      'ODPS test_aid:ewJL8RzfrLUnDQ5s1X23J8p8aRY=',
    ],
    [createInstance, 'POST\n\napplication/xml\nWed, 04 Aug 2021 06:00:00 GMT\n/projects/p/instances?curr_project=p', 'ODPS test_aid:h17Pqy/+Np86fbU3AArvsTSGdd0='],
  ])('%#: canonical string and Authorization', (req, text, authorization) => {
    expect(canonicalString(req)).toBe(text);
    expect(authorizationV2('test_aid', 'test_sk', text)).toBe(authorization);
    expect(authenticationHeaders(req, credentials)).toEqual({ Authorization: authorization });
  });

  it('signs Content-MD5 and Content-Type by value, x-odps-* headers by lower-cased name in order, not x-odpsfoo', () => {
    const text = canonicalString({
      method: 'put',
      resource: '/projects/p/tables/t',
      params: [],
      headers: { 'X-ODPS-B': '2', 'x-odps-a': '1', 'x-odpsfoo': 'no', 'Content-MD5': 'abc', 'content-type': 'application/octet-stream', date },
    });
    expect(text).toBe(`PUT\nabc\napplication/octet-stream\n${date}\nx-odps-a:1\nx-odps-b:2\n/projects/p/tables/t`);
  });

  it('sorts parameters by name, renders empty values bare, keeps the last of duplicates, signs x-odps-* parameters as headers', () => {
    const text = canonicalString({
      method: 'GET',
      resource: '/projects/p/tables/t',
      params: [
        ['uploadid', 'u1'],
        ['blockid', '0'],
        ['b', 'first'],
        ['b', 'last'],
        ['x-odps-q', 'v'],
        ['service', ''],
      ],
      headers: { Date: date },
    });
    expect(text).toBe(`GET\n\n\n${date}\nx-odps-q:v\n/projects/p/tables/t?b=last&blockid=0&service&uploadid=u1&x-odps-q=v`);
  });
});

describe('v4 (§1.4 vector) and STS', () => {
  it('derives the documented key and signature', () => {
    expect(signingKeyV4('test_sk', '20210804', 'cn-hangzhou').toString('hex')).toBe('08f1d18b2956baeedac85bd912bb29906503a2fd868bf4827d1528623e7a364a');
    const text = canonicalString(getTable);
    expect(authorizationV4('test_aid', 'test_sk', text, new Date(date), 'cn-hangzhou')).toBe('ODPS test_aid/20210804/cn-hangzhou/odps/aliyun_v4_request:iiuMpbR4n6A+1DoxLqJraodRikE=');
    expect(authenticationHeaders(getTable, { ...credentials, region: 'cn-hangzhou' }).Authorization).toBe('ODPS test_aid/20210804/cn-hangzhou/odps/aliyun_v4_request:iiuMpbR4n6A+1DoxLqJraodRikE=');
  });

  it('STS: the same signature (the token is not signed), plus authorization-sts-token', () => {
    const sts = { ...credentials, securityToken: new Secret('CAIS-token') };
    expect(authenticationHeaders(getTable, sts)).toEqual({ Authorization: 'ODPS test_aid:u33uK50lemILEhlnd0gX/8BDzcs=', 'authorization-sts-token': 'CAIS-token' });
  });
});
