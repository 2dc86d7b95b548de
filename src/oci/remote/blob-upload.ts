/**
 * Putting one blob into a repository, the cheapest way that works: nothing when it is already
 * there (HEAD), a cross-repository mount when a known location is on the same registry, otherwise
 * an upload: POST to open a session, then one streamed PUT for small blobs or PATCH chunks with
 * `Content-Range` for large ones. An upload that fails part-way is restarted in a new session.
 */
import type { Readable } from 'node:stream';
import type { Digest } from '../digest.ts';
import { DigestMismatchError } from '../errors.ts';
import type { BlobLocation } from '../image.ts';
import { RegistryError, redactUrl } from './errors.ts';
import { withRetries } from './retry.ts';
import type { RegistryTransport } from './transport.ts';

/** A blob to push: its identity and a way to open its bytes (called once per upload attempt). */
export interface BlobSource {
  digest: Digest;
  size: number;
  open: () => Promise<Readable | Uint8Array>;
  /** Repositories that already hold the blob; one on the target registry allows a mount. */
  locations?: readonly BlobLocation[];
}

/** Where blobs go and how. */
export interface UploadTarget {
  transport: RegistryTransport;
  registry: string;
  repository: string;
  /** The scope set of the whole push (push on the target, pull on every mount source). */
  scopes: readonly string[];
  /** Blobs of at least this many bytes are sent in PATCH chunks. */
  chunkThreshold: number;
  /** Bytes per PATCH request (streamed from the source, never held in memory). */
  chunkSize: number;
  onBytes?: (digest: Digest, sent: number) => void;
  signal?: AbortSignal;
}

/** How a blob got there. */
export type BlobOutcome = 'existing' | 'mounted' | 'uploaded';

const octetStream = 'application/octet-stream';

/**
 * Makes sure `blob` exists in the target repository; returns how. A blob the transport already saw
 * there costs no request; one it finds, mounts or uploads is remembered (the pusher forgets them
 * when a push fails).
 */
export async function putBlob(target: UploadTarget, blob: BlobSource): Promise<BlobOutcome> {
  const known = target.transport.knownBlobs;
  if (known.has(target.registry, target.repository, blob.digest)) return 'existing';
  const outcome = await findOrSend(target, blob);
  known.add(target.registry, target.repository, blob.digest);
  return outcome;
}

async function findOrSend(target: UploadTarget, blob: BlobSource): Promise<BlobOutcome> {
  if (await blobExists(target, blob.digest)) return 'existing';
  const source = mountSource(target, blob);
  return withRetries(
    target.transport.retryPolicy,
    async (attempt) => {
      // Mount only on the first try: a registry that refused it will refuse it again.
      const session = await startSession(target, blob.digest, attempt === 0 ? source : undefined);
      if (session === 'mounted') return 'mounted';
      await upload(target, blob, session);
      return 'uploaded';
    },
    { signal: target.signal },
  );
}

/** HEAD `/v2/<repository>/blobs/<digest>`: true on 200, false on 404. */
export async function blobExists(target: UploadTarget, digest: Digest): Promise<boolean> {
  const response = await target.transport.request({
    registry: target.registry,
    method: 'HEAD',
    path: `/v2/${target.repository}/blobs/${digest}`,
    scopes: target.scopes,
    expect: [200, 404],
    signal: target.signal,
  });
  return response.status === 200;
}

/** A repository on the target registry, other than the target, known to hold the blob. */
export function mountSource(target: Pick<UploadTarget, 'registry' | 'repository'>, blob: Pick<BlobSource, 'locations'>): string | undefined {
  const registry = target.registry.toLowerCase();
  return blob.locations?.find((l) => l.registry.toLowerCase() === registry && l.repository !== target.repository)?.repository;
}

/** POST to open an upload, with `mount`/`from` when a source is known. 201 = mounted; 202 = the session URL. */
async function startSession(target: UploadTarget, digest: Digest, from: string | undefined): Promise<URL | 'mounted'> {
  const base = new URL(`/v2/${target.repository}/blobs/uploads/`, await target.transport.baseUrl(target.registry));
  if (from !== undefined) {
    base.searchParams.set('mount', digest);
    base.searchParams.set('from', from);
  }
  const response = await target.transport.request({
    registry: target.registry,
    method: 'POST',
    path: base,
    scopes: target.scopes,
    expect: from === undefined ? [202] : [201, 202],
    headers: { 'Content-Length': '0' },
    signal: target.signal,
  });
  await response.arrayBuffer();
  if (response.status === 201) return 'mounted';
  return sessionUrl(response.headers.get('location'), base);
}

