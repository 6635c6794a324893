import { describe, expect, it } from 'vitest';
import { canonicalString, signatureV2, signatureV4, signingKeyV4, verifySignature, type SignedRequest } from '../../../../../shared/runtime/maxcompute/local-endpoint/request-signature.ts';

const DATE = 'Wed, 04 Aug 2021 06:00:00 GMT';
const NOW = Date.parse(DATE);

// specs/maxcompute.md §1.3 (access id test_aid, secret test_sk).
const vectors: { name: string; request: SignedRequest; stringToSign: string; v2: string }[] = [
  {
    name: 'GET a table',
    request: { method: 'GET', resource: '/projects/p/tables/t', rawQuery: 'curr_project=p', headers: { date: DATE, 'x-odps-user-agent': 'ua/1' } },
    stringToSign: 'GET\n\n\nWed, 04 Aug 2021 06:00:00 GMT\nx-odps-user-agent:ua/1\n/projects/p/tables/t?curr_project=p',
    v2: 'u33uK50lemILEhlnd0gX/8BDzcs=',
  },
  {
    name: 'create an upload session (encoded partition, unsigned odps-tunnel-date-transform)',
    request: {
      method: 'POST',
      resource: '/projects/p/tables/t',
      rawQuery: 'uploads&partition=ds%3D20240101%2Chh%3D01&curr_project=p',
      headers: { date: DATE, 'x-odps-tunnel-version': '6', 'odps-tunnel-date-transform': 'v1', 'content-length': '0' },
    },
    stringToSign: 'POST\n\n\nWed, 04 Aug 2021 06:00:00 GMT\nx-odps-tunnel-version:6\n/projects/p/tables/t?curr_project=p&partition=ds=20240101,hh=01&uploads',
    v2: 'ewJL8RzfrLUnDQ5s1X23J8p8aRY=',
  },
  {
    name: 'create an instance (signed Content-Type)',
    request: { method: 'POST', resource: '/projects/p/instances', rawQuery: 'curr_project=p', headers: { date: DATE, 'content-type': 'application/xml' } },
    stringToSign: 'POST\n\napplication/xml\nWed, 04 Aug 2021 06:00:00 GMT\n/projects/p/instances?curr_project=p',
    v2: 'h17Pqy/+Np86fbU3AArvsTSGdd0=',
  },
];

const account = { accessKeyId: 'test_aid', accessKeySecret: 'test_sk' };
const signed = (r: SignedRequest, authorization: string): SignedRequest => ({ ...r, headers: { ...r.headers, authorization } });

describe('MaxCompute request signature (spec §1.3 vectors)', () => {
  for (const v of vectors) {
    it(`${v.name}: string to sign and v2 signature`, () => {
      expect(canonicalString(v.request)).toBe(v.stringToSign);
      expect(signatureV2(v.stringToSign, 'test_sk')).toBe(v.v2);
      expect(verifySignature(signed(v.request, `ODPS test_aid:${v.v2}`), [account], NOW)).toEqual({ ok: true, accessKeyId: 'test_aid' });
    });
  }

  it('v4: the derived key and signature of the first vector, and the verifier accepts it', () => {
    expect(signingKeyV4('test_sk', '20210804', 'cn-hangzhou').toString('hex')).toBe('08f1d18b2956baeedac85bd912bb29906503a2fd868bf4827d1528623e7a364a');
    expect(signatureV4(vectors[0]!.stringToSign, 'test_sk', '20210804', 'cn-hangzhou')).toBe('iiuMpbR4n6A+1DoxLqJraodRikE=');
    const r = signed(vectors[0]!.request, 'ODPS test_aid/20210804/cn-hangzhou/odps/aliyun_v4_request:iiuMpbR4n6A+1DoxLqJraodRikE=');
    expect(verifySignature(r, [account], NOW).ok).toBe(true);
    const otherRegion = signed(vectors[0]!.request, 'ODPS test_aid/20210804/cn-shanghai/odps/aliyun_v4_request:iiuMpbR4n6A+1DoxLqJraodRikE=');
    expect(verifySignature(otherRegion, [account], NOW)).toMatchObject({ ok: false, reason: 'signature' });
  });

  it('a query parameter with the x-odps- prefix is signed like a header; a repeated parameter keeps its last value', () => {
    const r: SignedRequest = { method: 'GET', resource: '/projects/p', rawQuery: 'b=1&x-odps-q=v&b=2&a', headers: { date: DATE } };
    expect(canonicalString(r)).toBe('GET\n\n\nWed, 04 Aug 2021 06:00:00 GMT\nx-odps-q:v\n/projects/p?a&b=2&x-odps-q=v');
  });
});

describe('verifySignature refuses', () => {
  const base = vectors[0]!;
  const good = signed(base.request, `ODPS test_aid:${base.v2}`);
  const cases: { name: string; request: SignedRequest; accounts?: (typeof account)[]; now?: number; reason: string }[] = [
    { name: 'an unknown access key id', request: signed(base.request, `ODPS other:${base.v2}`), reason: 'credentials' },
    { name: 'a wrong secret', request: good, accounts: [{ ...account, accessKeySecret: 'other' }], reason: 'signature' },
    { name: 'a changed signed header', request: { ...good, headers: { ...good.headers, 'x-odps-user-agent': 'ua/2' } }, reason: 'signature' },
    { name: 'an added x-odps- header', request: { ...good, headers: { ...good.headers, 'x-odps-extra': '1' } }, reason: 'signature' },
    { name: 'a changed query parameter', request: { ...good, rawQuery: 'curr_project=q' }, reason: 'signature' },
    { name: 'an added query parameter', request: { ...good, rawQuery: 'curr_project=p&partitions' }, reason: 'signature' },
    { name: 'a changed path', request: { ...good, resource: '/projects/p/tables/u' }, reason: 'signature' },
    { name: 'a changed method', request: { ...good, method: 'HEAD' }, reason: 'signature' },
    { name: 'a missing Date', request: { ...good, headers: { authorization: good.headers.authorization, 'x-odps-user-agent': 'ua/1' } }, reason: 'date' },
    { name: 'a Date 16 minutes off', request: good, now: NOW + 16 * 60_000, reason: 'date' },
    { name: 'a malformed Authorization', request: signed(base.request, 'Bearer x'), reason: 'signature' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const verdict = verifySignature(c.request, c.accounts ?? [account], c.now ?? NOW);
      expect(verdict).toMatchObject({ ok: false, reason: c.reason });
      if (!verdict.ok) expect(verdict.message).not.toContain('test_sk');
    });
  }

  it('a Date 14 minutes off is still accepted', () => {
    expect(verifySignature(good, [account], NOW - 14 * 60_000).ok).toBe(true);
  });

  it('an STS account without its token, or with another token', () => {
    const sts = { ...account, securityToken: 'tok' };
    expect(verifySignature(good, [sts], NOW)).toMatchObject({ ok: false, reason: 'token' });
    expect(verifySignature({ ...good, headers: { ...good.headers, 'authorization-sts-token': 'other' } }, [sts], NOW)).toMatchObject({ ok: false, reason: 'token' });
    expect(verifySignature({ ...good, headers: { ...good.headers, 'authorization-sts-token': 'tok' } }, [sts], NOW).ok).toBe(true);
  });
});
