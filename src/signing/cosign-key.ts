/**
 * cosign's key files. A private key is either cosign's own encrypted PEM (`ENCRYPTED SIGSTORE
 * PRIVATE KEY`, or the older `ENCRYPTED COSIGN PRIVATE KEY`), whose body is JSON from
 * go-securesystemslib's `encrypted` package: scrypt derives a 32-byte key from the password, and
 * NaCl secretbox (XSalsa20-Poly1305) seals the PKCS #8 DER of the key; or a plain PKCS #8 /
 * SEC 1 PEM. Public keys are PKIX `PUBLIC KEY` PEM. Only ECDSA P-256 keys are accepted: that is
 * what `cosign generate-key-pair` makes and what kpack's signing uses.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, scryptSync, type KeyObject } from 'node:crypto';
import { xsalsa20poly1305 } from '@noble/ciphers/salsa.js';
import { isJsonObject, type JsonObject } from '../shared/index.ts';
import { SigningKeyError, signingErrorCodes } from './errors.ts';

/** The PEM type `cosign generate-key-pair` writes since v2. */
export const sigstorePrivateKeyPemType = 'ENCRYPTED SIGSTORE PRIVATE KEY';
/** The PEM type of keys from cosign v1; still read by cosign and by packsmith. */
export const cosignPrivateKeyPemType = 'ENCRYPTED COSIGN PRIVATE KEY';

/** A key to sign with, and its public half. */
export interface SigningKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

// The only parameter sets go-securesystemslib accepts (legacy, standard, OWASP); refusing others
// also keeps a crafted file from asking scrypt for gigabytes of memory.
const acceptedScryptParams: readonly ScryptParams[] = [
  { N: 32768, r: 8, p: 1 },
  { N: 65536, r: 8, p: 1 },
  { N: 131072, r: 8, p: 1 },
];
/** What cosign uses when it writes a key ("standard"). */
const writtenScryptParams: ScryptParams = { N: 65536, r: 8, p: 1 };
const saltBytes = 32;
const nonceBytes = 24;
const boxKeyBytes = 32;

interface PemBlock {
  type: string;
  body: Buffer;
}

/** The PEM blocks of `text`, in order; headers (`Proc-Type: …`) are not supported and make the block unreadable. */
function pemBlocks(text: string): PemBlock[] {
  const blocks: PemBlock[] = [];
  const pattern = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([A-Za-z0-9+/=\r\n]*?)-----END \1-----/g;
  for (const match of text.matchAll(pattern)) {
    const [, type, body] = match;
    if (type !== undefined && body !== undefined) blocks.push({ type, body: Buffer.from(body.replace(/\s+/g, ''), 'base64') });
  }
  return blocks;
}

