/**
 * Derives a full Layer from a minimal core, as go-containerregistry's `partial` does: a core that
 * can open the compressed blob (a file, a registry response) or one that can produce the tar (a
 * generated layer). Whatever metadata the core does not know is computed in one streaming pass and
 * memoised; every stream handed out is verified against the digests while it flows.
 */
import { addAbortSignal, pipeline, Transform, Writable, type Readable, type TransformCallback } from 'node:stream';
import { pipeline as pipelineAsync } from 'node:stream/promises';
import { createHash, type Hash } from 'node:crypto';
import * as zlib from 'node:zlib';
import { isAppError, memoize, messageOf } from '../shared/index.ts';
import { DigestingStream, type Digest } from './digest.ts';
import { DigestMismatchError, OciFormatError } from './errors.ts';
import type { BlobLocation, IoOptions, Layer } from './image.ts';
import type { MediaType } from './media-types.ts';

/** How a layer blob is compressed. */
export type LayerCompression = 'gzip' | 'zstd' | 'none';

/**
 * The compression a layer media type implies: `+gzip` / `.tar.gzip` → gzip, `+zstd` → zstd, a bare
 * `.tar` → none. Throws OciFormatError for media types that do not name a tar layer.
 */
export function compressionOf(mediaType: MediaType): LayerCompression {
  const compression = tarCompressionOf(mediaType);
  if (compression === undefined) throw new OciFormatError(`media type "${mediaType}" is not a tar layer`);
  return compression;
}

/** The compression of a tar layer media type; undefined for any other blob (an artifact's payload, say). */
function tarCompressionOf(mediaType: MediaType): LayerCompression | undefined {
  if (mediaType.endsWith('+gzip') || mediaType.endsWith('.tar.gzip')) return 'gzip';
  if (mediaType.endsWith('+zstd') || mediaType.endsWith('.tar.zstd')) return 'zstd';
  if (mediaType.endsWith('.tar')) return 'none';
  return undefined;
}

/** A new stream that turns the compressed bytes of `compression` into the tar (identity for `none`). */
export function createDecompressor(compression: LayerCompression): Transform {
  if (compression === 'gzip') return zlib.createGunzip();
  if (compression === 'none') return new Transform({ transform: (chunk: Buffer, _e, callback) => callback(null, chunk) });
  // zlib gained zstd in Node 22.15 / 23.8; the guard keeps a clear error on runtimes without it.
  if (!('createZstdDecompress' in zlib)) throw new OciFormatError('this Node.js runtime cannot decompress zstd layers');
  return zlib.createZstdDecompress();
}

/** What a verifying stream expects to see; unknown parts are not checked. */
export interface ExpectedContent {
  /** Names the content in error messages, e.g. `layer sha256:… (compressed)`. */
  what: string;
  digest?: Digest;
  size?: number;
}

/**
 * A pass-through stream that fails with DigestMismatchError when the bytes exceed the expected size
 * (as soon as that happens) or, at the end, when the size or sha256 digest differ from `expected`.
 */
export function createVerifyingStream(expected: ExpectedContent): Transform {
  const hash: Hash = createHash('sha256');
  let size = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
      size += chunk.length;
      if (expected.size !== undefined && size > expected.size) {
        callback(new DigestMismatchError(`${expected.what} size`, String(expected.size), `more than ${expected.size} bytes`));
        return;
      }
      hash.update(chunk);
      callback(null, chunk);
    },
    flush(callback: TransformCallback): void {
      const actual: Digest = `sha256:${hash.digest('hex')}`;
      if (expected.size !== undefined && size !== expected.size) {
        callback(new DigestMismatchError(`${expected.what} size`, String(expected.size), String(size)));
      } else if (expected.digest !== undefined && actual !== expected.digest) {
        callback(new DigestMismatchError(`${expected.what} digest`, expected.digest, actual));
      } else {
        callback();
      }
    },
  });
}

/**
 * Connects `streams` and returns the last one; an error anywhere destroys the whole chain and
 * surfaces on the returned stream, so its reader sees every failure.
 */
