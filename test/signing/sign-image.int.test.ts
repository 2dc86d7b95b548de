/**
 * packsmith's signatures and attestations against the real docker-registry (Basic and token auth)
 * and the real cosign: what packsmith signs `cosign verify` and `cosign verify-attestation` accept,
 * signing twice changes nothing, signatures cosign made are kept when packsmith appends its own,
 * keys cross in both directions, and tampered or misplaced artifacts are rejected.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OciImageAccess } from '../../src/adapters/index.ts';
import { signImage, verifyImage } from '../../src/app/index.ts';
import { Credentials, imageFromParts, parseManifest, staticKeychain, type Digest, type Keychain } from '../../src/oci/index.ts';
import { randomImage } from '../../src/oci/testing/index.ts';
import {
  cosignAnnotations,
  encryptSigningKey,
  generateSigningKey,
  publicKeyPem,
  readSigningKey,
  signatureTag,
  type SigningKey,
} from '../../src/signing/index.ts';
import { cosignOfflineVerifyFlags, removeDir, runCosign, scratchDir, startRegistry, type RegistryHandle, type RegistryMode } from '../harness/index.ts';

const slsaProvenanceV1 = 'https://slsa.dev/provenance/v1';

function statementFor(repository: string, digest: string): Uint8Array {
  const statement = {
    _type: 'https://in-toto.io/Statement/v1',
    subject: [{ name: repository, digest: { sha256: digest.replace(/^sha256:/, '') } }],
    predicateType: slsaProvenanceV1,
    predicate: { buildDefinition: { buildType: 'test', externalParameters: {} }, runDetails: { builder: { id: 'test' } } },
  };
  return new TextEncoder().encode(JSON.stringify(statement));
}

describe.each<RegistryMode>(['basic', 'token'])('signing against docker-registry (%s) checked by cosign', (mode) => {
  let registry: RegistryHandle;
  let images: OciImageAccess;
  let keychain: Keychain;
  let dir: string;
  let authFile: string;
  let key: SigningKey;
  let publicKeyFile: string;

  beforeAll(async () => {
    registry = await startRegistry({ mode });
    images = new OciImageAccess();
    keychain = staticKeychain({ [registry.host]: Credentials.of({ username: registry.username, password: registry.password }) });
    dir = await scratchDir('signing');
    authFile = await registry.authFile(join(dir, 'auth.json'));
    key = generateSigningKey();
    publicKeyFile = join(dir, 'packsmith.pub');
    await writeFile(publicKeyFile, publicKeyPem(key.publicKey));
  });
  afterAll(async () => {
    await images.close();
    await registry.stop();
    await removeDir(dir);
  });

  async function pushImage(name: string, seed: number): Promise<{ identifier: string; repository: string; digest: Digest }> {
    const written = await images.writeImage(randomImage(seed, { layers: 1 }), `${registry.host}/${name}:v1`, { keychain });
    return { identifier: written.identifier, repository: `${registry.host}/${name}`, digest: written.digest };
  }

  const cosign = (args: string[], env: NodeJS.ProcessEnv = {}): ReturnType<typeof runCosign> => runCosign(args, { authFile, env });
  const verify = (pub: string, image: string): ReturnType<typeof runCosign> => cosign(['verify', '--key', pub, ...cosignOfflineVerifyFlags, image]);
  const verifyAttestation = (pub: string, image: string): ReturnType<typeof runCosign> =>
    cosign(['verify-attestation', '--key', pub, '--type', 'slsaprovenance1', ...cosignOfflineVerifyFlags, image]);

  it('signs and attests so that cosign verify and verify-attestation accept it; signing again pushes nothing', async () => {
    const image = await pushImage('signed/app', 1);
    const attestations = [{ statement: statementFor(image.repository, image.digest), predicateType: slsaProvenanceV1 }];
    const first = await signImage({ image: image.identifier, key, keychain, attestations }, { images });
    expect(first.signature.pushed).toBe(true);
    expect(first.attestation?.pushed).toBe(true);
    expect(first.signature.reference).toBe(`${image.repository}:${signatureTag(image.digest)}@${first.signature.digest}`);

    const verified = await verify(publicKeyFile, image.identifier);
    expect(verified.stderr).toContain('The signatures were verified against the specified public key');
    expect(verified.code).toBe(0);
    const signed: unknown = JSON.parse(verified.stdout);
    expect(signed).toMatchObject([{ critical: { image: { 'docker-manifest-digest': image.digest } } }]);

    const attested = await verifyAttestation(publicKeyFile, image.identifier);
    expect(attested.code, attested.stderr).toBe(0);
    const envelope: unknown = JSON.parse(attested.stdout.trim().split('\n')[0] ?? '');
    expect(envelope).toMatchObject({ payloadType: 'application/vnd.in-toto+json' });

    const again = await signImage({ image: image.identifier, key, keychain, attestations }, { images });
    expect(again.signature).toEqual({ ...first.signature, pushed: false });
    expect(again.attestation).toEqual({ ...first.attestation, pushed: false });
    const checked = await verifyImage({ image: image.identifier, publicKeyPem: publicKeyPem(key.publicKey), keychain }, { images });
    expect(checked.signatures).toBe(1);
    expect(checked.provenance.predicateType).toBe(slsaProvenanceV1);
  });

  it('rejects a signature whose annotation was tampered with, and one moved to another image', async () => {
    const image = await pushImage('signed/tampered', 2);
    const other = await pushImage('signed/tampered-other', 3);
    const { signature } = await signImage({ image: image.identifier, key, keychain }, { images });
    const { image: artifact } = await images.readImage(signature.reference, { keychain });
    const manifest = await artifact.manifest();
    const [layer] = manifest.layers;
    const original = layer?.annotations?.[cosignAnnotations.signature] ?? '';
    const flipped = Buffer.from(original, 'base64');
    flipped[flipped.length - 1] = (flipped.at(-1) ?? 0) ^ 1;
    const tamperedManifest = {
      ...manifest,
      layers: manifest.layers.map((l) => ({ ...l, annotations: { ...l.annotations, [cosignAnnotations.signature]: flipped.toString('base64') } })),
    };
    const tampered = imageFromParts({
      rawManifest: new TextEncoder().encode(JSON.stringify(parseManifest(new TextEncoder().encode(JSON.stringify(tamperedManifest))))),
      rawConfig: await artifact.rawConfigFile(),
      layers: await artifact.layers(),
    });
    await images.writeImage(tampered, `${image.repository}:${signatureTag(image.digest)}`, { keychain });
    const rejected = await verify(publicKeyFile, image.identifier);
    expect(rejected.code).not.toBe(0);
    expect(rejected.stderr).toMatch(/invalid signature|no matching signatures/);
    const ownCheck = verifyImage({ image: image.identifier, publicKeyPem: publicKeyPem(key.publicKey), keychain }, { images });
    await expect(ownCheck).rejects.toThrow('no signature verifies with the given key');

    // The original (valid) signature of `image`, placed where cosign looks for `other`'s.
    await images.writeImage(artifact, `${other.repository}:${signatureTag(other.digest)}`, { keychain });
    const misplaced = await verify(publicKeyFile, other.identifier);
    expect(misplaced.code).not.toBe(0);
    expect(misplaced.stderr).toContain('no matching signatures');
  });

  it('keeps a signature cosign made and appends its own; both verify, each with its key', async () => {
    const image = await pushImage('signed/both', 4);
    const keyDir = await scratchDir('cosign-keys');
    try {
      const generated = await runCosign(['generate-key-pair'], { cwd: keyDir, env: { COSIGN_PASSWORD: 'cosign-pw' } });
      expect(generated.code, generated.stderr).toBe(0);
      const cosignSign = await cosign(
        ['sign', '--key', join(keyDir, 'cosign.key'), '--tlog-upload=false', '--allow-insecure-registry', '--allow-http-registry', '-y', image.identifier],
        { COSIGN_PASSWORD: 'cosign-pw' },
      );
      expect(cosignSign.code, cosignSign.stderr).toBe(0);
      const { signature } = await signImage({ image: image.identifier, key, keychain }, { images });
      const { image: artifact } = await images.readImage(signature.reference, { keychain });
      expect((await artifact.manifest()).layers).toHaveLength(2);
      expect((await verify(join(keyDir, 'cosign.pub'), image.identifier)).code).toBe(0);
      expect((await verify(publicKeyFile, image.identifier)).code).toBe(0);
    } finally {
      await removeDir(keyDir);
    }
  });

  it('stores signatures in another repository with Docker media types when asked, where cosign finds them through COSIGN_REPOSITORY', async () => {
    const image = await pushImage('signed/elsewhere', 6);
    const artifactRepository = `${registry.host}/signatures/elsewhere`;
    const attestations = [{ statement: statementFor(image.repository, image.digest), predicateType: slsaProvenanceV1 }];
    const { signature } = await signImage({ image: image.identifier, key, keychain, attestations, artifactRepository, dockerMediaTypes: true }, { images });
    expect(signature.reference.startsWith(`${artifactRepository}:${signatureTag(image.digest)}@`)).toBe(true);
    const { image: artifact } = await images.readImage(signature.reference, { keychain });
    expect(await artifact.mediaType()).toBe('application/vnd.docker.distribution.manifest.v2+json');
    await expect(images.readImage(`${image.repository}:${signatureTag(image.digest)}`, { keychain })).rejects.toThrow();

    const env = { COSIGN_REPOSITORY: artifactRepository };
    expect((await cosign(['verify', '--key', publicKeyFile, ...cosignOfflineVerifyFlags, image.identifier], env)).code).toBe(0);
    const attested = await cosign(
      ['verify-attestation', '--key', publicKeyFile, '--type', 'slsaprovenance1', ...cosignOfflineVerifyFlags, image.identifier],
      env,
    );
    expect(attested.code, attested.stderr).toBe(0);
    expect((await verify(publicKeyFile, image.identifier)).code).not.toBe(0);
    const checked = await verifyImage({ image: image.identifier, publicKeyPem: publicKeyPem(key.publicKey), keychain, artifactRepository }, { images });
    expect(checked.signatures).toBe(1);
  });

  it('signs with a key cosign generated, and cosign signs with a key packsmith wrote', async () => {
    const image = await pushImage('signed/keys', 5);
    const keyDir = await scratchDir('cosign-keys');
    try {
      expect((await runCosign(['generate-key-pair'], { cwd: keyDir, env: { COSIGN_PASSWORD: 'from-cosign' } })).code).toBe(0);
      const cosignKey = readSigningKey(await readFile(join(keyDir, 'cosign.key'), 'utf8'), 'from-cosign');
      await signImage({ image: image.identifier, key: cosignKey, keychain }, { images });
      expect((await verify(join(keyDir, 'cosign.pub'), image.identifier)).code).toBe(0);

      const written = generateSigningKey();
      await writeFile(join(keyDir, 'packsmith.key'), encryptSigningKey(written.privateKey, 'from-packsmith'));
      await writeFile(join(keyDir, 'packsmith.pub'), publicKeyPem(written.publicKey));
      const signed = await cosign(
        ['sign', '--key', join(keyDir, 'packsmith.key'), '--tlog-upload=false', '--allow-insecure-registry', '--allow-http-registry', '-y', image.identifier],
        { COSIGN_PASSWORD: 'from-packsmith' },
      );
      expect(signed.code, signed.stderr).toBe(0);
      expect((await verify(join(keyDir, 'packsmith.pub'), image.identifier)).code).toBe(0);
    } finally {
      await removeDir(keyDir);
    }
  });
});
