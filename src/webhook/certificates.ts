/**
 * Self-signed certificate authorities and serving certificates made with node:crypto (ECDSA P-256,
 * SHA-256), for the webhook's TLS when no certificate is given. The serving certificate names its
 * hosts in subjectAltName (Go, and so the API server, ignores the common name).
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, sign, X509Certificate, type KeyObject } from 'node:crypto';
import { isIP } from 'node:net';
import * as der from './der.ts';

/** A certificate and its private key in PEM, with the end of its validity. */
export interface KeyedCertificate {
  certPem: string;
  keyPem: string;
  notAfter: Date;
}

/** A serving certificate together with the CA that signed it (the webhook's caBundle). */
export interface ServingCertificate extends KeyedCertificate {
  caPem: string;
}

/** Options of `createCertificateAuthority`. */
export interface AuthorityOptions {
  commonName: string;
  now: Date;
  validityMs: number;
}

/** Options of `issueServingCertificate`. */
export interface ServingOptions {
  ca: KeyedCertificate;
  /** DNS names and IP addresses the certificate is valid for; the first is the common name. */
  hosts: readonly string[];
  now: Date;
  validityMs: number;
}

const oid = {
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  commonName: '2.5.4.3',
  subjectKeyId: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  authorityKeyId: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
  serverAuth: '1.3.6.1.5.5.7.3.1',
};
const keyUsageBits = { digitalSignature: 0, keyCertSign: 5, cRLSign: 6 };
// Tolerate clocks a little behind ours (the API server's, a node's).
const backdateMs = 5 * 60_000;

const signatureAlgorithm = (): Buffer => der.sequence(der.objectIdentifier(oid.ecdsaWithSha256));
const name = (commonName: string): Buffer => der.sequence(der.set(der.sequence(der.objectIdentifier(oid.commonName), der.utf8String(commonName))));

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return der.sequence(der.objectIdentifier(id), ...(critical ? [der.booleanTrue()] : []), der.octetString(value));
}

function keyId(publicKey: KeyObject): Buffer {
  // RFC 5280 allows any method that yields a unique identifier; a hash of the whole SPKI is one.
  return createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest()
    .subarray(0, 20);
}

function generalName(host: string): Buffer {
  const family = isIP(host);
  if (family === 0) return der.implicitPrimitive(2, Buffer.from(host, 'ascii'));
  return der.implicitPrimitive(7, family === 4 ? Buffer.from(host.split('.').map(Number)) : ipv6Bytes(host));
}

function ipv6Bytes(host: string): Buffer {
  const [head = '', tail = ''] = host.split('::');
  const groups = (part: string): string[] => (part === '' ? [] : part.split(':'));
  const left = groups(head);
  const right = host.includes('::') ? groups(tail) : [];
  const all = [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return Buffer.concat(all.map((g) => Buffer.from(g.padStart(4, '0'), 'hex')));
}

interface CertificateFields {
  subject: string;
  issuer: string;
  publicKey: KeyObject;
  signingKey: KeyObject;
  validity: { notBefore: Date; notAfter: Date };
  extensions: readonly Buffer[];
}

function toPem(label: string, bytes: Buffer): string {
  const lines = bytes.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

function buildCertificate(fields: CertificateFields): string {
  // A positive 127-bit serial: random, never zero, no sign octet needed.
  const serial = randomBytes(16);
  serial[0] = (serial[0]! & 0x7f) | 0x40;
  const tbs = der.sequence(
    der.explicit(0, der.smallInteger(2)),
    der.unsignedInteger(serial),
    signatureAlgorithm(),
    name(fields.issuer),
    der.sequence(der.time(fields.validity.notBefore), der.time(fields.validity.notAfter)),
    name(fields.subject),
    fields.publicKey.export({ type: 'spki', format: 'der' }),
    der.explicit(3, der.sequence(...fields.extensions)),
  );
  const signature = sign('sha256', tbs, fields.signingKey);
  return toPem('CERTIFICATE', der.sequence(tbs, signatureAlgorithm(), der.bitString(signature)));
}

function newKeyPair(): { publicKey: KeyObject; privateKey: KeyObject } {
  return generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
}

function validity(now: Date, validityMs: number): { notBefore: Date; notAfter: Date } {
  // Whole seconds: the certificate cannot carry more, and notAfter must match what it carries.
  const start = Math.floor(now.getTime() / 1000) * 1000;
  return { notBefore: new Date(start - backdateMs), notAfter: new Date(start + validityMs) };
}

/** A new self-signed CA (basicConstraints CA, keyCertSign) valid from a few minutes before `now`. */
export function createCertificateAuthority(options: AuthorityOptions): KeyedCertificate {
  const keys = newKeyPair();
  const span = validity(options.now, options.validityMs);
  const certPem = buildCertificate({
    subject: options.commonName,
    issuer: options.commonName,
    publicKey: keys.publicKey,
    signingKey: keys.privateKey,
    validity: span,
    extensions: [
      extension(oid.basicConstraints, true, der.sequence(der.booleanTrue())),
      extension(oid.keyUsage, true, der.namedBits([keyUsageBits.digitalSignature, keyUsageBits.keyCertSign, keyUsageBits.cRLSign])),
      extension(oid.subjectKeyId, false, der.octetString(keyId(keys.publicKey))),
    ],
  });
  return { certPem, keyPem: keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), notAfter: span.notAfter };
}

/** A serving certificate (serverAuth) for `hosts`, signed by `ca`; never valid past the CA. */
export function issueServingCertificate(options: ServingOptions): ServingCertificate {
  const [commonName] = options.hosts;
  if (!commonName) throw new RangeError('a serving certificate needs at least one host');
  const keys = newKeyPair();
  const caCert = new X509Certificate(options.ca.certPem);
  const span = validity(options.now, options.validityMs);
  if (span.notAfter > options.ca.notAfter) span.notAfter = options.ca.notAfter;
  const certPem = buildCertificate({
    subject: commonName,
    issuer: caCert.subject.replace(/^CN=/, ''),
    publicKey: keys.publicKey,
    signingKey: createPrivateKey(options.ca.keyPem),
    validity: span,
    extensions: [
      extension(oid.basicConstraints, true, der.sequence()),
      extension(oid.keyUsage, true, der.namedBits([keyUsageBits.digitalSignature])),
      extension(oid.extKeyUsage, false, der.sequence(der.objectIdentifier(oid.serverAuth))),
      extension(oid.subjectAltName, false, der.sequence(...options.hosts.map(generalName))),
      extension(oid.authorityKeyId, false, der.sequence(der.implicitPrimitive(0, keyId(createPublicKey(options.ca.certPem))))),
    ],
  });
  return {
    certPem,
    keyPem: keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    notAfter: span.notAfter,
    caPem: options.ca.certPem,
  };
}