export function chainStreams(first: Readable, ...rest: Transform[]): Readable {
  const last = rest.at(-1);
  if (last === undefined) return first;
  // The callback form is used only to connect the streams: the error already reaches the last one.
  pipeline([first, ...rest], () => undefined);
  return last;
}

/** Digests of a layer: compressed `digest` and `size`, and `diffId` of the tar. */
export interface LayerDigests {
  digest: Digest;
  size: number;
  diffId: Digest;
}

function discard(): Writable {
  return new Writable({ write: (_chunk, _encoding, callback) => callback() });
}

/** Hashes a compressed blob and its decompressed tar in one pass (one read of `source`). */
export async function digestCompressedStream(source: Readable, compression: LayerCompression, options: IoOptions = {}): Promise<LayerDigests> {
  const outer = new DigestingStream();
  const inner = new DigestingStream();
  try {
    await pipelineAsync([source, outer, createDecompressor(compression), inner, discard()], { signal: options.signal });
  } catch (error) {
    if (isAppError(error) || options.signal?.aborted) throw error;
    throw new OciFormatError(`cannot read ${compression} layer: ${messageOf(error)}`, { cause: error });
  }
  return { digest: outer.digest(), size: outer.size, diffId: inner.digest() };
}

/** The minimal core of a layer stored compressed: a way to open the blob and what is already known. */
export interface CompressedLayerCore {
  mediaType: MediaType;
  /** Opens the blob as stored; called once per stream handed out and once for a metadata pass. */
  open(options: IoOptions): Promise<Readable>;
  digest?: Digest;
  size?: number;
  diffId?: Digest;
  locations?: readonly BlobLocation[];
}

/**
 * A Layer over a compressed core. Unknown digest, size or diffId are computed by one streaming pass
 * over `open()` (memoised; a failed pass is retried by the next call). `compressed()` verifies
 * against the digest and size, computing them first when the core did not know them;
 * `uncompressed()` decompresses that verified stream and also checks the diffId when it is known
 * (OciFormatError for a media type that names no tar layer).
 */
export function layerFromCompressed(core: CompressedLayerCore): Layer {
  // A blob that is no tar (cosign's signature payloads, artifacts) is kept as it is stored: its
  // diffId is its digest, as in the configs cosign writes, and it has no uncompressed form.
  const tarCompression = tarCompressionOf(core.mediaType);
  const compression = tarCompression ?? 'none';
  let settled: LayerDigests | undefined;
  const computed = memoizeIo(async (options) => {
    const found = await digestCompressedStream(await core.open(options), compression, options);
    checkKnown(core, found);
    settled = found;
    return found;
  });
  const metadata = async (options: IoOptions = {}): Promise<LayerDigests> => {
    const { digest, size, diffId } = core;
    if (digest !== undefined && size !== undefined && diffId !== undefined) return { digest, size, diffId };
    if (compression === 'none' && digest !== undefined && size !== undefined) return { digest, size, diffId: digest };
    return computed(options);
  };
  const compressed = async (options: IoOptions = {}): Promise<Readable> => {
    const digest = core.digest ?? (await metadata(options)).digest;
    const size = core.size ?? (await metadata(options)).size;
    const what = `layer ${digest} (compressed)`;
    return withSignal(chainStreams(await core.open(options), createVerifyingStream({ what, digest, size })), options);
  };
  return {
    digest: async (options) => core.digest ?? (await metadata(options)).digest,
    size: async (options) => core.size ?? (await metadata(options)).size,
    diffId: async (options) => (await metadata(options)).diffId,
    mediaType: () => Promise.resolve(core.mediaType),
    compressed,
    uncompressed: async (options: IoOptions = {}): Promise<Readable> => {
      if (tarCompression === undefined) throw new OciFormatError(`media type "${core.mediaType}" is not a tar layer`);
      // compressed() may run the metadata pass, so the diffId is looked up after it.
      const blob = await compressed(options);
      const diffId = core.diffId ?? (compression === 'none' ? core.digest : undefined) ?? settled?.diffId;
      const verify = createVerifyingStream({ what: `layer ${diffId ?? ''} (uncompressed)`, digest: diffId });
      return withSignal(chainStreams(blob, createDecompressor(compression), verify), options);
    },
    locations: core.locations ?? [],
  };
}

