/**
 * Where the files of a layout come from: a directory on disk, or entries inside a tar (`.cnb`).
 * Readers above this interface do not know which; both stream blobs and never buffer layers.
 */
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { NotFoundError, isNotFoundError } from '../../shared/index.ts';
import { digestAlgorithm, digestHex, type Digest } from '../digest.ts';
import type { IoOptions } from '../image.ts';
import { readBounded } from './blob-stream.ts';

/** Read access to one OCI layout, whatever holds it. */
export interface LayoutSource {
  /** Human-readable location used in error messages, e.g. `/tmp/img` or `/tmp/bp.cnb`. */
  readonly description: string;
  /** A top-level file such as `oci-layout` or `index.json`, or undefined when it is absent. */
  readSmallFile(name: string, limit: number, options?: IoOptions): Promise<Uint8Array | undefined>;
  /** A fresh, unverified stream of `blobs/<alg>/<hex>`; throws NotFoundError when the blob is absent. */
  openBlob(digest: Digest, options?: IoOptions): Promise<Readable>;
}

/** The path of a blob relative to the layout root. */
export function blobPath(digest: Digest): string {
  return `blobs/${digestAlgorithm(digest)}/${digestHex(digest)}`;
}

/** A layout stored as a directory tree. */
export class DirectoryLayoutSource implements LayoutSource {
  readonly #dir: string;

  constructor(dir: string) {
    this.#dir = dir;
  }

  get description(): string {
    return this.#dir;
  }

  async readSmallFile(name: string, limit: number, options: IoOptions = {}): Promise<Uint8Array | undefined> {
    const handle = await openIfPresent(join(this.#dir, name));
    if (handle === undefined) return undefined;
    const stream = handle.createReadStream({ signal: options.signal });
    return readBounded(stream, limit, `${this.#dir}/${name}`);
  }

  async openBlob(digest: Digest, options: IoOptions = {}): Promise<Readable> {
    const handle = await openIfPresent(join(this.#dir, blobPath(digest)));
    if (handle === undefined) throw new NotFoundError(`blob ${digest} is missing from layout ${this.#dir}`);
    return handle.createReadStream({ signal: options.signal });
  }
}

type FileHandle = Awaited<ReturnType<typeof open>>;

async function openIfPresent(path: string): Promise<FileHandle | undefined> {
  try {
    return await open(path, 'r');
  } catch (error) {
    if (isNotFoundError(error)) return undefined;
    throw error;
  }
}
