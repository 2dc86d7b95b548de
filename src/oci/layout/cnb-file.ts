/**
 * `.cnb` files: an OCI image layout packed into an uncompressed tar, as `pack buildpack package
 * --format file` writes it. Reading indexes the tar headers once and streams blobs as byte ranges
 * of the file (no extraction, no buffering: a 1 GiB file costs a few KB of reads to open). Writing
 * produces a deterministic tar: sorted entry names, fixed mtime, uid/gid 0, fixed modes, so the
 * same image always gives the same bytes.
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { once } from 'node:events';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { randomUUID } from 'node:crypto';
import tar from 'tar-stream';
import { NotFoundError, asError, byteChunk } from '../../shared/index.ts';
import { DigestMismatchError } from '../errors.ts';
import type { Image, IoOptions } from '../image.ts';
import { isImageMediaType } from '../media-types.ts';
import { planImageBlobs, type PlannedBlob } from './image-blobs.ts';
import { emptyLayoutIndex, ociLayoutFileContent, refNameAnnotation, serializeLayoutIndex, upsertIndexEntry } from './layout-format.ts';
import { blobPath } from './layout-source.ts';
import { openLayout, type ImageSelectOptions, type OciLayout } from './read-layout.ts';
import { openTarLayoutSource } from './tar-layout-source.ts';

/** Options for `readCnbFile`. */
export interface ReadCnbOptions extends ImageSelectOptions {
  /** A tag or digest; without it the first image-manifest entry of `index.json` is used, as pack does. */
  selector?: string;
}

/** Opens the layout inside the `.cnb` at `path` (indexes its tar headers; reads no blob). */
export async function readCnbLayout(path: string, options: IoOptions = {}): Promise<OciLayout> {
  return openLayout(await openTarLayoutSource(path), options);
}

/**
 * The image in the `.cnb` at `path`: the one `options.selector` names, or else the first entry
 * of `index.json` that is an image manifest (pack's rule), or else the first entry (an index,
 * resolved by platform). The image is lazy and streams its blobs from the file.
 */
export async function readCnbFile(path: string, options: ReadCnbOptions = {}): Promise<Image> {
  const layout = await readCnbLayout(path, options);
  if (options.selector !== undefined) return layout.image(options.selector, options);
  const entries = layout.index().manifests;
  const chosen = entries.find((d) => isImageMediaType(d.mediaType)) ?? entries[0];
  if (chosen === undefined) throw new NotFoundError(`${path} holds no images`);
  return layout.image(chosen.digest, options);
}

/** Options for `writeCnbFile`. */
export interface WriteCnbOptions extends IoOptions {
  /** Recorded as `org.opencontainers.image.ref.name` on the `index.json` entry (pack records none). */
  tag?: string;
}

/** Fixed entry mtime: the same value our deterministic layers use, and what pack's older fixtures carry. */
const fixedMtime = new Date('1980-01-01T00:00:01Z');

/**
 * Writes `image` as a `.cnb` at `path` (through a temp file renamed into place): entries
 * `blobs/`, `blobs/sha256/`, the blobs sorted by name, `index.json`, `oci-layout`.
 */
export async function writeCnbFile(path: string, image: Image, options: WriteCnbOptions = {}): Promise<void> {
  const plan = await planImageBlobs(image, options);
  const entry = options.tag === undefined ? plan.descriptor : { ...plan.descriptor, annotations: { [refNameAnnotation]: options.tag } };
  const indexJson = serializeLayoutIndex(upsertIndexEntry(emptyLayoutIndex(), entry));
  const blobs = [...plan.blobs].sort((a, b) => (blobPath(a.digest) < blobPath(b.digest) ? -1 : 1));
  const temp = `${path}.${randomUUID()}.tmp`;
  const pack = tar.pack();
  const written = pipeline(pack, createWriteStream(temp), { signal: options.signal });
  try {
    const algorithms = [...new Set(blobs.map((b) => b.digest.slice(0, b.digest.indexOf(':'))))].sort();
    await addDirectory(pack, 'blobs/');
    for (const algorithm of algorithms) await addDirectory(pack, `blobs/${algorithm}/`);
    for (const blob of blobs) await addBlob(pack, blob, options);
    await addFile(pack, 'index.json', Buffer.from(indexJson));
    await addFile(pack, 'oci-layout', Buffer.from(ociLayoutFileContent));
    pack.finalize();
    await written;
    await rename(temp, path);
  } catch (error) {
    pack.destroy(asError(error));
    await written.catch(() => undefined);
    throw error;
  } finally {
    await rm(temp, { force: true });
  }
}

function header(name: string, type: 'file' | 'directory', size: number): tar.Header {
  return {
    name,
    type,
    size,
    mode: type === 'file' ? 0o644 : 0o755,
    mtime: fixedMtime,
    uid: 0,
    gid: 0,
    uname: '',
    gname: '',
    linkname: '',
    devmajor: 0,
    devminor: 0,
  };
}

function addDirectory(pack: tar.Pack, name: string): Promise<void> {
  return new Promise((resolve, reject) => pack.entry(header(name, 'directory', 0), (error) => (error ? reject(error) : resolve())));
}

function addFile(pack: tar.Pack, name: string, bytes: Buffer): Promise<void> {
  return new Promise((resolve, reject) => pack.entry(header(name, 'file', bytes.length), bytes, (error) => (error ? reject(error) : resolve())));
}

/** Copies one blob into the archive with backpressure, checking its digest as it passes. */
async function addBlob(pack: tar.Pack, blob: PlannedBlob, options: IoOptions): Promise<void> {
  let finish: (error?: Error | null) => void = () => undefined;
  const done = new Promise<void>((resolve, reject) => {
    finish = (error) => (error ? reject(error) : resolve());
  });
  const sink = pack.entry(header(blobPath(blob.digest), 'file', blob.size), (error) => finish(error));
  const source = await blob.open(options);
  const actual = await copyHashing(source, sink, blob.digest.slice(0, blob.digest.indexOf(':')));
  if (actual !== blob.digest) {
    const mismatch = new DigestMismatchError('blob written to .cnb', blob.digest, actual, { kind: 'permanent' });
    sink.destroy(mismatch);
    throw mismatch;
  }
  // streamx's typings require an argument; undefined ends the entry without writing more.
  sink.end(undefined);
  await done;
}

type Sink = ReturnType<tar.Pack['entry']>;

async function copyHashing(source: Readable, sink: Sink, algorithm: string): Promise<string> {
  const hash = createHash(algorithm);
  for await (const part of source) {
    const chunk = byteChunk(part);
    hash.update(chunk);
    if (!sink.write(chunk)) await once(sink, 'drain');
  }
  return `${algorithm}:${hash.digest('hex')}`;
}