/** The minimal core of a layer produced as a tar: compression happens here, at a fixed level. */
export interface UncompressedLayerCore {
  /** Produces the tar; must give identical bytes on every call (the digests are computed once). */
  openTar(options: IoOptions): Promise<Readable>;
  compression: 'gzip' | 'none';
  /** zlib gzip level (0-9). */
  level: number;
  mediaType: MediaType;
  locations?: readonly BlobLocation[];
}

/**
 * A Layer over a tar producer. The first metadata call streams tar → sha256 (diffId) → gzip →
 * sha256 (digest) once and memoises the result; no bytes are kept. Each stream handed out
 * regenerates the bytes and is verified against the memoised digests, so a producer that is not
 * deterministic fails with DigestMismatchError instead of publishing a wrong blob. Gzip bytes are
 * stable for one zlib build only (Node writes header mtime 0, no name, OS byte 3).
 */
export function layerFromUncompressed(core: UncompressedLayerCore): Layer {
  const gzip = (): Transform[] => (core.compression === 'gzip' ? [zlib.createGzip({ level: core.level })] : []);
  const metadata = memoizeIo(async (options): Promise<LayerDigests> => {
    const inner = new DigestingStream();
    const outer = new DigestingStream();
    await pipelineAsync([await core.openTar(options), inner, ...gzip(), outer, discard()], { signal: options.signal });
    return { digest: outer.digest(), size: outer.size, diffId: inner.digest() };
  });
  return {
    digest: async (options) => (await metadata(options ?? {})).digest,
    size: async (options) => (await metadata(options ?? {})).size,
    diffId: async (options) => (await metadata(options ?? {})).diffId,
    mediaType: () => Promise.resolve(core.mediaType),
    compressed: async (options: IoOptions = {}): Promise<Readable> => {
      const { digest, size } = await metadata(options);
      const verify = createVerifyingStream({ what: `layer ${digest} (compressed)`, digest, size });
      return withSignal(chainStreams(await core.openTar(options), ...gzip(), verify), options);
    },
    uncompressed: async (options: IoOptions = {}): Promise<Readable> => {
      const { diffId } = await metadata(options);
      const verify = createVerifyingStream({ what: `layer ${diffId} (uncompressed)`, digest: diffId });
      return withSignal(chainStreams(await core.openTar(options), verify), options);
    },
    locations: core.locations ?? [],
  };
}

/**
 * Memoises an I/O computation: the first caller's options (and abort signal) drive it, later
 * callers share its promise, and a rejection is forgotten so that the next call starts afresh.
 */
export function memoizeIo<T>(create: (options: IoOptions) => Promise<T>): (options?: IoOptions) => Promise<T> {
  let current: IoOptions = {};
  const shared = memoize(() => create(current));
  return (options = {}) => {
    current = options;
    return shared();
  };
}

function checkKnown(core: CompressedLayerCore, found: LayerDigests): void {
  const what = `layer ${core.digest ?? found.digest}`;
  if (core.size !== undefined && core.size !== found.size) throw new DigestMismatchError(`${what} size`, String(core.size), String(found.size));
  if (core.digest !== undefined && core.digest !== found.digest) throw new DigestMismatchError(`${what} digest`, core.digest, found.digest);
  if (core.diffId !== undefined && core.diffId !== found.diffId) throw new DigestMismatchError(`${what} diffId`, core.diffId, found.diffId);
}

/** Attaches the caller's abort signal to a stream handed out (no-op without one). */
export function withSignal<T extends Readable>(stream: T, options: IoOptions): T {
  return options.signal === undefined ? stream : addAbortSignal(options.signal, stream);
}
