import { readFileSync } from 'node:fs';
import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isJsonObject } from '../shared/index.ts';
import { encryptSigningKey, generateSigningKey, publicKeyPem, readPublicKey, readSigningKey, sigstorePrivateKeyPemType } from './cosign-key.ts';
import { signingErrorCodes, SigningKeyError } from './errors.ts';

const fixture = (name: string): string => readFileSync(new URL(`./testdata/${name}`, import.meta.url), 'utf8');
const cosignKey = fixture('cosign-generated.key');
const cosignPub = fixture('cosign-generated.pub');

/** The JSON inside an encrypted key's PEM. */
function keyBody(pem: string): Record<string, unknown> {
  const body: unknown = JSON.parse(Buffer.from(pem.split('\n').slice(1, -2).join(''), 'base64').toString('utf8'));
  if (!isJsonObject(body)) throw new Error('the key body is not a JSON object');
  return body;
}

function encryptedPem(body: unknown): string {
  return `-----BEGIN ${sigstorePrivateKeyPemType}-----\n${Buffer.from(JSON.stringify(body)).toString('base64')}\n-----END ${sigstorePrivateKeyPemType}-----\n`;
}

function errorOf(action: () => unknown): SigningKeyError {
  try {
    action();
  } catch (error) {
    if (error instanceof SigningKeyError) return error;
    throw error;
  }
  throw new Error('expected a SigningKeyError');
}

describe('cosign key files', () => {
  it('opens a key made by cosign generate-key-pair, whose public half is cosign.pub', () => {
    const key = readSigningKey(cosignKey, 'correct-horse');
    expect(publicKeyPem(key.publicKey)).toBe(cosignPub);
    const data = Buffer.from('payload');
    expect(verify('sha256', data, readPublicKey(cosignPub), sign('sha256', data, key.privateKey))).toBe(true);
  });

  it('says the password is wrong, permanently, without echoing it', () => {
    const error = errorOf(() => readSigningKey(cosignKey, 'battery-staple'));
    expect(error.code).toBe(signingErrorCodes.wrongPassword);
    expect(error.kind).toBe('permanent');
    expect(error.message).not.toContain('battery-staple');
    expect(JSON.stringify({ message: error.message, stack: error.stack })).not.toContain('battery-staple');
  });

  it('says an encrypted key needs a password when none is given', () => {
    expect(errorOf(() => readSigningKey(cosignKey, undefined)).code).toBe(signingErrorCodes.missingPassword);
  });

  it('writes the encrypted format and reads it back; a fixed salt and nonce give fixed bytes', () => {
    const key = generateSigningKey();
    const randomness = { salt: new Uint8Array(32).fill(1), nonce: new Uint8Array(24).fill(2) };
    const pem = encryptSigningKey(key.privateKey, 'pw', randomness);
    expect(pem.startsWith(`-----BEGIN ${sigstorePrivateKeyPemType}-----\n`)).toBe(true);
    expect(encryptSigningKey(key.privateKey, 'pw', randomness)).toBe(pem);
    expect(keyBody(pem)).toMatchObject({ kdf: { name: 'scrypt', params: { N: 65536, r: 8, p: 1 } }, cipher: { name: 'nacl/secretbox' } });
    expect(publicKeyPem(readSigningKey(pem, 'pw').publicKey)).toBe(publicKeyPem(key.publicKey));
  });

  it('accepts an empty password when the key was encrypted with one', () => {
    const key = generateSigningKey();
    expect(publicKeyPem(readSigningKey(encryptSigningKey(key.privateKey, ''), '').publicKey)).toBe(publicKeyPem(key.publicKey));
  });

  it('accepts unencrypted PKCS #8 and SEC 1 keys and ignores a password for them', () => {
    const key = generateSigningKey();
    const pkcs8 = key.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const sec1 = key.privateKey.export({ format: 'pem', type: 'sec1' }).toString();
    expect(publicKeyPem(readSigningKey(pkcs8, undefined).publicKey)).toBe(publicKeyPem(key.publicKey));
    expect(publicKeyPem(readSigningKey(sec1, 'ignored').publicKey)).toBe(publicKeyPem(key.publicKey));
  });

  it('refuses a tampered ciphertext as a wrong password and a non-P-256 key as invalid', () => {
    const body = keyBody(cosignKey);
    const sealed = Buffer.from(String(body.ciphertext), 'base64');
    sealed[sealed.length - 1] = (sealed[sealed.length - 1] ?? 0) ^ 1;
    const tampered = encryptedPem({ ...body, ciphertext: sealed.toString('base64') });
    expect(errorOf(() => readSigningKey(tampered, 'correct-horse')).code).toBe(signingErrorCodes.wrongPassword);
    const p384 = generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    expect(errorOf(() => readSigningKey(p384, undefined)).message).toContain('P-256');
  });

  it('refuses scrypt parameters cosign would not write', () => {
    const body = keyBody(cosignKey);
    const kdf = isJsonObject(body.kdf) ? body.kdf : {};
    const pem = encryptedPem({ ...body, kdf: { ...kdf, params: { N: 1 << 24, r: 8, p: 1 } } });
    expect(errorOf(() => readSigningKey(pem, 'correct-horse')).message).toContain('scrypt parameters');
  });

  it('rejects files without a private key, and public keys that are not P-256 PKIX', () => {
    expect(errorOf(() => readSigningKey(cosignPub, undefined)).code).toBe(signingErrorCodes.badKey);
    expect(errorOf(() => readPublicKey(cosignKey)).code).toBe(signingErrorCodes.badKey);
  });
});
