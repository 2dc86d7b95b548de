/**
 * Reading small layout files (manifests, configs, index.json) into memory with a hard size bound.
 */
import type { Readable } from 'node:stream';
import { LimitExceededError } from '../errors.ts';

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
