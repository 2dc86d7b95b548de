/**
 * Signs a pushed image the way `cosign sign` and `cosign attest` do with a key file: the
 * simple-signing payload goes to `<repository>:sha256-<hex>.sig` and the DSSE envelope of an
 * in-toto statement to `….att`, each appended to the artifact already there. A signature by the
 * same key over the same payload (or an attestation by the same key of the same statement) counts
 * as done, so an unchanged image is not signed again and its artifacts keep their digests.
 */
import type { Digest, Image, IoOptions, Keychain } from '../oci/index.ts';
import { parseReference, parseRepository, RegistryError, repositoryOf, sha256Digest } from '../oci/index.ts';
import type { ArtifactEntry, ArtifactLayer, SigningKey } from '../signing/index.ts';
import {
  artifactLayers,
  artifactWith,
  attestationTag,
  cosignAnnotations,
  cosignMediaTypes,
  encodeEnvelope,
  inTotoPayloadType,
  openEnvelope,
  readPayload,
  signatureTag,
  signBytes,
  signEnvelope,
  simpleSigningPayload,
  verifyBytes,
} from '../signing/index.ts';
import { AppError, errorKindOf } from '../shared/index.ts';
import type { ImageAccess } from './ports.ts';

/** An in-toto statement to attest, with its predicate type (the layer annotation cosign filters on). */
export interface Attestation {
  statement: Uint8Array;
  predicateType: string;
}

/** What to sign and with what. */
export interface SignImageInput {
  /** `<repository>[:tag]@<digest>` of the pushed image, e.g. a builder record's `latestImage`. */
  image: string;
  key: SigningKey;
  /** Credentials that may read and push in the image's repository. */
  keychain: Keychain;
  /** In-toto statements to attest (provenance, SBOM), each a layer of the `.att` artifact. */
  attestations?: readonly Attestation[];
  /** Where the artifacts go instead of the image's own repository (cosign's COSIGN_REPOSITORY, kpack's `kpack.io/cosign.repository`). */
  artifactRepository?: string;
  /** Docker media types for the artifact manifests (cosign's COSIGN_DOCKER_MEDIA_TYPES, kpack's `kpack.io/cosign.docker-media-types`). */
  dockerMediaTypes?: boolean;
}

/** One artifact after signing: where it is and whether this call pushed it. */
export interface ArtifactOutcome {
  /** `<repository>:<sha256-….sig|.att>@<artifact digest>`. */
  reference: string;
  digest: Digest;
  /** False when the artifact already held this signature (nothing written). */
  pushed: boolean;
}

/** The signature and, when attestations were asked for, the attestation artifact after all of them. */
export interface SignImageOutcome {
  signature: ArtifactOutcome;
  attestation?: ArtifactOutcome;
}

interface ArtifactTarget {
  reference: string;
  keychain: Keychain;
  dockerMediaTypes: boolean;
}

/** An artifact to extend: where, what to add, and how to recognise an equivalent layer already there. */
interface ArtifactUpdate extends ArtifactTarget {
  entry: () => ArtifactEntry;
  alreadyThere: (layer: ArtifactLayer) => Promise<boolean>;
}

/** The layers of the artifact at `reference`, or none when it does not exist yet. */
async function existingLayers(images: ImageAccess, target: ArtifactTarget, io: IoOptions): Promise<{ image?: Image; layers: ArtifactLayer[] }> {
  try {
    const { image } = await images.readImage(target.reference, { keychain: target.keychain, ...io });
    return { image, layers: await artifactLayers(image, io) };
  } catch (error) {
    if (error instanceof RegistryError && error.isNotFound) return { layers: [] };
    throw error;
  }
}

/** Appends `entry` unless `alreadyThere` finds an equivalent layer; either way the artifact's digest. */
async function appendUnlessPresent(images: ImageAccess, target: ArtifactUpdate, io: IoOptions): Promise<ArtifactOutcome> {
  const existing = await existingLayers(images, target, io);
  for (const layer of existing.layers) {
    if (existing.image && (await target.alreadyThere(layer))) {
      const digest = await existing.image.digest(io);
      return { reference: `${target.reference}@${digest}`, digest, pushed: false };
    }
  }
  const artifact = await artifactWith(existing.layers, target.entry(), { ...io, dockerMediaTypes: target.dockerMediaTypes });
  const written = await images.writeImage(artifact, target.reference, { keychain: target.keychain, ...io });
  return { reference: `${target.reference}@${written.digest}`, digest: written.digest, pushed: written.pushed };
}

