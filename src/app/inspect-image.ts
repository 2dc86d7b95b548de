/**
 * Image inspection and copying for the CLI: an image's manifest, config and labels (from the
 * manifest and config only), and a copy from one reference to another (registry or layout) that
 * writes nothing when the destination already holds the digest and mounts blobs where it can.
 */
import type { ConfigFile, IoOptions, Keychain, Manifest, Platform } from '../oci/index.ts';
import type { BlobProgress, ImageAccess, ProgressCallback, WriteResult } from './ports.ts';
import { parsePlatform } from '../oci/index.ts';

/** What `image inspect` shows. */
export interface ImageDescription {
  reference: string;
  /** The image pinned by digest (see FetchedImage.identifier). */
  identifier: string;
  digest: string;
  mediaType: string;
  manifest: Manifest;
  config: ConfigFile;
  labels: Record<string, string>;
}

/** What image reads and writes need. */
export interface ImageDeps extends IoOptions {
  images: ImageAccess;
  keychain: Keychain;
  onProgress?: ProgressCallback;
  /** The member to describe when the reference names an index (default linux/amd64). */
  platform?: Platform;
}

/** A platform as users write it (`linux/arm64/v8`); throws OciFormatError naming the expected shape. */
export function parsePlatformText(text: string): Platform {
  return parsePlatform(text);
}

/** The `platform` read option, when one was asked for. */
export function platformOption(deps: { platform?: Platform }): { platform?: Platform } {
  return deps.platform ? { platform: deps.platform } : {};
}

/** Describes the image `reference` names (an index resolves to linux/amd64). */
export async function inspectImage(reference: string, deps: ImageDeps): Promise<ImageDescription> {
  const io = { signal: deps.signal };
  const { image, identifier } = await deps.images.readImage(reference, { keychain: deps.keychain, ...io, ...platformOption(deps) });
  const [digest, mediaType, manifest, config] = await Promise.all([image.digest(io), image.mediaType(io), image.manifest(io), image.configFile(io)]);
  return { reference, identifier, digest, mediaType, manifest, config, labels: { ...(config.config?.Labels ?? {}) } };
}

/** The result of a copy: the write result and how each blob got there. */
export interface CopyResult extends WriteResult {
  source: string;
  blobs: Record<string, BlobProgress['state']>;
}

/** Copies the image `source` names to `destination` (a tag); blobs are streamed, never buffered whole. */
export async function copyImage(source: string, destination: string, deps: ImageDeps): Promise<CopyResult> {
  const { image, identifier } = await deps.images.readImage(source, { keychain: deps.keychain, signal: deps.signal });
  const blobs: Record<string, BlobProgress['state']> = {};
  const result = await deps.images.writeImage(image, destination, {
    keychain: deps.keychain,
    signal: deps.signal,
    onProgress: (progress) => {
      blobs[progress.digest] = progress.state;
      deps.onProgress?.(progress);
    },
  });
  return { ...result, source: identifier, blobs };
}
