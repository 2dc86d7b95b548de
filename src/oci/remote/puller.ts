/**
 * Reading from a registry: resolve a reference to a manifest, pick an image out of an index by
 * platform, check whether a manifest exists (HEAD), list tags and stream single blobs. Everything
 * returned is lazy: only the manifest is fetched before the value is handed back.
 */
import type { Readable } from 'node:stream';
import { isArray, isJsonObject } from '../../shared/index.ts';
import type { Digest } from '../digest.ts';
import { OciFormatError } from '../errors.ts';
import type { Descriptor, Image, ImageIndex, IoOptions, Platform, PlatformImage } from '../image.ts';
import { defaultPlatform, platformEntries, platformOfConfig, selectManifest } from '../platform.ts';
import { identifierOf, parseReference, type Reference, type RepositoryName } from '../reference.ts';
import { openBlob } from './blob-reader.ts';
import { pullScope } from './challenge.ts';
import { getManifest, headManifestDescriptor, type FetchedManifest } from './manifest-fetch.ts';
import { parseRemoteManifest, remoteValue, type RemoteSource } from './remote-image.ts';
import type { RegistryTransport } from './transport.ts';

/** Options of every read. */
export interface RemoteOptions extends IoOptions {
  transport: RegistryTransport;
  /** The platform `remoteImage` picks from an index (default `linux/amd64`, as go-containerregistry does). */
  platform?: Platform;
  /** `headManifest` and `listTags` only: false sends each request once, for callers that back off themselves (default true). */
  retry?: boolean;
}

/** What a reference points at: its descriptor, whether it is an image or an index, and the manifest bytes. */
export interface RemoteDescriptor {
  ref: Reference;
  descriptor: Descriptor;
  kind: 'image' | 'index';
  rawManifest: Uint8Array;
}

function asReference(ref: Reference | string): Reference {
  return typeof ref === 'string' ? parseReference(ref) : ref;
}

function sourceOf(ref: RepositoryName, options: RemoteOptions): RemoteSource {
  return { transport: options.transport, registry: ref.registry, repository: ref.repository };
}

async function fetchFor(ref: Reference, options: RemoteOptions): Promise<FetchedManifest> {
  return getManifest({ ...sourceOf(ref, options), signal: options.signal }, identifierOf(ref));
}

/** GETs the manifest `ref` names and describes it; RegistryError (404) when it does not exist. */
export async function remoteGet(ref: Reference | string, options: RemoteOptions): Promise<RemoteDescriptor> {
  const reference = asReference(ref);
  const fetched = await fetchFor(reference, options);
  const parsed = parseRemoteManifest(sourceOf(reference, options), fetched);
  const document = parsed.kind === 'index' ? parsed.index : parsed.manifest;
  const mediaType = document.mediaType ?? fetched.contentType ?? '';
  return {
    ref: reference,
    kind: parsed.kind,
    descriptor: { mediaType, digest: fetched.digest, size: fetched.bytes.length },
    rawManifest: fetched.bytes,
  };
}

/**
 * The image `ref` names. When it names an index, the entry for `options.platform` is fetched
 * (PlatformNotFoundError listing the platforms on offer when none matches). Config and layers stay lazy.
 */
export async function remoteImage(ref: Reference | string, options: RemoteOptions): Promise<Image> {
  const reference = asReference(ref);
  const value = remoteValue(sourceOf(reference, options), await fetchFor(reference, options));
  if (value.kind === 'image') return value.image;
  const index = await value.index.indexManifest();
  const chosen = selectManifest(index, options.platform ?? defaultPlatform);
  return value.index.image(chosen.digest, options);
}

/**
 * Every image `ref` names, one per platform: an index's image entries in index order (each member's
 * manifest fetched; configs and layers stay lazy), or the single image with its config's platform.
 */
export async function remotePlatformImages(ref: Reference | string, options: RemoteOptions): Promise<PlatformImage[]> {
  const reference = asReference(ref);
  const value = remoteValue(sourceOf(reference, options), await fetchFor(reference, options));
  if (value.kind === 'image') return [{ platform: platformOfConfig(await value.image.configFile(options)), image: value.image }];
  const { index } = value;
  const entries = platformEntries(await index.indexManifest());
  return Promise.all(entries.map(async (entry) => ({ platform: entry.platform, image: await index.image(entry.digest, options) })));
}

/** The index `ref` names; OciFormatError when it names a single image. */
export async function remoteIndex(ref: Reference | string, options: RemoteOptions): Promise<ImageIndex> {
  const reference = asReference(ref);
  const value = remoteValue(sourceOf(reference, options), await fetchFor(reference, options));
  if (value.kind !== 'index') throw new OciFormatError(`${reference.original} is a single image, not an index`);
  return value.index;
}

/** The digest `ref` currently points at, by HEAD; undefined when the registry answers 404. */
export async function headManifest(ref: Reference | string, options: RemoteOptions): Promise<Digest | undefined> {
  const reference = asReference(ref);
  const context = { ...sourceOf(reference, options), signal: options.signal, ...(options.retry === false ? { retry: false } : {}) };
  const descriptor = await headManifestDescriptor(context, identifierOf(reference));
  return descriptor?.digest;
}

/** Tags of a repository in the registry's order, `pageSize` (default 1000) a request, following `Link` pages (`n` and `last`). */
export async function listTags(repository: RepositoryName, options: RemoteOptions & { pageSize?: number }): Promise<string[]> {
  const tags: string[] = [];
  let path: string | URL = `/v2/${repository.repository}/tags/list?n=${options.pageSize ?? 1000}`;
  for (let page = 0; page < 1000; page++) {
    const response = await options.transport.request({
      registry: repository.registry,
      method: 'GET',
      path,
      scopes: [pullScope(repository.repository)],
      expect: [200],
      signal: options.signal,
      ...(options.retry === false ? { retry: false } : {}),
    });
    const body: unknown = await response.json();
    const listed = isJsonObject(body) ? body.tags : undefined;
    if (isArray(listed)) tags.push(...listed.filter((t) => typeof t === 'string'));
    const next = nextPage(response.headers.get('link'));
    if (next === undefined) break;
    path = new URL(next, await options.transport.baseUrl(repository.registry));
  }
  return tags;
}

function nextPage(link: string | null): string | undefined {
  const match = link === null ? null : /<([^>]+)>\s*;\s*rel="?next"?/.exec(link);
  return match?.[1];
}

/** Streams one blob of `repository`, verified against `descriptor`'s digest and size, resuming dropped connections. */
export async function fetchBlob(repository: RepositoryName, descriptor: Pick<Descriptor, 'digest' | 'size'>, options: RemoteOptions): Promise<Readable> {
  return openBlob({ ...sourceOf(repository, options), digest: descriptor.digest, size: descriptor.size, signal: options.signal });
}
