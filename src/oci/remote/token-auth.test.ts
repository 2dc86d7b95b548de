import { describe, expect, it } from 'vitest';
import { Credentials, anonymousCredentials } from '../auth/index.ts';
import { RegistryError } from './errors.ts';
import { TokenCache, basicAuthorization, parseTokenResponse, tokenHttpRequest } from './token-auth.ts';

describe('tokenHttpRequest', () => {
  const scopes = ['repository:a/dst:pull,push', 'repository:b/src:pull'];

  it('GETs the realm with service, one scope parameter per scope and Basic credentials', () => {
    const request = tokenHttpRequest({
      realm: 'http://127.0.0.1:5010/token?x=1',
      service: 'test-registry',
      scopes,
      credentials: Credentials.of({ username: 'u', password: 'p' }),
    });
    expect(request.method).toBe('GET');
    expect(request.url.searchParams.getAll('scope')).toEqual(scopes);
    expect(request.url.searchParams.get('service')).toBe('test-registry');
    expect(request.url.searchParams.get('x')).toBe('1');
    expect(request.headers.Authorization).toBe(`Basic ${Buffer.from('u:p').toString('base64')}`);
  });

  it('asks anonymously without credentials', () => {
    expect(tokenHttpRequest({ realm: 'https://auth/token', service: undefined, scopes, credentials: anonymousCredentials }).headers).toEqual({});
  });

  it('POSTs an OAuth2 refresh-token grant for an identity token', () => {
    const request = tokenHttpRequest({ realm: 'https://auth/token', service: 's', scopes, credentials: Credentials.of({ identityToken: 'rt' }) });
    expect(request.method).toBe('POST');
    const form = new URLSearchParams(request.body);
    expect(Object.fromEntries(form)).toEqual({
      grant_type: 'refresh_token',
      refresh_token: 'rt',
      client_id: 'packsmith',
      service: 's',
      scope: scopes.join(' '),
    });
  });

  it('builds the Basic header', () => {
    expect(basicAuthorization(Credentials.of({ username: 'a', password: 'b:c' }))).toBe(`Basic ${Buffer.from('a:b:c').toString('base64')}`);
  });
});

describe('parseTokenResponse and TokenCache', () => {
  it('takes token or access_token and computes expiry with a margin', () => {
    expect(parseTokenResponse({ token: 't', expires_in: 300 }, 1_000_000, 'r')).toEqual({ token: 't', expiresAt: 1_000_000 + 290_000 });
    expect(parseTokenResponse({ access_token: 'a' }, 0, 'r')).toEqual({ token: 'a', expiresAt: 50_000 });
    expect(() => parseTokenResponse({}, 0, 'r')).toThrow(RegistryError);
  });

  it('forgets expired tokens', () => {
    let now = 0;
    const cache = new TokenCache(() => now);
    const key = TokenCache.key('r', ['repository:x:pull']);
    cache.set(key, { token: 't', expiresAt: 100 });
    expect(cache.get(key)).toBe('t');
    now = 100;
    expect(cache.get(key)).toBeUndefined();
  });
});
