import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCode } from '../shared/index.ts';
import { localSigningKeys } from './signing-keys.ts';

let dir = '';
let keyFile = '';
const encrypted = new URL('../signing/testdata/cosign-generated.key', import.meta.url).pathname;
const plainPem = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'packsmith-signing-keys-'));
  keyFile = join(dir, 'plain.key');
  await writeFile(keyFile, plainPem);
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe('local mode signing keys', () => {
  it('has none without the flag or PACKSMITH_COSIGN_KEY', async () => {
    expect(await localSigningKeys(undefined, {})).toEqual([]);
    expect(await localSigningKeys(undefined, { PACKSMITH_COSIGN_KEY: '' })).toEqual([]);
  });

  it('prefers the flag to the environment and names the file', async () => {
    const keys = await localSigningKeys(keyFile, { PACKSMITH_COSIGN_KEY: '/nowhere' });
    expect(keys.map((k) => k.source)).toEqual([`file:${keyFile}`]);
  });

  it('takes a path or the PEM itself from PACKSMITH_COSIGN_KEY', async () => {
    expect((await localSigningKeys(undefined, { PACKSMITH_COSIGN_KEY: keyFile })).map((k) => k.source)).toEqual([`file:${keyFile}`]);
    expect((await localSigningKeys(undefined, { PACKSMITH_COSIGN_KEY: plainPem })).map((k) => k.source)).toEqual(['env:PACKSMITH_COSIGN_KEY']);
  });

  it('reads the password from PACKSMITH_COSIGN_PASSWORD before COSIGN_PASSWORD', async () => {
    expect(await localSigningKeys(encrypted, { PACKSMITH_COSIGN_PASSWORD: 'correct-horse', COSIGN_PASSWORD: 'wrong' })).toHaveLength(1);
    expect(await localSigningKeys(encrypted, { COSIGN_PASSWORD: 'correct-horse' })).toHaveLength(1);
    const wrong = await localSigningKeys(encrypted, { PACKSMITH_COSIGN_PASSWORD: 'wrong', COSIGN_PASSWORD: 'correct-horse' }).catch((e: unknown) => e);
    expect(errorCode(wrong)).toBe('SIGNING_KEY_PASSWORD_WRONG');
    const missing = await localSigningKeys(encrypted, {}).catch((e: unknown) => e);
    expect(errorCode(missing)).toBe('SIGNING_KEY_PASSWORD_MISSING');
    expect(String(missing)).toContain(`signing key file:${encrypted}: the signing key is encrypted and no password was given`);
  });

  it('says which file it cannot read', async () => {
    await expect(localSigningKeys(join(dir, 'absent.key'), {})).rejects.toThrow(`cannot read the signing key ${join(dir, 'absent.key')}`);
  });
});
