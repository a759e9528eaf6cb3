import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JwksCache } from './jwks';
import { verifyJwt } from './jwt';
import { makeKey, signJwt, startTestProvider, type TestKey } from './test-provider';

describe('JWT verification against a JWKS', () => {
  let provider: Awaited<ReturnType<typeof startTestProvider>>;
  let rsa: TestKey;
  let ec: TestKey;
  const now = Date.UTC(2026, 0, 1);
  const nowS = now / 1000;
  const claims = () => ({ iss: provider.issuer, aud: 'switchyard', sub: 'u1', email: 'ada@example.com', exp: nowS + 300, nbf: nowS - 10 });
  const expectations = () => ({ issuer: provider.issuer, audiences: ['switchyard'], clockSkewSeconds: 60, now });

  beforeAll(async () => {
    provider = await startTestProvider();
    rsa = makeKey('rsa-1', 'RS256');
    ec = makeKey('ec-1', 'ES256');
    provider.keys.push(rsa, ec);
  });
  afterAll(() => provider?.close());

  it('accepts RS256 and ES256 tokens, finding the JWKS through discovery and caching it', async () => {
    const jwks = new JwksCache(provider.issuer, undefined, 0);
    const before = provider.jwksFetches();
    expect(await verifyJwt(signJwt(rsa, claims()), jwks, expectations())).toMatchObject({ sub: 'u1' });
    expect(await verifyJwt(signJwt(ec, claims()), jwks, expectations())).toMatchObject({ email: 'ada@example.com' });
    expect(provider.jwksFetches() - before).toBe(1);
  });

  it('refuses wrong issuer, audience, expiry, nbf (beyond the skew), signature and algorithms', async () => {
    const jwks = new JwksCache(provider.issuer, `${provider.issuer}/jwks`, 0);
    const refuse = (token: string, why: RegExp) => expect(verifyJwt(token, jwks, expectations())).rejects.toThrow(why);
    await refuse(signJwt(rsa, { ...claims(), iss: 'https://other.example' }), /wrong issuer/);
    await refuse(signJwt(rsa, { ...claims(), aud: ['someone-else'] }), /wrong audience/);
    await refuse(signJwt(rsa, { ...claims(), exp: nowS - 61 }), /expired/);
    await refuse(signJwt(rsa, { ...claims(), nbf: nowS + 61 }), /not valid yet/);
    await refuse(signJwt(rsa, { ...claims(), exp: undefined }), /no expiry/);
    // Within the skew: fine.
    await expect(verifyJwt(signJwt(rsa, { ...claims(), exp: nowS - 30, nbf: nowS + 30 }), jwks, expectations())).resolves.toBeTruthy();
    const token = signJwt(rsa, claims());
    const [h, p] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ ...claims(), sub: 'admin' })).toString('base64url');
    await refuse(`${h}.${forged}.${token.split('.')[2]}`, /bad signature/);
    await refuse(`${Buffer.from(JSON.stringify({ alg: 'none', kid: 'rsa-1' })).toString('base64url')}.${p}.`, /unsupported/);
    await refuse(`${Buffer.from(JSON.stringify({ alg: 'HS256', kid: 'rsa-1' })).toString('base64url')}.${p}.${token.split('.')[2]}`, /unsupported/);
    // An ES256 header pointing at the RSA key: alg confusion is refused.
    await refuse(signJwt(ec, claims(), { kid: 'rsa-1' }), /does not fit/);
  });

  it('refetches the JWKS for an unknown kid (key rotation), but not more often than allowed', async () => {
    const jwks = new JwksCache(provider.issuer, `${provider.issuer}/jwks`, 60_000);
    await verifyJwt(signJwt(rsa, claims()), jwks, expectations());
    const rotated = makeKey('rsa-2', 'RS256');
    provider.keys.push(rotated);
    const before = provider.jwksFetches();
    expect(await verifyJwt(signJwt(rotated, claims()), jwks, expectations())).toMatchObject({ sub: 'u1' });
    expect(provider.jwksFetches() - before).toBe(1);
    // A made-up kid right after: no new fetch, refused.
    await expect(verifyJwt(signJwt(makeKey('forged', 'RS256'), claims()), jwks, expectations())).rejects.toThrow(/unknown key/);
    expect(provider.jwksFetches() - before).toBe(1);
  });
});
