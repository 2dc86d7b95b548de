/**
 * Checks what `signImage` (or cosign) stored for an image against a public key, as `cosign verify`
 * and `cosign verify-attestation` do without a transparency log: a simple-signing layer of the
 * `.sig` artifact whose signature verifies and whose payload names the image's digest, and a DSSE
 * layer of the `.att` artifact whose envelope verifies and whose in-toto statement has the image's
 * digest as subject. Returns the provenance statement's inputs so callers can show them.
 */
import type { KeyObject } from 'node:crypto';
import type { Digest, IoOptions, Keychain, Layer } from '../oci/index.ts';
import { parseRepository, RegistryError, repositoryOf, sha256Digest } from '../oci/index.ts';
import type { ArtifactLayer } from '../signing/index.ts';
import {
  artifactLayers,
  attestationTag,
  cosignAnnotations,
  cosignMediaTypes,
  inTotoPayloadType,
  openEnvelope,
  readPayload,
  readPublicKey,
  signatureTag,
  signedDigestOf,
  verifyBytes,
  VerificationError,
} from '../signing/index.ts';
import { errorKindOf, isArray, isJsonObject } from '../shared/index.ts';
import { provenanceTypes, type ResolvedDependency } from './builder-provenance.ts';
import type { ImageAccess } from './ports.ts';
import { pinnedImage } from './sign-image.ts';

/** What to verify. */
export interface VerifyImageInput {
  /** Any reference to the image (a tag is resolved to its digest first). */
  image: string;
  /** The `PUBLIC KEY` PEM (cosign.pub). */
  publicKeyPem: string;
  keychain: Keychain;
  /** Where the artifacts are when not beside the image (cosign's COSIGN_REPOSITORY). */
  artifactRepository?: string;
}

/** The provenance an attestation carries. */
export interface VerifiedProvenance {
  predicateType: string;
  builderId: string;
  builderVersion: Record<string, string>;
  dependencies: ResolvedDependency[];
  /** The Builder's kind, name and spec, as the statement recorded them. */
  externalParameters: unknown;
  /** The resolved order and the like. */
  internalParameters: unknown;
}

/** The verified image: `<repository>@<digest>`, how many signatures by the key matched, its provenance. */
export interface VerifiedImage {
  identifier: string;
  signatures: number;
  provenance: VerifiedProvenance;
}

async function layersAt(images: ImageAccess, reference: string, keychain: Keychain, io: IoOptions): Promise<ArtifactLayer[]> {
  try {
    return await artifactLayers((await images.readImage(reference, { keychain, ...io })).image, io);
  } catch (error) {
    if (error instanceof RegistryError && error.isNotFound) return [];
    throw error;
  }
}

/** A layer that does not verify (bad signature, damaged or oversized payload, not JSON), as opposed to a registry fault. */
function isUnverifiable(error: unknown): boolean {
  return error instanceof VerificationError || error instanceof SyntaxError || errorKindOf(error) === 'permanent';
}

/** True when the layer's payload is the descriptor's, its signature is the key's, and it names `digest`; a damaged or oversized layer is not. */
async function signs(layer: Layer, blobDigest: string, signature: string, check: { key: KeyObject; digest: Digest; io: IoOptions }): Promise<boolean> {
  try {
    const payload = await readPayload(layer, check.io);
    return sha256Digest(payload) === blobDigest && verifyBytes(check.key, payload, signature) && signedDigestOf(payload) === check.digest;
  } catch (error) {
    if (isUnverifiable(error)) return false;
    throw error;
  }
}

async function verifiedSignatures(layers: readonly ArtifactLayer[], key: KeyObject, digest: Digest, io: IoOptions): Promise<number> {
  let count = 0;
  for (const { descriptor, layer } of layers) {
    const signature = descriptor.annotations?.[cosignAnnotations.signature];
    if (descriptor.mediaType !== cosignMediaTypes.simpleSigning || !signature) continue;
    if (await signs(layer, descriptor.digest, signature, { key, digest, io })) count++;
  }
  return count;
}

