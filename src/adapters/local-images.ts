/**
 * Images in local OCI layouts (`oci:PATH[:TAG]`, `oci:PATH@DIGEST`) and `.cnb` files (`PATH.cnb`,
 * `file:PATH`, either optionally `@DIGEST`): reading them lazily, writing to a layout under a tag
 * (skipped when the tag already names the digest), and lazy layers that stream one stored blob.
 * Writes to one layout are serialised (per LayoutLocks), because `index.json` is rewritten whole.
 */
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { FetchedImage, FetchedPlatformImage, ProgressCallback, StoredBlob, WriteResult } from '../app/index.ts';
import type { Digest, Image, ImageIndex, IoOptions, Layer, Platform } from '../oci/index.ts';
import {
  digestAlgorithm,
  digestHex,
  findLayerByDigest,
  isDigest,
  layerFromDescriptor,
  mediaTypes,
  parseLayoutReference,
  platformOfConfig,
  readCnbFile,
  readLayout,
  refNameAnnotation,
  writeLayout,
  writeLayoutIndex,
} from '../oci/index.ts';
import { NotFoundError, ValidationError, createLimiter, isNotFoundError } from '../shared/index.ts';
import { storedBlobDigests } from './stored-blob.ts';

/** A parsed local reference. */
export type LocalReference = { kind: 'oci-layout'; path: string; tag?: string; digest?: Digest } | { kind: 'cnb-file'; path: string; digest?: Digest };

/** The local reference `reference` names, or undefined for a registry reference. */
export function parseLocalReference(reference: string): LocalReference | undefined {
  const at = reference.lastIndexOf('@');
  const tail = reference.slice(at + 1);
  if (at > 0 && isDigest(tail) && !reference.startsWith('oci:')) {
    const head = parseLayoutReference(reference.slice(0, at));
    if (head?.kind === 'cnb-file') return { ...head, digest: tail };
  }
  return parseLayoutReference(reference);
}

/** Reads the image a local reference names; the identifier pins it by digest in the same syntax. */
export async function readLocalImage(local: LocalReference, io: IoOptions & { platform?: Platform } = {}): Promise<FetchedImage> {
  if (local.kind === 'cnb-file') {
    const image = await readCnbFile(local.path, { ...io, selector: local.digest });
    const name = local.path.endsWith('.cnb') ? local.path : `file:${local.path}`;
    return { image, identifier: `${name}@${await image.digest(io)}` };
  }
  const layout = await readLayout(local.path, io);
  const image = await layout.image(local.digest ?? local.tag, { ...io, ...(io.platform ? { platform: io.platform } : {}) });
  return { image, identifier: `oci:${local.path}@${await image.digest(io)}` };
}

/** Every image a local reference names, one per platform (a `.cnb` file holds one). */
export async function readLocalImages(local: LocalReference, io: IoOptions = {}): Promise<FetchedPlatformImage[]> {
  if (local.kind === 'cnb-file') {
    const fetched = await readLocalImage(local, io);
    return [{ ...fetched, platform: platformOfConfig(await fetched.image.configFile(io)) }];
  }
  const layout = await readLayout(local.path, io);
  const members = await layout.platformImages(local.digest ?? local.tag, io);
  return Promise.all(members.map(async ({ platform, image }) => ({ platform, image, identifier: `oci:${local.path}@${await image.digest(io)}` })));
}

/** One writer at a time per layout directory: `index.json` is rewritten whole, so concurrent writes would lose entries. */
export class LayoutLocks {
  readonly #locks = new Map<string, <T>(task: () => Promise<T>) => Promise<T>>();

  /** Runs `task` once no other task for `path` is running. */
  run<T>(path: string, task: () => Promise<T>): Promise<T> {
    let limit = this.#locks.get(path);
    if (!limit) {
      limit = createLimiter(1);
      this.#locks.set(path, limit);
    }
    return limit(task);
  }
}

async function taggedDigest(path: string, tag: string, io: IoOptions): Promise<string | undefined> {
  try {
    const layout = await readLayout(path, io);
    return layout.index().manifests.find((d) => d.annotations?.[refNameAnnotation] === tag)?.digest;
  } catch (error) {
    if (error instanceof NotFoundError || isNotFoundError(error)) return undefined;
    throw error;
  }
}

type LocalWriteOptions = IoOptions & { tags?: readonly string[]; locks: LayoutLocks; onProgress?: ProgressCallback };

/** Writes `image` into the layout under its tag (and `tags`), unless the tag already names it. */
export async function writeLocalImage(image: Image, local: LocalReference, options: LocalWriteOptions): Promise<WriteResult> {
  return writeLocal(image, local, options, (path, tag, extra) => writeLayout(path, image, { ...options, tag, ...extra }));
}

/** Writes `index` and its images into the layout under its tag (and `tags`), unless the tag already names it. */
export async function writeLocalIndex(index: ImageIndex, local: LocalReference, options: LocalWriteOptions): Promise<WriteResult> {
  return writeLocal(index, local, options, (path, tag, extra) => writeLayoutIndex(path, index, { ...options, tag, ...extra }));
}

type BlobCallback = (blob: { digest: Digest; size: number }, state: 'existing' | 'written') => void;

async function writeLocal(
  image: Pick<Image, 'digest'>,
  local: LocalReference,
  options: LocalWriteOptions,
  write: (path: string, tag: string, extra: { onBlob?: BlobCallback }) => Promise<unknown>,
): Promise<WriteResult> {
  if (local.kind !== 'oci-layout' || local.tag === undefined) {
    throw new ValidationError([{ path: 'reference', message: 'local images are written to an OCI layout with a tag: oci:PATH:TAG' }]);
  }
  const tag = local.tag;
  const digest = await image.digest(options);
  const identifier = `oci:${local.path}@${digest}`;
  return options.locks.run(local.path, async () => {
    if ((await taggedDigest(local.path, tag, options)) === digest) return { identifier, digest, pushed: false };
    const onBlob = (blob: { digest: Digest; size: number }, state: 'existing' | 'written'): void =>
      options.onProgress?.({
        digest: blob.digest,
        size: blob.size,
        sent: state === 'written' ? blob.size : 0,
        state: state === 'written' ? 'uploaded' : 'existing',
      });
    // The blobs are in place after the first tag; the other tags only add index entries.
    await write(local.path, tag, { onBlob });
    for (const name of options.tags ?? []) await write(local.path, name, {});
    return { identifier, digest, pushed: true };
  });
}

/** A lazy layer for a blob of a local image: metadata from `blob`, bytes from the layout's blob file or the `.cnb`. */
export function localLazyLayer(blob: StoredBlob, local: LocalReference): Layer {
  const { digest, diffId } = storedBlobDigests(blob);
  const open = async (io: IoOptions): Promise<Readable> => {
    if (local.kind === 'oci-layout') {
      return createReadStream(join(local.path, 'blobs', digestAlgorithm(digest), digestHex(digest)), { signal: io.signal });
    }
    const { image } = await readLocalImage(local, io);
    const layer = await findLayerByDigest(image, digest, io);
    if (!layer) throw new NotFoundError(`${local.path} has no layer ${digest}`);
    return layer.compressed(io);
  };
  return layerFromDescriptor({
    descriptor: { mediaType: mediaTypes.ociLayerGzip, digest, size: blob.size },
    diffId,
    open,
  });
}
