/**
 * The registry content cache on disk, for local mode (`${XDG_CACHE_HOME:-~/.cache}/packsmith/registry`):
 *   manifests/<hex>  the content type, a newline, then the manifest bytes as served
 *   blobs/<hex>      a config blob
 *   tags/<hex>       the digest a tag named, where <hex> is the sha256 of `registry/repository:tag`
 *   endpoints/<hex>  how a registry was reached (scheme and auth challenge, JSON), <hex> the sha256 of its host
 * Every read is checked against its digest, so a damaged or tampered file is a miss. Files are
 * written to a temporary name and renamed, so a reader never sees half of one; the directory is
 * private (0700), since manifests and configs of private images land here. Any failure is a miss.
 * Reads and writes are synchronous: entries are a few KiB, where each thread-pool round trip of the
 * promise API (open, stat, read or write, close, rename) costs more CPU than the work itself.
 */
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, fstatSync, mkdirSync, openSync, readSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CachedManifest, Challenge, ContentCache, Digest, RememberedEndpoint } from '../oci/index.ts';

const hexOf = (digest: string): string | undefined => /^sha256:([0-9a-f]{64})$/.exec(digest)?.[1];
const sha256Hex = (bytes: Uint8Array | string): string => createHash('sha256').update(bytes).digest('hex');

/** Largest file the cache reads back: manifests and configs are small; anything bigger is not ours. */
const maxEntryBytes = 8 * 1024 * 1024;

export class DiskContentCache implements ContentCache {
  readonly #root: string;
  #prepared: boolean | undefined;

  constructor(root: string) {
    this.#root = root;
  }

  manifest(digest: Digest): Promise<CachedManifest | undefined> {
    const hex = hexOf(digest);
    const file = hex === undefined ? undefined : this.#read('manifests', hex);
    const newline = file?.indexOf(0x0a) ?? -1;
    if (file === undefined || newline < 0) return Promise.resolve(undefined);
    const bytes = file.subarray(newline + 1);
    if (sha256Hex(bytes) !== hex) return Promise.resolve(undefined);
    const contentType = file.subarray(0, newline).toString('utf8');
    return Promise.resolve({ bytes, digest, contentType: contentType === '' ? undefined : contentType });
  }

  putManifest(manifest: CachedManifest): Promise<void> {
    const hex = hexOf(manifest.digest);
    if (hex !== undefined && !(manifest.contentType ?? '').includes('\n')) {
      this.#write('manifests', hex, Buffer.concat([Buffer.from(`${manifest.contentType ?? ''}\n`), manifest.bytes]));
    }
    return Promise.resolve();
  }

  blob(digest: Digest): Promise<Uint8Array | undefined> {
    const hex = hexOf(digest);
    const bytes = hex === undefined ? undefined : this.#read('blobs', hex);
    return Promise.resolve(bytes !== undefined && sha256Hex(bytes) === hex ? bytes : undefined);
  }

  putBlob(digest: Digest, bytes: Uint8Array): Promise<void> {
    const hex = hexOf(digest);
    if (hex !== undefined) this.#write('blobs', hex, bytes);
    return Promise.resolve();
  }

  tagDigest(tagKey: string): Promise<Digest | undefined> {
    const text = this.#read('tags', sha256Hex(tagKey))?.toString('utf8');
    const [key, digest] = text?.split('\n') ?? [];
    // The key is stored too, so a hash collision (or a stray file) can never answer for another tag.
    return Promise.resolve(key === tagKey && digest !== undefined && hexOf(digest) !== undefined ? (digest as Digest) : undefined);
  }

  putTagDigest(tagKey: string, digest: Digest): Promise<void> {
    if (!tagKey.includes('\n')) this.#write('tags', sha256Hex(tagKey), Buffer.from(`${tagKey}\n${digest}\n`));
    return Promise.resolve();
  }

  endpoint(registry: string): Promise<RememberedEndpoint | undefined> {
    return Promise.resolve(rememberedEndpointFrom(this.#read('endpoints', sha256Hex(registry)), registry));
  }

  putEndpoint(registry: string, endpoint: RememberedEndpoint): Promise<void> {
    this.#write('endpoints', sha256Hex(registry), Buffer.from(`${JSON.stringify({ registry, ...endpoint })}\n`));
    return Promise.resolve();
  }

  #read(kind: string, name: string): Buffer | undefined {
    let fd: number | undefined;
    try {
      fd = openSync(join(this.#root, kind, name), 'r');
      const { size } = fstatSync(fd);
      if (size > maxEntryBytes) return undefined;
      const bytes = Buffer.allocUnsafe(size);
      let filled = 0;
      while (filled < size) {
        const read = readSync(fd, bytes, filled, size - filled, filled);
        if (read === 0) return undefined; // shrank while read: a writer replaced it, take it as a miss
        filled += read;
      }
      return bytes;
    } catch {
      return undefined;
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  }

  /** Writes through a temporary file; an entry already holding these bytes (a rerun's tags, say) is left as it is. */
  #write(kind: string, name: string, bytes: Uint8Array): void {
    if (!this.#prepare()) return;
    const target = join(this.#root, kind, name);
    if (this.#read(kind, name)?.equals(bytes) === true) return;
    const temporary = `${target}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      writeFileSync(temporary, bytes, { mode: 0o600 });
      renameSync(temporary, target);
    } catch {
      try {
        rmSync(temporary, { force: true });
      } catch {
        // A cache that cannot be written only costs speed.
      }
    }
  }

  /** Creates the private directories once; false when that failed (writes are then skipped). */
  #prepare(): boolean {
    if (this.#prepared === undefined) {
      try {
        mkdirSync(this.#root, { recursive: true, mode: 0o700 });
        for (const kind of ['manifests', 'blobs', 'tags', 'endpoints']) mkdirSync(join(this.#root, kind), { recursive: true, mode: 0o700 });
        this.#prepared = true;
      } catch {
        this.#prepared = false;
      }
    }
    return this.#prepared;
  }
}

/** A remembered endpoint read back, if the file is one for `registry` in the expected shape; anything else is a miss. */
function rememberedEndpointFrom(file: Buffer | undefined, registry: string): RememberedEndpoint | undefined {
  const value = file === undefined ? undefined : recordOf(parseJson(file.toString('utf8')));
  // The host is stored too, so a hash collision (or a stray file) can never answer for another registry.
  if (value === undefined || value.registry !== registry || (value.scheme !== 'https' && value.scheme !== 'http')) return undefined;
  if (value.challenge === undefined) return { scheme: value.scheme, challenge: undefined };
  const challenge = challengeFrom(value.challenge);
  return challenge === undefined ? undefined : { scheme: value.scheme, challenge };
}

function challengeFrom(value: unknown): Challenge | undefined {
  const challenge = recordOf(value);
  const params = recordOf(challenge?.params);
  if (challenge === undefined || typeof challenge.scheme !== 'string' || params === undefined) return undefined;
  if (!Object.values(params).every((v) => typeof v === 'string')) return undefined;
  return { scheme: challenge.scheme, params: params as Record<string, string> };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const recordOf = (value: unknown): Record<string, unknown> | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
