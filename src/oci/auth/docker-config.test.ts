import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../../shared/index.ts';
import { removeDir, scratchDir } from '../../../test/harness/process.ts';
import {
  dockerConfigKeychain,
  dockerConfigPath,
  loadDockerConfig,
  normalizeRegistryKey,
  parseDockerConfig,
  runCredentialHelper,
  type CredentialHelperRunner,
} from './docker-config.ts';

const b64 = (text: string): string => Buffer.from(text).toString('base64');

describe('normalizeRegistryKey', () => {
  it.each([
    ['https://index.docker.io/v1/', 'index.docker.io'],
    ['docker.io', 'index.docker.io'],
    ['registry-1.docker.io', 'index.docker.io'],
    ['http://Registry.Example:5000/v2/', 'registry.example:5000'],
    ['gcr.io', 'gcr.io'],
    ['127.0.0.1:5001', '127.0.0.1:5001'],
  ])('%s → %s', (key, host) => expect(normalizeRegistryKey(key)).toBe(host));
});

describe('dockerConfigKeychain', () => {
  it('decodes base64 auth and matches Docker Hub through its v1 URL key', async () => {
    const keychain = dockerConfigKeychain({ auths: { 'https://index.docker.io/v1/': { auth: b64('hubuser:hub:pass') } } });
    const credentials = await keychain.resolve('index.docker.io');
    expect(credentials.username).toBe('hubuser');
    expect(credentials.password).toBe('hub:pass');
  });

  it('prefers an exact key to a normalised one and ignores other registries', async () => {
    const keychain = dockerConfigKeychain({
      auths: {
        'https://reg.example/v2/': { username: 'normalised', password: 'x' },
        'reg.example': { username: 'exact', password: 'y' },
      },
    });
    expect((await keychain.resolve('reg.example')).username).toBe('exact');
    expect((await keychain.resolve('reg.example:5000')).isAnonymous).toBe(true);
  });

  it('reads identity tokens', async () => {
    const keychain = dockerConfigKeychain({ auths: { 'reg.example': { identitytoken: 'refresh' } } });
    const credentials = await keychain.resolve('reg.example');
    expect(credentials.identityToken).toBe('refresh');
    expect(credentials.hasBasic).toBe(false);
  });

  it('asks credHelpers first, then credsStore, then auths', async () => {
    const calls: string[] = [];
    const runHelper: CredentialHelperRunner = (helper, serverUrl) => {
      calls.push(`${helper} ${serverUrl}`);
      if (helper === 'gcr') return Promise.resolve(JSON.stringify({ Username: '<token>', Secret: 'oauth-refresh' }));
      if (helper === 'store') return Promise.resolve(JSON.stringify({ Username: 'u', Secret: 'p' }));
      return Promise.resolve(undefined);
    };
    const keychain = dockerConfigKeychain(
      { credHelpers: { 'gcr.io': 'gcr', 'empty.example': 'none' }, credsStore: 'store', auths: { 'empty.example': { auth: b64('a:b') } } },
      { runHelper },
    );
    expect((await keychain.resolve('gcr.io')).identityToken).toBe('oauth-refresh');
    expect((await keychain.resolve('docker.io')).username).toBe('u');
    expect((await keychain.resolve('empty.example')).username).toBe('a');
    expect(calls).toEqual(['gcr gcr.io', 'store https://index.docker.io/v1/', 'none empty.example']);
  });
});

describe('parseDockerConfig and loading', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await scratchDir('docker-config');
  });
  afterAll(async () => removeDir(dir));

  it('reports every malformed field with its path', () => {
    try {
      parseDockerConfig({ auths: { 'a.example': { auth: 5 } }, credsStore: 1, credHelpers: { x: false } });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).issues.map((i) => i.path)).toEqual([
        'config.json.credHelpers.x',
        'config.json.credsStore',
        'config.json.auths["a.example"].auth',
      ]);
    }
  });

  it('returns the credential parts, keeps hostile keys as data and rejects arrays', () => {
    const text = '{"auths":{"__proto__":{"auth":"eA=="},"r.example":{"username":"u","password":"p"}},"credsStore":"s","HttpHeaders":{"X":"y"}}';
    const config = parseDockerConfig(JSON.parse(text));
    expect(Object.keys(config)).toEqual(['auths', 'credsStore']);
    expect(Object.keys(config.auths ?? {})).toEqual(['__proto__', 'r.example']);
    expect(config.auths?.['r.example']).toEqual({ username: 'u', password: 'p' });
    expect(Object.getPrototypeOf(config.auths)).toBe(Object.prototype);
    expect(() => parseDockerConfig({ auths: [] })).toThrow('config.json.auths: expected an object');
  });

  it('reads a credential helper answer that is JSON but not an object as no credentials', async () => {
    const keychain = dockerConfigKeychain({ credsStore: 'odd' }, { runHelper: () => Promise.resolve('null') });
    expect((await keychain.resolve('r.example')).isAnonymous).toBe(true);
  });

  it('finds the file through DOCKER_CONFIG or the home directory', () => {
    expect(dockerConfigPath({ DOCKER_CONFIG: '/etc/dc' }, '/home/u')).toBe('/etc/dc/config.json');
    expect(dockerConfigPath({}, '/home/u')).toBe('/home/u/.docker/config.json');
  });

  it('loads a file, treats a missing one as empty and rejects bad JSON', async () => {
    const path = join(dir, 'config.json');
    await writeFile(path, JSON.stringify({ auths: { 'r.example': { auth: b64('u:p') } } }));
    expect((await loadDockerConfig(path)).auths?.['r.example']?.auth).toBe(b64('u:p'));
    expect(await loadDockerConfig(join(dir, 'missing.json'))).toEqual({});
    await writeFile(join(dir, 'bad.json'), '{');
    await expect(loadDockerConfig(join(dir, 'bad.json'))).rejects.toBeInstanceOf(ValidationError);
  });

  it('runs a real docker-credential helper program from PATH', async () => {
    const bin = join(dir, 'bin');
    await mkdir(bin, { recursive: true });
    const script = join(bin, 'docker-credential-fake');
    await writeFile(script, '#!/bin/sh\nread url\nprintf \'{"ServerURL":"%s","Username":"helper-user","Secret":"helper-secret"}\' "$url"\n');
    await chmod(script, 0o755);
    const savedPath = process.env.PATH;
    process.env.PATH = `${bin}:${savedPath ?? ''}`;
    try {
      const output = await runCredentialHelper('fake', 'reg.example');
      expect(JSON.parse(output ?? '{}')).toEqual({ ServerURL: 'reg.example', Username: 'helper-user', Secret: 'helper-secret' });
      const credentials = await dockerConfigKeychain({ credsStore: 'fake' }).resolve('reg.example');
      expect(credentials.password).toBe('helper-secret');
      expect(await runCredentialHelper('absent-helper', 'reg.example')).toBeUndefined();
    } finally {
      process.env.PATH = savedPath;
    }
  });
});
