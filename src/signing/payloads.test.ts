import { describe, expect, it } from 'vitest';
import { generateSigningKey } from './cosign-key.ts';
import { VerificationError } from './errors.ts';
import {
  encodeEnvelope,
  inTotoPayloadType,
  openEnvelope,
  preAuthEncoding,
  signBytes,
  signedDigestOf,
  signEnvelope,
  simpleSigningPayload,
  verifyBytes,
} from './payloads.ts';

const digest = `sha256:${'a'.repeat(64)}`;
const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

describe('cosign payloads', () => {
  it('writes the simple-signing payload cosign signs, byte for byte', () => {
    expect(text(simpleSigningPayload('registry.test/team/builder', digest))).toBe(
      `{"critical":{"identity":{"docker-reference":"registry.test/team/builder"},"image":{"docker-manifest-digest":"${digest}"},"type":"cosign container image signature"},"optional":null}`,
    );
    expect(signedDigestOf(simpleSigningPayload('r.test/x', digest))).toBe(digest);
    expect(() => signedDigestOf(new TextEncoder().encode('{"critical":{}}'))).toThrow(VerificationError);
  });

  it("computes DSSE's pre-authentication encoding as the specification's example does", () => {
    expect(text(preAuthEncoding('http://example.com/HelloWorld', new TextEncoder().encode('hello world')))).toBe(
      'DSSEv1 29 http://example.com/HelloWorld 11 hello world',
    );
  });

  it('signs bytes so that the public key verifies them and nothing else', () => {
    const key = generateSigningKey();
    const data = new TextEncoder().encode('payload');
    const signature = signBytes(key.privateKey, data);
    expect(verifyBytes(key.publicKey, data, signature)).toBe(true);
    expect(verifyBytes(key.publicKey, new TextEncoder().encode('payloae'), signature)).toBe(false);
    expect(verifyBytes(generateSigningKey().publicKey, data, signature)).toBe(false);
  });

  it('opens an envelope only with the signing key, the right payload type and an untouched payload', () => {
    const key = generateSigningKey();
    const statement = new TextEncoder().encode('{"_type":"https://in-toto.io/Statement/v1"}');
    const envelope = signEnvelope(key.privateKey, inTotoPayloadType, statement);
    expect(envelope.signatures.map((sig) => sig.keyid)).toEqual(['']);
    const bytes = encodeEnvelope(envelope);
    expect(text(openEnvelope(bytes, key.publicKey, inTotoPayloadType))).toBe(text(statement));
    expect(() => openEnvelope(bytes, generateSigningKey().publicKey, inTotoPayloadType)).toThrow('no signature on the attestation verifies');
    expect(() => openEnvelope(bytes, key.publicKey, 'application/json')).toThrow('payload type');
    const tampered = encodeEnvelope({ ...envelope, payload: Buffer.from('{"_type":"other"}').toString('base64') });
    expect(() => openEnvelope(tampered, key.publicKey, inTotoPayloadType)).toThrow(VerificationError);
  });
});
