/**
 * Streams of layout blobs checked against their descriptors: a blob is named by its digest, so
 * every read proves the bytes match the name and the promised size before the consumer sees the end.
 */
import { createHash, type Hash } from 'node:crypto';
import { pipeline, Transform, type Readable, type TransformCallback } from 'node:stream';
import type { Digest } from '../digest.ts';
import { DigestMismatchError, LimitExceededError } from '../errors.ts';

/** What a verified read must produce: the descriptor's digest and size. */
export interface BlobExpectation {
  digest: Digest;
  size: number;
  /** Named in error messages, e.g. `layer 2 of oci:/tmp/img`. */
  what: string;
}

/** Fails the stream once more than the expected size arrives, and at the end on a size or digest difference. */
class VerifyingStream extends Transform {
  readonly #expected: BlobExpectation;
  readonly #hash: Hash;
  #size = 0;

  constructor(expected: BlobExpectation) {
    super();
    this.#expected = expected;
    this.#hash = createHash(algorithmOf(expected.digest));
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#size += chunk.length;
    // Fail early instead of hashing gigabytes that can no longer match.
    if (this.#size > this.#expected.size) {
      callback(this.#sizeError());
      return;
    }
    this.#hash.update(chunk);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    if (this.#size !== this.#expected.size) {
      callback(this.#sizeError());
      return;
    }
    const actual = `${algorithmOf(this.#expected.digest)}:${this.#hash.digest('hex')}`;
    if (actual !== this.#expected.digest) {
      callback(new DigestMismatchError(`digest of ${this.#expected.what}`, this.#expected.digest, actual, { retryable: false }));
      return;
    }
    callback();
  }

  #sizeError(): DigestMismatchError {
    return new DigestMismatchError(`size of ${this.#expected.what}`, String(this.#expected.size), `at least ${this.#size}`, {
      retryable: false,
    });
  }
}

function algorithmOf(digest: Digest): string {
  return digest.slice(0, digest.indexOf(':'));
}

/** Wraps `source` so that it errors with DigestMismatchError unless it yields exactly the expected bytes. */
export function verifyBlobStream(source: Readable, expected: BlobExpectation): Readable {
  return pipeline(source, new VerifyingStream(expected), () => {
    // Errors reach the consumer through the returned stream; nothing else to do here.
  });
}

/** Reads a whole small stream (a manifest, a config, index.json) into memory, refusing more than `limit` bytes. */
export async function readBounded(source: Readable, limit: number, what: string): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of source as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > limit) {
      source.destroy();
      throw new LimitExceededError(`${what} is larger than ${limit} bytes`);
    }
    chunks.push(chunk);
  }
  return new Uint8Array(Buffer.concat(chunks));
}
