/**
 * Layer backings over compressed blobs: a blob file on disk, and a lazy layer whose metadata is
 * known up front (from a manifest and config, or from records kept in status) and whose bytes come
 * from a callback (the registry puller). Both stream; neither ever holds a whole blob in memory.
 */
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import type { Digest } from './digest.ts';
import type { BlobLocation, Descriptor, IoOptions, Layer } from './image.ts';
import type { MediaType } from './media-types.ts';
import { layerFromCompressed } from './partial.ts';

/** What is known about a blob file; unknown digests and size are computed by streaming the file once. */
export interface LayerFileOptions {
  /** A tar layer media type; it decides how `uncompressed()` decompresses (gzip, zstd or none). */
  mediaType: MediaType;
  digest?: Digest;
  diffId?: Digest;
  size?: number;
  locations?: readonly BlobLocation[];
}

/**
 * A layer backed by a compressed blob at `path`. Known digest/size/diffId are trusted for metadata
 * and checked while streaming; unknown ones come from one pass (file → sha256 → decompress →
 * sha256) on first use. The file is read in 64 KiB chunks and must not change while the layer is used.
 */
export function layerFromFile(path: string, options: LayerFileOptions): Layer {
  return layerFromCompressed({
    mediaType: options.mediaType,
    digest: options.digest,
    size: options.size,
    diffId: options.diffId,
    locations: options.locations,
    open: (io) => Promise.resolve(createReadStream(path, { highWaterMark: 64 * 1024, signal: io.signal })),
  });
}

/** Options of `layerFromDescriptor`. */
export interface DescriptorLayerOptions {
  /** Digest, size and media type of the blob (a manifest's layer descriptor). */
  descriptor: Pick<Descriptor, 'mediaType' | 'digest' | 'size'>;
  /** The layer's diffId (the config's `rootfs.diff_ids` entry). */
  diffId: Digest;
  /** Opens the blob as stored; called once per stream asked for (never for metadata). */
  open: (options: IoOptions) => Promise<Readable>;
  /** Where the blob already exists, for cross-repository mounts. */
  locations?: readonly BlobLocation[];
}

/**
 * A lazy layer: metadata calls answer from `descriptor` and `diffId` without I/O; `compressed()`
 * opens the blob and fails with DigestMismatchError if it ends with another digest or overruns or
 * falls short of the size; `uncompressed()` decompresses that and also checks the diffId.
 */
export function layerFromDescriptor(options: DescriptorLayerOptions): Layer {
  const { descriptor } = options;
  return layerFromCompressed({
    mediaType: descriptor.mediaType,
    digest: descriptor.digest,
    size: descriptor.size,
    diffId: options.diffId,
    locations: options.locations,
    open: options.open,
  });
}
