import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { OciFormatError } from './errors.ts';

/** A content digest such as `sha256:<64 hex>`; build one with `parseDigest` or `sha256Digest`. */
export type Digest = `${string}:${string}`;

const digestPattern = /^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;

/** Validates `value` as a sha256 or sha512 digest; throws OciFormatError otherwise. */
export function parseDigest(value: string): Digest {
  if (!isDigest(value)) {
    throw new OciFormatError(`invalid digest "${truncate(value)}": expected sha256:<64 lowercase hex characters>`);
  }
  return value;
}

/** True when `value` is a well-formed digest. */
export function isDigest(value: unknown): value is Digest {
  return typeof value === 'string' && digestPattern.test(value);
}

/** The sha256 digest of bytes held in memory (manifests and configs, never layers). */
export function sha256Digest(bytes: Uint8Array | string): Digest {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** The hex part of a digest (the file name inside an OCI layout's `blobs/<algorithm>/`). */
export function digestHex(digest: Digest): string {
  return digest.slice(digest.indexOf(':') + 1);
}

/** The algorithm part of a digest (`sha256`). */
export function digestAlgorithm(digest: Digest): string {
  return digest.slice(0, digest.indexOf(':'));
}

/**
 * A pass-through stream that hashes and counts what flows through it. Read `digest()` and `size`
 * after the stream has ended.
 */
export class DigestingStream extends Transform {
  readonly #hash: Hash = createHash('sha256');
  #size = 0;
  #digest: Digest | undefined;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#hash.update(chunk);
    this.#size += chunk.length;
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    this.#digest = `sha256:${this.#hash.digest('hex')}`;
    callback();
  }

  /** Bytes seen so far. */
  get size(): number {
    return this.#size;
  }

  /** The sha256 of everything that passed; only available once the stream has flushed. */
  digest(): Digest {
    if (this.#digest === undefined) throw new Error('DigestingStream.digest() called before the stream ended');
    return this.#digest;
  }
}

function truncate(value: string): string {
  return value.length > 80 ? `${value.slice(0, 77)}...` : value;
}
