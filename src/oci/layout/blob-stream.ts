/**
 * Reading small layout files (manifests, configs, index.json) into memory with a hard size bound.
 */
import type { Readable } from 'node:stream';
import { byteChunk } from '../../shared/index.ts';
import { LimitExceededError } from '../errors.ts';

/** Reads a whole small stream (a manifest, a config, index.json) into memory, refusing more than `limit` bytes. */
export async function readBounded(source: Readable, limit: number, what: string): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const part of source) {
    const chunk = byteChunk(part);
    total += chunk.length;
    if (total > limit) {
      source.destroy();
      throw new LimitExceededError(`${what} is larger than ${limit} bytes`);
    }
    chunks.push(chunk);
  }
  return new Uint8Array(Buffer.concat(chunks));
}
