/**
 * Writing images and indexes into an OCI image layout directory. Blobs are streamed into a temp
 * file beside their final name, verified, then renamed into place, so a crash never leaves a blob
 * whose name lies about its content; blobs already present are skipped. `index.json` is rewritten
 * deterministically and atomically. Two writers updating the same layout's `index.json` at the same
 * time may lose one entry (read-modify-write without a lock); callers serialise writes per layout.
 */
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createLimiter, isNotFoundError } from '../../shared/index.ts';
import { DigestingStream, type Digest } from '../digest.ts';
import { DigestMismatchError } from '../errors.ts';
import type { Descriptor, Image, ImageIndex, IoOptions } from '../image.ts';
import { planImageBlobs, planIndexBlobs, type ImageBlobs, type PlannedBlob } from './image-blobs.ts';
import {
  checkOciLayoutFile,
  emptyLayoutIndex,
  ociLayoutFileContent,
  parseLayoutIndex,
  refNameAnnotation,
  serializeLayoutIndex,
  upsertIndexEntry,
} from './layout-format.ts';
import { blobPath } from './layout-source.ts';

/** Options for `writeLayout` and `writeLayoutIndex`. */
export interface WriteLayoutOptions extends IoOptions {
  /** Recorded as `org.opencontainers.image.ref.name`; an existing entry with the same tag is replaced. */
  tag?: string;
  /** Told about each blob once it is in place: already there (same size, content-addressed) or written. */
  onBlob?: (blob: { digest: Digest; size: number }, state: 'existing' | 'written') => void;
}

/** Blob copies in flight at once: enough to overlap slow sources (a registry) without thrashing a disk. */
const blobConcurrency = 3;

/**
 * Writes `image` into the layout at `dir` (created if needed): its blobs, then an `index.json`
 * entry. Returns the descriptor recorded in `index.json`.
 */
export async function writeLayout(dir: string, image: Image, options: WriteLayoutOptions = {}): Promise<Descriptor> {
  return writePlanned(dir, await planImageBlobs(image, options), options);
}

/** Writes `index` with every child image and nested index into the layout at `dir`, like `writeLayout`. */
export async function writeLayoutIndex(dir: string, index: ImageIndex, options: WriteLayoutOptions = {}): Promise<Descriptor> {
  return writePlanned(dir, await planIndexBlobs(index, options), options);
}

async function writePlanned(dir: string, plan: ImageBlobs, options: WriteLayoutOptions): Promise<Descriptor> {
  await ensureLayoutMarker(dir);
  const limit = createLimiter(blobConcurrency);
  await Promise.all(plan.blobs.map((blob) => limit(() => writeBlob(dir, blob, options))));
  const entry: Descriptor = options.tag === undefined ? plan.descriptor : { ...plan.descriptor, annotations: { [refNameAnnotation]: options.tag } };
  await updateIndex(dir, entry);
  return entry;
}

async function ensureLayoutMarker(dir: string): Promise<void> {
  await mkdir(join(dir, 'blobs', 'sha256'), { recursive: true });
  const path = join(dir, 'oci-layout');
  const existing = await readIfPresent(path);
  if (existing === undefined) await writeAtomically(path, ociLayoutFileContent);
  else checkOciLayoutFile(existing, dir);
}

/** Streams one blob into place unless a file of the right size already holds it (content-addressed, so equal). */
async function writeBlob(dir: string, blob: PlannedBlob, options: WriteLayoutOptions): Promise<void> {
  const target = join(dir, blobPath(blob.digest));
  if ((await sizeIfPresent(target)) === blob.size) {
    options.onBlob?.(blob, 'existing');
    return;
  }
  await mkdir(dirname(target), { recursive: true });
  const temp = `${target}.${randomUUID()}.tmp`;
  try {
    const digesting = new DigestingStream();
    await pipeline(await blob.open(options), digesting, createWriteStream(temp), { signal: options.signal });
    if (digesting.digest() !== blob.digest || digesting.size !== blob.size) {
      throw new DigestMismatchError(`blob written to ${dir}`, `${blob.digest} (${blob.size} bytes)`, `${digesting.digest()} (${digesting.size} bytes)`, {
        kind: 'permanent',
      });
    }
    await rename(temp, target);
    options.onBlob?.(blob, 'written');
  } finally {
    await rm(temp, { force: true });
  }
}

async function updateIndex(dir: string, entry: Descriptor): Promise<void> {
  const path = join(dir, 'index.json');
  const existing = await readIfPresent(path);
  const index = existing === undefined ? emptyLayoutIndex() : parseLayoutIndex(existing, dir);
  await writeAtomically(path, serializeLayoutIndex(upsertIndexEntry(index, entry)));
}

async function writeAtomically(path: string, content: string): Promise<void> {
  const temp = `${path}.${randomUUID()}.tmp`;
  try {
    await writeFile(temp, content);
    await rename(temp, path);
  } finally {
    await rm(temp, { force: true });
  }
}

async function readIfPresent(path: string): Promise<Uint8Array | undefined> {
  try {
    return await readFile(path);
  } catch (error) {
    if (isNotFoundError(error)) return undefined;
    throw error;
  }
}

async function sizeIfPresent(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).size;
  } catch (error) {
    if (isNotFoundError(error)) return undefined;
    throw error;
  }
}
