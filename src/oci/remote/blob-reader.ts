/**
 * Reading blobs from a registry: small documents (manifests, configs) into memory under a size
 * limit, and layer blobs as streams that are verified against their digest and size and that resume
 * with a `Range` request when the connection drops part-way (the digest covers every resumed piece).
 */
import { createHash, type Hash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { RegistryResponse } from './http-exchange.ts';
import { isAppError } from '../../shared/index.ts';
import type { Digest } from '../digest.ts';
import { DigestMismatchError, LimitExceededError } from '../errors.ts';
import { pullScope } from './challenge.ts';
import { connectionError } from './errors.ts';
import { retryBodyFailures } from './retry.ts';
import type { RegistryTransport } from './transport.ts';

/** Where a blob lives and what it must be. */
export interface BlobRequest {
  transport: RegistryTransport;
  registry: string;
  repository: string;
  digest: Digest;
  /** Expected size in bytes; the stream fails as soon as more arrive, and at the end if fewer did. */
  size: number;
  signal?: AbortSignal;
}

/** Options of `openBlob`. */
export interface OpenBlobOptions {
  /** Check digest and size (default true). Layers built with `layerFromDescriptor` verify on their own. */
  verify?: boolean;
  /** Range requests allowed after dropped connections (default 3). */
  maxResumes?: number;
}

/** Reads at most `limit` bytes of a response body; LimitExceededError (and the body cancelled) beyond that. */
export async function readLimited(response: RegistryResponse, limit: number, what: string): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (declared > limit) {
    await response.body.cancel();
    throw new LimitExceededError(`${what} is ${declared} bytes; the limit is ${limit} bytes`);
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for await (const chunk of response.body) {
      total += chunk.byteLength;
      if (total > limit) throw new LimitExceededError(`${what} is over the ${limit}-byte limit`);
      chunks.push(chunk);
    }
  } catch (error) {
    // A connection lost mid-body shows as a bare Error("aborted"); name the request instead.
    throw isAppError(error) ? error : connectionError('GET', response.url, error);
  }
  return Buffer.concat(chunks, total);
}

/**
 * GETs a small blob (a config) into memory, checking size limit, size and digest; a body cut midway
 * or wrong bytes are fetched again (bounded by the transport's retry policy).
 */
export async function readBlob(request: BlobRequest, limit: number): Promise<Uint8Array> {
  const what = `blob ${request.digest} in ${request.registry}/${request.repository}`;
  if (request.size > limit) throw new LimitExceededError(`${what} claims ${request.size} bytes; the limit is ${limit} bytes`);
  return retryBodyFailures(
    request.transport.retryPolicy,
    async (readBody) => {
      const response = await getBlob(request, undefined);
      return readBody(async () => {
        const bytes = await readLimited(response, limit, what);
        const actual: Digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
        if (bytes.length !== request.size) throw new DigestMismatchError(`${what} size`, String(request.size), String(bytes.length));
        if (actual !== request.digest) throw new DigestMismatchError(`${what} digest`, request.digest, actual);
        return bytes;
      });
    },
    request.signal,
  );
}

/**
 * Opens a blob as a stream. The first GET happens before this resolves (so a 404 rejects here);
 * later failures surface on the stream: DigestMismatchError for wrong bytes, RegistryError when the
 * connection kept dropping after `maxResumes` Range requests.
 */
export async function openBlob(request: BlobRequest, options: OpenBlobOptions = {}): Promise<Readable> {
  const first = await getBlob(request, undefined);
  return Readable.from(streamBlob(request, first, options), { objectMode: false });
}

interface Progress {
  readonly what: string;
  readonly hash: Hash | undefined;
  offset: number;
  resumes: number;
}

async function* streamBlob(request: BlobRequest, first: RegistryResponse, options: OpenBlobOptions): AsyncGenerator<Uint8Array> {
  const what = `blob ${request.digest} in ${request.registry}/${request.repository}`;
  const progress: Progress = { what, hash: options.verify === false ? undefined : createHash('sha256'), offset: 0, resumes: 0 };
  let response: RegistryResponse | undefined = first;
  while (response !== undefined) {
    try {
      yield* readPiece(request, response, progress);
      response = undefined;
    } catch (error) {
      response = await resume(request, progress, error, options.maxResumes ?? 3);
    }
  }
  if (progress.hash === undefined) return;
  if (progress.offset !== request.size) throw new DigestMismatchError(`${what} size`, String(request.size), String(progress.offset));
  const actual: Digest = `sha256:${progress.hash.digest('hex')}`;
  if (actual !== request.digest) throw new DigestMismatchError(`${what} digest`, request.digest, actual);
}

async function* readPiece(request: BlobRequest, response: RegistryResponse, progress: Progress): AsyncGenerator<Uint8Array> {
  for await (const chunk of bodyFrom(response, progress.offset)) {
    progress.offset += chunk.byteLength;
    if (progress.offset > request.size) {
      throw new DigestMismatchError(`${progress.what} size`, String(request.size), `more than ${request.size} bytes`);
    }
    progress.hash?.update(chunk);
    request.transport.counters.addReceived(chunk.byteLength);
    yield chunk;
  }
}

/** After a failure mid-body: a Range GET from where the bytes stopped, or the error when resuming is not possible. */
async function resume(request: BlobRequest, progress: Progress, error: unknown, maxResumes: number): Promise<RegistryResponse> {
  if (!isResumable(error, request.signal) || progress.offset >= request.size) throw error;
  if (progress.resumes >= maxResumes) throw connectionError('GET', blobPath(request), error);
  progress.resumes++;
  return getBlob(request, progress.offset);
}

/** The body from `offset` on: a 206 starts there; a 200 (server ignored Range) starts at 0, so the prefix is skipped. */
async function* bodyFrom(response: RegistryResponse, offset: number): AsyncGenerator<Uint8Array> {
  let skip = response.status === 200 ? offset : 0;
  for await (const chunk of response.body) {
    if (skip >= chunk.byteLength) {
      skip -= chunk.byteLength;
      continue;
    }
    yield skip > 0 ? chunk.subarray(skip) : chunk;
    skip = 0;
  }
}

function isResumable(error: unknown, signal: AbortSignal | undefined): boolean {
  if (signal?.aborted || error instanceof DigestMismatchError) return false;
  // A connection lost mid-body ends the body with an Error ("aborted", ECONNRESET) or the timeout's error.
  return error instanceof Error;
}

function blobPath(request: BlobRequest): string {
  return `/v2/${request.repository}/blobs/${request.digest}`;
}

async function getBlob(request: BlobRequest, from: number | undefined): Promise<RegistryResponse> {
  const response = await request.transport.request({
    registry: request.registry,
    method: 'GET',
    path: blobPath(request),
    scopes: [pullScope(request.repository)],
    expect: from === undefined ? [200] : [200, 206],
    headers: from === undefined ? {} : { Range: `bytes=${from}-` },
    followRedirects: true,
    signal: request.signal,
  });
  if (from !== undefined && response.status === 206) checkContentRange(response, from, request);
  return response;
}

function checkContentRange(response: RegistryResponse, from: number, request: BlobRequest): void {
  const range = /^bytes (\d+)-/.exec(response.headers.get('content-range') ?? '');
  if (range !== null && Number(range[1]) !== from) {
    throw new DigestMismatchError(`blob ${request.digest} resumed range start`, String(from), range[1] ?? '');
  }
}
