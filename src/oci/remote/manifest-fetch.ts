/**
 * Manifest GET and HEAD against a registry. GETs always send the full Accept list (distribution 2.8
 * answers 404 for an OCI index without it), read at most the manifest size limit, and check the
 * bytes against the digest that was asked for and against `Docker-Content-Digest`.
 */
import { isDigest, sha256Digest, type Digest } from '../digest.ts';
import { DigestMismatchError, OciFormatError } from '../errors.ts';
import type { Descriptor } from '../image.ts';
import { manifestLimits } from '../manifest.ts';
import { manifestAcceptList, type MediaType } from '../media-types.ts';
import { readLimited } from './blob-reader.ts';
import { pullScope } from './challenge.ts';
import { locationKeyOf, tagKeyOf } from './content-cache.ts';
import { retryBodyFailures, type BodyReader } from './retry.ts';
import type { RegistryTransport } from './transport.ts';

/** A repository on a registry plus the transport that reaches it. */
export interface RepositoryContext {
  transport: RegistryTransport;
  registry: string;
  repository: string;
  /** Scopes to request instead of `pull` on the repository (a pusher passes its whole scope set). */
  scopes?: readonly string[];
  signal?: AbortSignal;
  /** False: HEADs are sent once (the caller backs off on its own). */
  retry?: boolean;
}

/** Manifest bytes exactly as served, with their digest and the media type the registry declared. */
export interface FetchedManifest {
  bytes: Uint8Array;
  digest: Digest;
  /** `Content-Type` without parameters; undefined when the registry sent none. */
  contentType: MediaType | undefined;
}

const acceptHeader = manifestAcceptList.join(', ');

/**
 * The manifest `/v2/<repository>/manifests/<tag or digest>` names; RegistryError 404 when it does not
 * exist. With the transport's content cache, a digest already cached costs no request and a tag
 * whose last digest is cached costs one HEAD (a GET only when the tag moved); what is fetched is
 * cached for next time.
 */
export async function getManifest(context: RepositoryContext, identifier: string): Promise<FetchedManifest> {
  const cache = context.transport.contentCache;
  if (cache === undefined) return fetchManifest(context, identifier);
  const byDigest = isDigest(identifier);
  const tagKey = byDigest ? undefined : tagKeyOf(context.registry, context.repository, identifier);
  const known = byDigest ? identifier : await cache.tagDigest(tagKeyOf(context.registry, context.repository, identifier));
  const where = locationKeyOf(context.registry, context.repository);
  const cached = known === undefined ? undefined : await cache.manifest(known, where);
  if (cached !== undefined && (tagKey === undefined || (await headDigest(context, identifier)) === cached.digest)) return cached;
  const fetched = await fetchManifest(context, identifier);
  await cache.putManifest(fetched, where);
  if (tagKey !== undefined) await cache.putTagDigest(tagKey, fetched.digest);
  return fetched;
}

/** GETs a manifest. A body cut midway or bytes that do not match the digest are fetched again (bounded by the retry policy). */
function fetchManifest(context: RepositoryContext, identifier: string): Promise<FetchedManifest> {
  return retryBodyFailures(context.transport.retryPolicy, (readBody) => getManifestOnce(context, identifier, readBody), context.signal);
}

/** The digest a HEAD of the manifest reports, or undefined (not found, or no `Docker-Content-Digest`): the caller then GETs. */
async function headDigest(context: RepositoryContext, identifier: string): Promise<string | undefined> {
  const response = await headResponse(context, identifier);
  return response.status === 404 ? undefined : (response.headers.get('docker-content-digest') ?? undefined);
}

async function getManifestOnce(context: RepositoryContext, identifier: string, readBody: BodyReader): Promise<FetchedManifest> {
  const path = manifestPath(context, identifier);
  const response = await context.transport.request({
    registry: context.registry,
    method: 'GET',
    path,
    scopes: scopesOf(context),
    expect: [200],
    headers: { Accept: acceptHeader },
    signal: context.signal,
  });
  const what = `manifest ${context.registry}/${context.repository}:${identifier}`;
  return readBody(async () => {
    const bytes = await readLimited(response, manifestLimits.maxManifestBytes, what);
    const digest = sha256Digest(bytes);
    if (isDigest(identifier) && identifier !== digest) {
      throw new DigestMismatchError(`${what} digest`, identifier, digest);
    }
    const served = response.headers.get('docker-content-digest');
    // Only sha256 can be compared here; a registry that names another algorithm is trusted on it.
    if (served?.startsWith('sha256:') === true && served !== digest) throw new DigestMismatchError(`${what} Docker-Content-Digest`, served, digest);
    return { bytes, digest, contentType: baseContentType(response.headers.get('content-type')) };
  });
}

/**
 * HEADs a manifest: its descriptor (digest, size, media type) from the response headers, or
 * undefined on 404. Falls back to a GET when the registry omits `Docker-Content-Digest`.
 */
export async function headManifestDescriptor(context: RepositoryContext, identifier: string): Promise<Descriptor | undefined> {
  const response = await headResponse(context, identifier);
  if (response.status === 404) return undefined;
  const digest = response.headers.get('docker-content-digest');
  const size = Number(response.headers.get('content-length') ?? Number.NaN);
  const mediaType = baseContentType(response.headers.get('content-type'));
  if (digest !== null && isDigest(digest) && Number.isSafeInteger(size) && mediaType !== undefined) {
    return { mediaType, digest, size };
  }
  const fetched = await fetchManifest(context, identifier);
  if (fetched.contentType === undefined) throw new OciFormatError(`manifest ${identifier} was served without a Content-Type`);
  return { mediaType: fetched.contentType, digest: fetched.digest, size: fetched.bytes.length };
}

function headResponse(context: RepositoryContext, identifier: string): ReturnType<RegistryTransport['request']> {
  return context.transport.request({
    registry: context.registry,
    method: 'HEAD',
    path: manifestPath(context, identifier),
    scopes: scopesOf(context),
    expect: [200, 404],
    headers: { Accept: acceptHeader },
    signal: context.signal,
    ...(context.retry === false ? { retry: false } : {}),
  });
}

function manifestPath(context: RepositoryContext, identifier: string): string {
  return `/v2/${context.repository}/manifests/${identifier}`;
}

/** The scopes for reading `context`'s repository. */
export function scopesOf(context: RepositoryContext): readonly string[] {
  return context.scopes ?? [pullScope(context.repository)];
}

function baseContentType(header: string | null): MediaType | undefined {
  const base = header?.split(';')[0]?.trim();
  return base === undefined || base === '' ? undefined : base;
}
