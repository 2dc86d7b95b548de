/**
 * What cosign signs. An image signature signs a "simple signing" payload naming the image's
 * repository and manifest digest with ECDSA over SHA-256 (ASN.1 DER, base64 in the signature
 * manifest). An attestation is a DSSE envelope whose signature covers the pre-authentication
 * encoding (PAE) of an in-toto statement. Payload bytes are canonical (fixed key order, no
 * whitespace), so the same image always gives the same payload; ECDSA signatures themselves are
 * randomised, as cosign's are.
 */
import { sign, verify, type KeyObject } from 'node:crypto';
import { isArray, isJsonObject } from '../shared/index.ts';
import { VerificationError } from './errors.ts';

/** `critical.type` of every cosign image signature payload. */
export const simpleSigningType = 'cosign container image signature';
/** The DSSE payload type of in-toto statements. */
export const inTotoPayloadType = 'application/vnd.in-toto+json';

/** The simple-signing payload for the image `digest` in `repository` (no tag: cosign names the repository only). */
export function simpleSigningPayload(repository: string, digest: string): Uint8Array {
  const payload = {
    critical: { identity: { 'docker-reference': repository }, image: { 'docker-manifest-digest': digest }, type: simpleSigningType },
    optional: null,
  };
  return new TextEncoder().encode(JSON.stringify(payload));
}

/** The manifest digest a simple-signing payload signs; VerificationError when it is not one. */
export function signedDigestOf(payload: Uint8Array): string {
  let document: unknown;
  try {
    document = JSON.parse(new TextDecoder().decode(payload));
  } catch (error) {
    throw new VerificationError('signature payload is not JSON', { cause: error });
  }
  const critical = isJsonObject(document) ? document.critical : undefined;
  const image = isJsonObject(critical) ? critical.image : undefined;
  const digest = isJsonObject(image) ? image['docker-manifest-digest'] : undefined;
  if (!isJsonObject(critical) || critical.type !== simpleSigningType || typeof digest !== 'string') {
    throw new VerificationError('signature payload is not a cosign simple-signing payload');
  }
  return digest;
}

/** ECDSA-SHA256 signature of `data`, base64 of its DER form (what cosign stores). */
export function signBytes(privateKey: KeyObject, data: Uint8Array): string {
  return sign('sha256', data, privateKey).toString('base64');
}

/** True when `signature` (base64 DER) is `publicKey`'s signature of `data`. */
export function verifyBytes(publicKey: KeyObject, data: Uint8Array, signature: string): boolean {
  return verify('sha256', data, publicKey, Buffer.from(signature, 'base64'));
}

/** DSSE's pre-authentication encoding: `DSSEv1 <len> <type> <len> <payload>`, lengths in bytes. */
export function preAuthEncoding(payloadType: string, payload: Uint8Array): Uint8Array {
  const type = Buffer.from(payloadType, 'utf8');
  return Buffer.concat([Buffer.from(`DSSEv1 ${type.length} `), type, Buffer.from(` ${payload.length} `), payload]);
}

/** A DSSE envelope as cosign stores it in an attestation layer. */
export interface DsseEnvelope {
  payloadType: string;
  /** base64 of the payload. */
  payload: string;
  signatures: { keyid: string; sig: string }[];
}

/** The envelope of `payload` signed with `privateKey` (cosign leaves `keyid` empty for key-file signatures). */
export function signEnvelope(privateKey: KeyObject, payloadType: string, payload: Uint8Array): DsseEnvelope {
  return {
    payloadType,
    payload: Buffer.from(payload).toString('base64'),
    signatures: [{ keyid: '', sig: signBytes(privateKey, preAuthEncoding(payloadType, payload)) }],
  };
}

/** Envelope bytes as stored: fixed key order, no whitespace. */
export function encodeEnvelope(envelope: DsseEnvelope): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(envelope));
}

function parseEnvelope(bytes: Uint8Array): DsseEnvelope {
  let document: unknown;
  try {
    document = JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    throw new VerificationError('attestation is not a JSON DSSE envelope', { cause: error });
  }
  if (!isJsonObject(document) || typeof document.payloadType !== 'string' || typeof document.payload !== 'string' || !isArray(document.signatures)) {
    throw new VerificationError('attestation is not a DSSE envelope');
  }
  const signatures = document.signatures.flatMap((s) =>
    isJsonObject(s) && typeof s.sig === 'string' ? [{ keyid: typeof s.keyid === 'string' ? s.keyid : '', sig: s.sig }] : [],
  );
  return { payloadType: document.payloadType, payload: document.payload, signatures };
}

/**
 * The payload of the envelope in `bytes` when one of its signatures is `publicKey`'s over the
 * PAE; VerificationError otherwise, or when the payload type is not `payloadType`.
 */
export function openEnvelope(bytes: Uint8Array, publicKey: KeyObject, payloadType: string): Uint8Array {
  const envelope = parseEnvelope(bytes);
  if (envelope.payloadType !== payloadType) throw new VerificationError(`attestation payload type is ${envelope.payloadType}, not ${payloadType}`);
  const payload = Buffer.from(envelope.payload, 'base64');
  const pae = preAuthEncoding(envelope.payloadType, payload);
  if (!envelope.signatures.some((s) => verifyBytes(publicKey, pae, s.sig))) {
    throw new VerificationError('no signature on the attestation verifies with the given key');
  }
  return payload;
}