function pemEncode(type: string, body: Uint8Array): string {
  const lines =
    Buffer.from(body)
      .toString('base64')
      .match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${type}-----\n${lines.join('\n')}\n-----END ${type}-----\n`;
}

function badKey(message: string, cause?: unknown): SigningKeyError {
  return new SigningKeyError(signingErrorCodes.badKey, message, cause === undefined ? {} : { cause });
}

/** The key, checked to be ECDSA P-256 (the only curve cosign's key files and kpack use). */
function requireP256(privateKey: KeyObject): SigningKey {
  const curve = privateKey.asymmetricKeyDetails?.namedCurve;
  if (privateKey.asymmetricKeyType !== 'ec' || curve !== 'prime256v1') {
    throw badKey(`signing key must be ECDSA P-256, not ${privateKey.asymmetricKeyType ?? 'unknown'}${curve ? ` ${curve}` : ''}`);
  }
  return { privateKey, publicKey: createPublicKey(privateKey) };
}

function base64Field(object: JsonObject, field: string, where: string): Buffer {
  const value = object[field];
  if (typeof value !== 'string') throw badKey(`encrypted key: ${where}.${field} is missing`);
  return Buffer.from(value, 'base64');
}

function objectField(object: JsonObject, field: string): JsonObject {
  const value = object[field];
  if (!isJsonObject(value)) throw badKey(`encrypted key: ${field} is missing`);
  return value;
}

function scryptParamsOf(kdf: JsonObject): ScryptParams {
  if (kdf.name !== 'scrypt') throw badKey(`encrypted key: unsupported key derivation ${JSON.stringify(kdf.name)}`);
  const params = objectField(kdf, 'params');
  const accepted = acceptedScryptParams.find((p) => p.N === params.N && p.r === params.r && p.p === params.p);
  if (!accepted) throw badKey('encrypted key: unsupported scrypt parameters');
  return accepted;
}

function deriveBoxKey(password: string, salt: Uint8Array, params: ScryptParams): Buffer {
  // scrypt needs 128·N·r bytes; Node's default ceiling (32 MiB) is below cosign's standard N.
  return scryptSync(Buffer.from(password, 'utf8'), salt, boxKeyBytes, { ...params, maxmem: 256 * params.N * params.r });
}

function openEncryptedBody(body: Buffer, password: string | undefined): Uint8Array {
  let document: unknown;
  try {
    document = JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw badKey('encrypted key: the PEM body is not JSON', error);
  }
  if (!isJsonObject(document)) throw badKey('encrypted key: the PEM body is not a JSON object');
  const kdf = objectField(document, 'kdf');
  const cipher = objectField(document, 'cipher');
  const params = scryptParamsOf(kdf);
  if (cipher.name !== 'nacl/secretbox') throw badKey(`encrypted key: unsupported cipher ${JSON.stringify(cipher.name)}`);
  const salt = base64Field(kdf, 'salt', 'kdf');
  const nonce = base64Field(cipher, 'nonce', 'cipher');
  const sealed = base64Field(document, 'ciphertext', 'key');
  if (nonce.length !== nonceBytes) throw badKey('encrypted key: the nonce is not 24 bytes');
  if (password === undefined) {
    throw new SigningKeyError(signingErrorCodes.missingPassword, 'the signing key is encrypted and no password was given');
  }
  try {
    return xsalsa20poly1305(deriveBoxKey(password, salt, params), nonce).decrypt(sealed);
  } catch {
    // The only way a well-formed box fails to open is a different key: the password is wrong.
    throw new SigningKeyError(signingErrorCodes.wrongPassword, 'the password does not decrypt the signing key');
  }
}

function keyFromDer(der: Uint8Array, type: 'pkcs8' | 'sec1'): KeyObject {
  try {
    return createPrivateKey({ key: Buffer.from(der), format: 'der', type });
  } catch (error) {
    throw badKey(`signing key: not a readable ${type === 'pkcs8' ? 'PKCS #8' : 'SEC 1'} private key`, error);
  }
}

/**
 * Reads a private key file: cosign's encrypted format (opened with `password`; undefined means
 * none was given, which is an error for an encrypted key), or an unencrypted PKCS #8
 * (`PRIVATE KEY`) or SEC 1 (`EC PRIVATE KEY`) PEM, for which the password is ignored.
 * SigningKeyError (permanent) for anything else; no message contains the password or key bytes.
 */
export function readSigningKey(pem: string, password: string | undefined): SigningKey {
  const block = pemBlocks(pem).find((b) => b.type.endsWith('PRIVATE KEY'));
  if (!block) throw badKey('signing key: no PEM private key found');
  switch (block.type) {
    case sigstorePrivateKeyPemType:
    case cosignPrivateKeyPemType:
      return requireP256(keyFromDer(openEncryptedBody(block.body, password), 'pkcs8'));
    case 'PRIVATE KEY':
      return requireP256(keyFromDer(block.body, 'pkcs8'));
    case 'EC PRIVATE KEY':
      return requireP256(keyFromDer(block.body, 'sec1'));
    default:
      throw badKey(`signing key: unsupported PEM type "${block.type}"`);
  }
}

/** Random inputs of `encryptSigningKey`; tests pass fixed ones to get fixed bytes. */
export interface KeyEncryptionRandomness {
  salt: Uint8Array;
  nonce: Uint8Array;
}

/**
 * The private key in cosign's encrypted format (`ENCRYPTED SIGSTORE PRIVATE KEY`, scrypt with
 * cosign's standard parameters, secretbox), as `cosign generate-key-pair` writes it.
 */
export function encryptSigningKey(privateKey: KeyObject, password: string, randomness?: KeyEncryptionRandomness): string {
  requireP256(privateKey);
  const salt = randomness?.salt ?? randomBytes(saltBytes);
  const nonce = randomness?.nonce ?? randomBytes(nonceBytes);
  const der = privateKey.export({ format: 'der', type: 'pkcs8' });
  const sealed = xsalsa20poly1305(deriveBoxKey(password, salt, writtenScryptParams), nonce).encrypt(der);
  // Field order and base64 as Go's encoding/json writes the go-securesystemslib structs.
  const body = JSON.stringify({
    kdf: { name: 'scrypt', params: writtenScryptParams, salt: Buffer.from(salt).toString('base64') },
    cipher: { name: 'nacl/secretbox', nonce: Buffer.from(nonce).toString('base64') },
    ciphertext: Buffer.from(sealed).toString('base64'),
  });
  return pemEncode(sigstorePrivateKeyPemType, Buffer.from(body, 'utf8'));
}

/** A fresh ECDSA P-256 key pair. */
export function generateSigningKey(): SigningKey {
  return requireP256(generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey);
}

/** The public key as cosign writes `cosign.pub`: PKIX DER in a `PUBLIC KEY` PEM. */
export function publicKeyPem(publicKey: KeyObject): string {
  return pemEncode('PUBLIC KEY', publicKey.export({ format: 'der', type: 'spki' }));
}

/** Reads a `PUBLIC KEY` PEM (cosign.pub); SigningKeyError when it is not an ECDSA P-256 public key. */
export function readPublicKey(pem: string): KeyObject {
  const block = pemBlocks(pem).find((b) => b.type === 'PUBLIC KEY');
  if (!block) throw badKey('public key: no PEM "PUBLIC KEY" block found');
  let key: KeyObject;
  try {
    key = createPublicKey({ key: block.body, format: 'der', type: 'spki' });
  } catch (error) {
    throw badKey('public key: not a readable PKIX public key', error);
  }
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw badKey('public key must be ECDSA P-256');
  }
  return key;
}
