/**
 * A LayoutSource over an OCI layout packed in an uncompressed tar (a `.cnb` file). The archive is
 * indexed once by scanning its headers; each blob read is then a byte-range stream of the file, so
 * nothing is extracted and no blob is held in memory.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { NotFoundError, isNotFoundError } from '../../shared/index.ts';
import type { Digest } from '../digest.ts';
import type { IoOptions } from '../image.ts';
import { readBounded } from './blob-stream.ts';
import { blobPath, type LayoutSource } from './layout-source.ts';
import { indexTarEntries, normalizeName, type TarEntryRange } from './tar-entries.ts';

/** A layout inside a tar file, with the entry index built by `openTarLayoutSource`. */
export class TarLayoutSource implements LayoutSource {
  readonly #path: string;
  readonly #entries: ReadonlyMap<string, TarEntryRange>;

  constructor(path: string, entries: ReadonlyMap<string, TarEntryRange>) {
    this.#path = path;
    this.#entries = entries;
  }

  get description(): string {
    return this.#path;
  }

  async readSmallFile(name: string, limit: number, options: IoOptions = {}): Promise<Uint8Array | undefined> {
    const range = this.#entries.get(normalizeName(name));
    if (range === undefined) return undefined;
    return readBounded(this.#stream(range, options), limit, `${this.#path}:${name}`);
  }

  openBlob(digest: Digest, options: IoOptions = {}): Promise<Readable> {
    const range = this.#entries.get(blobPath(digest));
    if (range === undefined) return Promise.reject(new NotFoundError(`blob ${digest} is missing from ${this.#path}`));
    return Promise.resolve(this.#stream(range, options));
  }

  #stream(range: TarEntryRange, options: IoOptions): Readable {
    // createReadStream's `end` is inclusive, so an empty entry needs its own stream.
    if (range.size === 0) return Readable.from([]);
    return createReadStream(this.#path, { start: range.offset, end: range.offset + range.size - 1, signal: options.signal });
  }
}

/** Indexes the tar at `path` (headers only) and returns a source reading from it. */
export async function openTarLayoutSource(path: string): Promise<TarLayoutSource> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    if (isNotFoundError(error)) throw new NotFoundError(`no such file: ${path}`, { cause: error });
    throw error;
  }
  try {
    return new TarLayoutSource(path, await indexTarEntries(handle, path));
  } finally {
    await handle.close();
  }
}