function signatureEntry(key: SigningKey, payload: Uint8Array): ArtifactEntry {
  return { payload, mediaType: cosignMediaTypes.simpleSigning, annotations: { [cosignAnnotations.signature]: signBytes(key.privateKey, payload) } };
}

function attestationEntry(key: SigningKey, attestation: Attestation): ArtifactEntry {
  const envelope = signEnvelope(key.privateKey, inTotoPayloadType, attestation.statement);
  return {
    payload: encodeEnvelope(envelope),
    mediaType: cosignMediaTypes.dsseEnvelope,
    // cosign writes an empty signature annotation on attestation layers: the envelope carries it.
    annotations: { [cosignAnnotations.signature]: '', [cosignAnnotations.predicateType]: attestation.predicateType },
  };
}

/** True when `layer` is `key`'s attestation of exactly `statement`. */
async function attestsSame(layer: ArtifactLayer, key: SigningKey, statement: Uint8Array, io: IoOptions): Promise<boolean> {
  if (layer.descriptor.mediaType !== cosignMediaTypes.dsseEnvelope) return false;
  try {
    return Buffer.from(openEnvelope(await readPayload(layer.layer, io), key.publicKey, inTotoPayloadType)).equals(statement);
  } catch (error) {
    // Another key's or a damaged envelope is not ours and stays as it is; a registry fault is no answer.
    if (['transient', 'cancelled'].includes(errorKindOf(error))) throw error;
    return false;
  }
}

/** The repository and digest `image` pins; a permanent AppError when it has no digest. */
export function pinnedImage(image: string): { repository: string; digest: Digest } {
  const ref = parseReference(image);
  if (ref.digest === undefined) throw new AppError('IMAGE_NOT_PINNED', `${image} names no digest: only an image pinned by digest can be signed or verified`);
  return { repository: repositoryOf(ref), digest: ref.digest };
}

/** Signs (and attests) the image; see the module comment. */
export async function signImage(input: SignImageInput, deps: IoOptions & { images: ImageAccess }): Promise<SignImageOutcome> {
  const io = { signal: deps.signal };
  const { repository, digest } = pinnedImage(input.image);
  const payload = simpleSigningPayload(repository, digest);
  const payloadDigest = sha256Digest(payload);
  const artifacts = input.artifactRepository === undefined ? repository : repositoryOf(parseRepository(input.artifactRepository));
  const dockerMediaTypes = input.dockerMediaTypes === true;
  const signature = await appendUnlessPresent(
    deps.images,
    {
      reference: `${artifacts}:${signatureTag(digest)}`,
      keychain: input.keychain,
      dockerMediaTypes,
      entry: () => signatureEntry(input.key, payload),
      alreadyThere: (layer) => {
        const sig = layer.descriptor.annotations?.[cosignAnnotations.signature];
        return Promise.resolve(layer.descriptor.digest === payloadDigest && sig !== undefined && verifyBytes(input.key.publicKey, payload, sig));
      },
    },
    io,
  );
  let attested: ArtifactOutcome | undefined;
  // One at a time: each appends to the artifact the previous one left.
  for (const attestation of input.attestations ?? []) {
    const outcome = await appendUnlessPresent(
      deps.images,
      {
        reference: `${artifacts}:${attestationTag(digest)}`,
        keychain: input.keychain,
        dockerMediaTypes,
        entry: () => attestationEntry(input.key, attestation),
        alreadyThere: (layer) => attestsSame(layer, input.key, attestation.statement, io),
      },
      io,
    );
    attested = { ...outcome, pushed: outcome.pushed || attested?.pushed === true };
  }
  return attested ? { signature, attestation: attested } : { signature };
}