const objectAt = (value: unknown, field: string): Record<string, unknown> => {
  const inner = isJsonObject(value) ? value[field] : undefined;
  return isJsonObject(inner) ? inner : {};
};

function dependenciesOf(value: unknown): ResolvedDependency[] {
  if (!isArray(value)) return [];
  return value.flatMap((d) => {
    if (!isJsonObject(d) || typeof d.name !== 'string' || typeof d.uri !== 'string' || !isJsonObject(d.digest)) return [];
    const digest = Object.fromEntries(Object.entries(d.digest).filter((e): e is [string, string] => typeof e[1] === 'string'));
    const annotations = isJsonObject(d.annotations)
      ? Object.fromEntries(Object.entries(d.annotations).filter((e): e is [string, string] => typeof e[1] === 'string'))
      : undefined;
    return [{ name: d.name, uri: d.uri, digest, ...(annotations ? { annotations } : {}) }];
  });
}

/** The provenance in `statement` when it is SLSA v1 about `digest`; undefined otherwise. */
function provenanceOf(statement: unknown, digest: Digest): VerifiedProvenance | undefined {
  if (!isJsonObject(statement) || statement.predicateType !== provenanceTypes.slsaProvenanceV1 || !isArray(statement.subject)) return undefined;
  const about = statement.subject.some((s) => objectAt(s, 'digest').sha256 === digest.replace(/^sha256:/, ''));
  if (!about) return undefined;
  const definition = objectAt(statement.predicate, 'buildDefinition');
  const builder = objectAt(objectAt(statement.predicate, 'runDetails'), 'builder');
  const version = objectAt(builder, 'version');
  return {
    predicateType: statement.predicateType,
    builderId: typeof builder.id === 'string' ? builder.id : '',
    builderVersion: Object.fromEntries(Object.entries(version).filter((e): e is [string, string] => typeof e[1] === 'string')),
    dependencies: dependenciesOf(definition.resolvedDependencies),
    externalParameters: definition.externalParameters,
    internalParameters: definition.internalParameters,
  };
}

async function verifiedProvenance(layers: readonly ArtifactLayer[], key: KeyObject, digest: Digest, io: IoOptions): Promise<VerifiedProvenance | undefined> {
  for (const { descriptor, layer } of layers) {
    if (descriptor.mediaType !== cosignMediaTypes.dsseEnvelope) continue;
    let statement: unknown;
    try {
      statement = JSON.parse(new TextDecoder().decode(openEnvelope(await readPayload(layer, io), key, inTotoPayloadType)));
    } catch (error) {
      // Another key's envelope, or one that is damaged or not JSON: keep looking. A registry fault is not an answer.
      if (isUnverifiable(error)) continue;
      throw error;
    }
    const provenance = provenanceOf(statement, digest);
    if (provenance) return provenance;
  }
  return undefined;
}

/** Verifies signature and provenance; VerificationError (permanent) saying which is missing. */
export async function verifyImage(input: VerifyImageInput, deps: IoOptions & { images: ImageAccess }): Promise<VerifiedImage> {
  const io = { signal: deps.signal };
  const key = readPublicKey(input.publicKeyPem);
  const { identifier } = await deps.images.readImage(input.image, { keychain: input.keychain, ...io });
  const pinned = pinnedImage(identifier);
  const { digest } = pinned;
  const repository = input.artifactRepository === undefined ? pinned.repository : repositoryOf(parseRepository(input.artifactRepository));
  const signatures = await verifiedSignatures(await layersAt(deps.images, `${repository}:${signatureTag(digest)}`, input.keychain, io), key, digest, io);
  if (signatures === 0) throw new VerificationError(`${identifier}: no signature verifies with the given key`);
  const provenance = await verifiedProvenance(await layersAt(deps.images, `${repository}:${attestationTag(digest)}`, input.keychain, io), key, digest, io);
  if (!provenance) throw new VerificationError(`${identifier}: signed, but no SLSA v1 provenance attestation about it verifies with the given key`);
  return { identifier, signatures, provenance };
}
