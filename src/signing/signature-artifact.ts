/**
 * cosign's signature and attestation artifacts (the tag scheme): an OCI image manifest at tag
 * `sha256-<hex>.sig` (or `.att`) in the signed image's repository, one layer per signature, each
 * layer's blob the signed payload and its annotations the signature. Signing again appends a layer
 * to what is there, so signatures made by other keys or tools survive.
 */
import { Readable } from 'node:stream';
import type { ConfigFile, Descriptor, Digest, Image, IoOptions, Layer } from '../oci/index.ts';
import { digestAlgorithm, digestHex, imageFromData, layerFromDescriptor, mediaTypes, sha256Digest } from '../oci/index.ts';
import { byteChunk } from '../shared/index.ts';
import { VerificationError } from './errors.ts';

/** Media types of cosign's artifact layers. */
export const cosignMediaTypes = {
  simpleSigning: 'application/vnd.dev.cosign.simplesigning.v1+json',
  dsseEnvelope: 'application/vnd.dsse.envelope.v1+json',
} as const;

/** Layer annotations cosign reads. */
export const cosignAnnotations = {
  /** base64 signature of the layer's payload (empty for attestations, whose envelope carries it). */
  signature: 'dev.cosignproject.cosign/signature',
  /** The in-toto predicate type of an attestation layer. */
  predicateType: 'predicateType',
} as const;

function artifactTag(digest: Digest, suffix: 'sig' | 'att'): string {
  return `${digestAlgorithm(digest)}-${digestHex(digest)}.${suffix}`;
}

/** The tag cosign stores the signatures of the image `digest` under. */
export function signatureTag(digest: Digest): string {
  return artifactTag(digest, 'sig');
}

/** The tag cosign stores the attestations of the image `digest` under. */
export function attestationTag(digest: Digest): string {
  return artifactTag(digest, 'att');
}

/** One signature layer to add: its payload and the annotations that carry the signature. */
export interface ArtifactEntry {
  payload: Uint8Array;
  mediaType: string;
  annotations: Readonly<Record<string, string>>;
}

/** A layer of an existing artifact, read back: its descriptor (with annotations) and handle. */
export interface ArtifactLayer {
  descriptor: Descriptor;
  layer: Layer;
}

/** The layers of an existing signature or attestation manifest, with their annotations. */
export async function artifactLayers(artifact: Image, io: IoOptions = {}): Promise<ArtifactLayer[]> {
  const [manifest, layers] = await Promise.all([artifact.manifest(io), artifact.layers(io)]);
  return manifest.layers.flatMap((descriptor, i) => {
    const layer = layers[i];
    return layer ? [{ descriptor, layer }] : [];
  });
}

function payloadLayer(entry: ArtifactEntry): ArtifactLayer {
  const payload = Buffer.from(entry.payload);
  const digest = sha256Digest(payload);
  const descriptor: Descriptor = { mediaType: entry.mediaType, digest, size: payload.length, annotations: { ...entry.annotations } };
  // The payload is stored uncompressed, so its diffId is its digest (as in cosign's config).
  const layer = layerFromDescriptor({ descriptor, diffId: digest, open: () => Promise.resolve(Readable.from([payload])) });
  return { descriptor, layer };
}

/** What cosign's artifact config holds: no platform, zero timestamps, one diffId per layer. */
function artifactConfig(diffIds: Digest[]): ConfigFile {
  const zeroTime = '0001-01-01T00:00:00Z';
  return {
    created: zeroTime,
    architecture: '',
    os: '',
    config: {},
    rootfs: { type: 'layers', diff_ids: diffIds },
    history: diffIds.map(() => ({ created: zeroTime })),
  };
}

/** Options of `artifactWith`. */
export interface ArtifactOptions extends IoOptions {
  /** Docker v2 schema 2 manifest and config media types instead of OCI's (cosign's COSIGN_DOCKER_MEDIA_TYPES, for registries without OCI support). */
  dockerMediaTypes?: boolean;
}

/**
 * The artifact manifest after adding `entry` to the layers already there (none for a new
 * artifact). Same layers, same bytes: the manifest is encoded canonically.
 */
export async function artifactWith(existing: readonly ArtifactLayer[], entry: ArtifactEntry, options: ArtifactOptions = {}): Promise<Image> {
  const layers = [...existing, payloadLayer(entry)];
  const diffIds = await Promise.all(layers.map((l) => l.layer.diffId(options)));
  const [manifestType, configType] = options.dockerMediaTypes
    ? [mediaTypes.dockerManifest, mediaTypes.dockerConfig]
    : [mediaTypes.ociManifest, mediaTypes.ociConfig];
  return imageFromData({
    manifest: { schemaVersion: 2, mediaType: manifestType, config: { mediaType: configType }, layers: layers.map((l) => l.descriptor) },
    config: artifactConfig(diffIds),
    layers: layers.map((l) => l.layer),
  });
}

/** The largest payload read: signatures and attestations are small JSON documents, and a manifest may lie. */
export const maxPayloadBytes = 4 * 1024 * 1024;

/** The bytes of an artifact layer's payload, read whole and checked against its digest; VerificationError above `maxPayloadBytes`. */
export async function readPayload(layer: Layer, io: IoOptions = {}): Promise<Uint8Array> {
  const size = await layer.size(io);
  if (size > maxPayloadBytes) throw new VerificationError(`artifact layer of ${size} bytes is larger than a signature payload can be (${maxPayloadBytes})`);
  const chunks: Buffer[] = [];
  for await (const chunk of await layer.compressed(io)) chunks.push(Buffer.from(byteChunk(chunk)));
  return Buffer.concat(chunks);
}
