/**
 * The blobs an image or index consists of, as a flat, de-duplicated list of descriptors with a way
 * to open each. Shared by the directory writer and the `.cnb` writer so both store the same set.
 */
import { Readable } from 'node:stream';
import type { Digest } from '../digest.ts';
import { sha256Digest } from '../digest.ts';
import { DigestMismatchError, OciFormatError } from '../errors.ts';
import type { Descriptor, Image, ImageIndex, IoOptions } from '../image.ts';
import { isImageMediaType, isIndexMediaType, type MediaType } from '../media-types.ts';

/** One blob to store: its identity, and a function giving a fresh stream of its bytes. */
export interface PlannedBlob {
  digest: Digest;
  size: number;
  open(options?: IoOptions): Promise<Readable>;
}

/** The blobs of one image (layers, config, manifest) plus the descriptor `index.json` should list. */
export interface ImageBlobs {
  blobs: PlannedBlob[];
  descriptor: Descriptor;
}

/** Lists every blob of `image` (layers first, then config, then manifest), checking the config and manifest digests. */
export async function planImageBlobs(image: Image, options: IoOptions = {}): Promise<ImageBlobs> {
  const manifest = await image.manifest(options);
  const rawConfig = await image.rawConfigFile(options);
  checkDigest('config', manifest.config.digest, rawConfig);
  const layers = await image.layers(options);
  if (layers.length !== manifest.layers.length) {
    throw new OciFormatError(`image has ${layers.length} layers but its manifest lists ${manifest.layers.length}`);
  }
  const blobs: PlannedBlob[] = await Promise.all(
    layers.map(async (layer) => ({
      digest: await layer.digest(options),
      size: await layer.size(options),
      open: (o?: IoOptions) => layer.compressed(o),
    })),
  );
  blobs.push(inMemoryBlob(manifest.config.digest, rawConfig));
  const rawManifest = await image.rawManifest(options);
  const descriptor = bytesDescriptor(await image.mediaType(options), rawManifest);
  blobs.push(inMemoryBlob(descriptor.digest, rawManifest));
  return { blobs: dedupe(blobs), descriptor };
}

/** Lists every blob of `index` and of all its children (images and nested indexes), depth first. */
export async function planIndexBlobs(index: ImageIndex, options: IoOptions = {}): Promise<ImageBlobs> {
  const manifest = await index.indexManifest(options);
  const blobs: PlannedBlob[] = [];
  for (const child of manifest.manifests) {
    blobs.push(...(await planChild(index, child, options)).blobs);
  }
  const raw = await index.rawManifest(options);
  const descriptor = bytesDescriptor(await index.mediaType(options), raw);
  blobs.push(inMemoryBlob(descriptor.digest, raw));
  return { blobs: dedupe(blobs), descriptor };
}

async function planChild(index: ImageIndex, child: Descriptor, options: IoOptions): Promise<ImageBlobs> {
  if (isImageMediaType(child.mediaType)) return planImageBlobs(await index.image(child.digest, options), options);
  if (isIndexMediaType(child.mediaType)) return planIndexBlobs(await index.imageIndex(child.digest, options), options);
  throw new OciFormatError(`index child ${child.digest} has media type ${child.mediaType}, which cannot be written to a layout`);
}

function bytesDescriptor(mediaType: MediaType, bytes: Uint8Array): Descriptor {
  return { mediaType, digest: sha256Digest(bytes), size: bytes.length };
}

function inMemoryBlob(digest: Digest, bytes: Uint8Array): PlannedBlob {
  return { digest, size: bytes.length, open: () => Promise.resolve(Readable.from([Buffer.from(bytes)])) };
}

function checkDigest(what: string, expected: Digest, bytes: Uint8Array): void {
  const actual = sha256Digest(bytes);
  if (actual !== expected) throw new DigestMismatchError(what, expected, actual, { kind: 'permanent' });
}

function dedupe(blobs: PlannedBlob[]): PlannedBlob[] {
  const seen = new Map<Digest, PlannedBlob>();
  for (const blob of blobs) if (!seen.has(blob.digest)) seen.set(blob.digest, blob);
  return [...seen.values()];
}
