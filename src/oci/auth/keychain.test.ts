import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { Credentials, anonymousCredentials, anonymousKeychain, multiKeychain, staticKeychain, type Keychain } from './keychain.ts';

describe('Credentials', () => {
  const secret = Credentials.of({ username: 'alice', password: 's3cret-pw', identityToken: 'refresh-xyz' });

  it('keeps secrets out of toString, JSON and inspect', () => {
    for (const text of [String(secret), JSON.stringify({ secret }), inspect(secret), secret.toString()]) {
      expect(text).not.toContain('s3cret-pw');
      expect(text).not.toContain('refresh-xyz');
      expect(text).toContain('REDACTED');
    }
    expect(Object.keys(secret)).toEqual([]);
  });

  it('exposes the fields to code that asks for them', () => {
    expect(secret.username).toBe('alice');
    expect(secret.password).toBe('s3cret-pw');
    expect(secret.identityToken).toBe('refresh-xyz');
    expect(secret.hasBasic).toBe(true);
  });

  it('treats empty fields as absent and nothing at all as anonymous', () => {
    expect(Credentials.of({ username: '', password: '' })).toBe(anonymousCredentials);
    expect(anonymousCredentials.isAnonymous).toBe(true);
    expect(Credentials.of({ registryToken: 't' }).hasBasic).toBe(false);
  });
});

describe('keychains', () => {
  const alice = Credentials.of({ username: 'alice', password: 'a' });
  const bob = Credentials.of({ username: 'bob', password: 'b' });

  it('static keychain matches hosts case-insensitively and falls back to anonymous', async () => {
    const keychain = staticKeychain({ 'Registry.Example:5000': alice });
    expect(await keychain.resolve('registry.example:5000')).toBe(alice);
    expect((await keychain.resolve('other.example')).isAnonymous).toBe(true);
    expect(await staticKeychain({ '*': bob }).resolve('anything')).toBe(bob);
  });

  it('multi keychain returns the first non-anonymous answer, in order', async () => {
    const asked: string[] = [];
    const spy = (name: string, answer: Credentials): Keychain => ({
      resolve: (registry) => {
        asked.push(`${name}:${registry}`);
        return Promise.resolve(answer);
      },
    });
    const keychain = multiKeychain([spy('first', anonymousCredentials), spy('second', bob), spy('third', alice)]);
    expect(await keychain.resolve('r.example')).toBe(bob);
    expect(asked).toEqual(['first:r.example', 'second:r.example']);
    expect((await multiKeychain([anonymousKeychain]).resolve('x')).isAnonymous).toBe(true);
  });
});