/** The next upload URL: `Location` may be absolute or relative; `_state` and other parameters are kept. */
function sessionUrl(location: string | null, requestUrl: URL): URL {
  if (location === null) throw new RegistryError(`${redactUrl(requestUrl)} answered without a Location header`, { kind: 'permanent' });
  return new URL(location, requestUrl);
}

async function upload(target: UploadTarget, blob: BlobSource, session: URL): Promise<void> {
  const content = await blob.open();
  if (content instanceof Uint8Array) {
    await finish(target, blob, session, content);
  } else if (blob.size < target.chunkThreshold) {
    await finish(target, blob, session, counting(target, blob.digest, content));
  } else {
    await finish(target, blob, await sendChunks(target, blob, session, content), undefined);
  }
}

/** PUT `?digest=` with the rest of the bytes (or none after PATCHes); 201 closes the upload. */
async function finish(target: UploadTarget, blob: BlobSource, session: URL, body: Uint8Array | AsyncIterable<Uint8Array> | undefined): Promise<void> {
  const url = new URL(session);
  url.searchParams.set('digest', blob.digest);
  const headers: Record<string, string> = { 'Content-Type': octetStream };
  headers['Content-Length'] = body === undefined ? '0' : String(blob.size);
  const response = await target.transport.request({
    registry: target.registry,
    method: 'PUT',
    path: url,
    scopes: target.scopes,
    expect: [201],
    headers,
    body,
    retry: false,
    signal: target.signal,
  });
  await response.arrayBuffer();
  if (body instanceof Uint8Array) target.onBytes?.(blob.digest, blob.size);
}

/**
 * PATCHes the stream in chunks of `chunkSize`, each streamed straight from the source with a known
 * length, so no chunk is ever held in memory; returns the session URL for the closing PUT.
 */
async function sendChunks(target: UploadTarget, blob: BlobSource, session: URL, content: Readable): Promise<URL> {
  const reader = new ExactReader(content);
  let url = session;
  let offset = 0;
  try {
    while (offset < blob.size) {
      const length = Math.min(target.chunkSize, blob.size - offset);
      url = await patchChunk(target, url, { offset, length, body: reader.take(length) });
      offset += length;
      target.onBytes?.(blob.digest, offset);
    }
    await reader.expectEnd();
    return url;
  } finally {
    await reader.close();
  }
}

async function patchChunk(target: UploadTarget, url: URL, chunk: { offset: number; length: number; body: AsyncIterable<Uint8Array> }): Promise<URL> {
  const { offset, length, body } = chunk;
  const response = await target.transport.request({
    registry: target.registry,
    method: 'PATCH',
    path: url,
    scopes: target.scopes,
    expect: [202],
    headers: { 'Content-Type': octetStream, 'Content-Range': `${offset}-${offset + length - 1}`, 'Content-Length': String(length) },
    body,
    retry: false,
    signal: target.signal,
  });
  await response.arrayBuffer();
  return sessionUrl(response.headers.get('location'), url);
}

/** Hands out consecutive byte ranges of exact lengths from a stream, splitting pieces where needed. */
class ExactReader {
  readonly #pieces: AsyncIterator<Buffer>;
  #leftover: Buffer | undefined;

  constructor(source: AsyncIterable<Buffer>) {
    this.#pieces = source[Symbol.asyncIterator]();
  }

  async #next(): Promise<Buffer | undefined> {
    const kept = this.#leftover;
    this.#leftover = undefined;
    if (kept && kept.byteLength > 0) return kept;
    const read = await this.#pieces.next();
    return read.done === true ? undefined : read.value;
  }

  /** The next `length` bytes; fails when the stream ends first. */
  async *take(length: number): AsyncGenerator<Buffer> {
    let remaining = length;
    while (remaining > 0) {
      const piece = await this.#next();
      if (piece === undefined) throw new DigestMismatchError('blob size', `${length} more bytes`, `${length - remaining}`);
      if (piece.byteLength > remaining) this.#leftover = piece.subarray(remaining);
      const part = piece.byteLength > remaining ? piece.subarray(0, remaining) : piece;
      remaining -= part.byteLength;
      yield part;
    }
  }

  /** Fails when the stream holds more bytes than the blob's declared size. */
  async expectEnd(): Promise<void> {
    const extra = await this.#next();
    if (extra !== undefined) throw new DigestMismatchError('blob size', 'the declared size', 'more bytes');
  }

  async close(): Promise<void> {
    await this.#pieces.return?.();
  }
}

async function* counting(target: UploadTarget, digest: Digest, source: AsyncIterable<Buffer>): AsyncGenerator<Uint8Array> {
  let sent = 0;
  for await (const piece of source) {
    sent += piece.byteLength;
    target.onBytes?.(digest, sent);
    yield piece;
  }
}
