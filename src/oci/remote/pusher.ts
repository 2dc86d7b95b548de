/**
 * Pushing images and indexes. Idempotent and cheap: when the tag already names the same digest
 * nothing is sent; otherwise each blob is checked, mounted from a repository of the same registry
 * that holds it, or uploaded, a bounded number at once; then the config's manifest goes up, then
 * any index, then extra tags. Blobs always precede the manifests that reference them. The images
 * of an index go up together and share one bound and one record of the blobs put so far, so a
 * layer that several platforms' images hold is checked and mounted once.
 */
import { createLimiter } from '../../shared/index.ts';
import type { Digest } from '../digest.ts';
import type { Image, ImageIndex, IoOptions } from '../image.ts';
import { isIndexMediaType, type MediaType } from '../media-types.ts';
import { parseReference, type Reference } from '../reference.ts';
import { putBlob, mountSource, type BlobOutcome, type BlobSource, type UploadTarget } from './blob-upload.ts';
import { pullScope, pushScope } from './challenge.ts';
import { locationKeyOf, type CachedManifest } from './content-cache.ts';
import { RegistryError } from './errors.ts';
import { blobsHeldBy } from './held-blobs.ts';
import { headManifestDescriptor } from './manifest-fetch.ts';
import type { RegistryTransport } from './transport.ts';

const MiB = 1024 * 1024;

/** One step of a blob's progress, for a CLI progress display. */
export interface PushProgress {
  digest: Digest;
  /** Blob size in bytes. */
  size: number;
  /** Bytes sent so far (equals `size` for blobs that existed or were mounted). */
  sent: number;
  state: 'uploading' | BlobOutcome;
}

/** Options of `pushImage` and `pushIndex`. */
export interface PushOptions extends IoOptions {
  transport: RegistryTransport;
  /** More tags to point at the pushed manifest, in the same repository. */
  tags?: readonly string[];
  /** Write `tags` only when the main reference did not already name the image (kpack's rule: an unchanged image gets no new tags). */
  tagsOnlyWhenPushed?: boolean;
  /** Blobs uploaded at once (default 4, as go-containerregistry). */
  jobs?: number;
  /** Blobs of at least this many bytes go up in PATCH chunks (default 5 MiB); smaller ones in one streamed PUT. */
  chunkThreshold?: number;
  /** Bytes per PATCH request (default 16 MiB), streamed from the source rather than held in memory. */
  chunkSize?: number;
  onProgress?: (progress: PushProgress) => void;
}

/** What a push did. */
export interface PushResult {
  ref: Reference;
  digest: Digest;
  /** False when the tag already named this digest and nothing was sent. */
  changed: boolean;
  /** How each distinct blob got there, by digest (empty when nothing was pushed). */
  blobs: Record<Digest, BlobOutcome>;
}

/**
 * What the images of one push share: each distinct blob's put into the target repository (its
 * promise, so an image that needs a blob another is putting waits for that put instead of a second
 * one) and the bound on blobs in flight across all of them.
 */
interface PushSession {
  blobs: Map<Digest, Promise<BlobOutcome>>;
  /** Blobs the target repository holds for certain: those of the manifest the tag named before (see held-blobs.ts). */
  held: Set<Digest>;
  /** False on the second try after a held blob turned out to be gone: then every blob is checked. */
  trustHeld: boolean;
  limit: <T>(task: () => Promise<T>) => Promise<T>;
}

const newSession = (options: PushOptions, trustHeld = true): PushSession => ({
  blobs: new Map(),
  held: new Set(),
  trustHeld,
  limit: createLimiter(options.jobs ?? 4),
});

/**
 * Runs a push; if a manifest PUT is refused for a blob that the push skipped as held (deleted from
 * the repository by hand, behind the manifest that still names it), runs it once more checking
 * every blob, so the lost blob goes up again instead of the push failing on every rerun.
 */
async function withHeldBlobsChecked(options: PushOptions, push: (session: PushSession) => Promise<PushResult>): Promise<PushResult> {
  const session = newSession(options);
  try {
    return await push(session);
  } catch (error) {
    if (session.held.size === 0 || !isBlobUnknown(error) || options.signal?.aborted === true) throw error;
    return push(newSession(options, false));
  }
}

/** True for a manifest PUT refused because a blob it names is not in the repository. */
function isBlobUnknown(error: unknown): boolean {
  return error instanceof RegistryError && error.errors.some((entry) => entry.code === 'BLOB_UNKNOWN' || entry.code === 'MANIFEST_BLOB_UNKNOWN');
}

/** Pushes `image` to `ref` (a tag or a digest reference) and any extra tags. */
export function pushImage(image: Image, ref: Reference | string, options: PushOptions): Promise<PushResult> {
  return withHeldBlobsChecked(options, (session) => pushImageIn(image, asReference(ref), options, session));
}

async function pushImageIn(image: Image, target: Reference, options: PushOptions, session: PushSession): Promise<PushResult> {
  const digest = await image.digest(options);
  const mediaType = await image.mediaType(options);
  if (await alreadyThere(target, digest, options, session)) {
    if (options.tagsOnlyWhenPushed === true) return { ref: target, digest, changed: false, blobs: {} };
    return finishTags(target, { digest, mediaType, raw: () => image.rawManifest(options) }, options, { blobs: {}, changed: false });
  }
  const plan = await imageBlobs(image, options);
  const raw = await image.rawManifest(options);
  let blobs: Record<Digest, BlobOutcome>;
  try {
    blobs = await pushBlobs(target, plan, options, session);
    await putManifest(target, identifierFor(target, digest), { mediaType, raw, scopes: pushScopes(target, plan) }, options);
  } catch (error) {
    // A blob skipped as known may have gone (MANIFEST_BLOB_UNKNOWN): the next attempt asks again.
    options.transport.knownBlobs.forget(
      target.registry,
      target.repository,
      plan.map((b) => b.digest),
    );
    throw error;
  }
  await remember(target, options, { bytes: raw, digest, contentType: mediaType });
  return finishTags(target, { digest, mediaType, raw: () => image.rawManifest(options) }, options, { blobs, changed: true });
}

/** Pushes `index`, its child images and nested indexes (by digest), then the index itself to `ref` and extra tags. */
export function pushIndex(index: ImageIndex, ref: Reference | string, options: PushOptions): Promise<PushResult> {
  return withHeldBlobsChecked(options, (session) => pushIndexIn(index, asReference(ref), options, session));
}

async function pushIndexIn(index: ImageIndex, target: Reference, options: PushOptions, session: PushSession): Promise<PushResult> {
  const digest = await index.digest(options);
  const mediaType = await index.mediaType(options);
  if (await alreadyThere(target, digest, options, session)) {
    if (options.tagsOnlyWhenPushed === true) return { ref: target, digest, changed: false, blobs: {} };
    return finishTags(target, { digest, mediaType, raw: () => index.rawManifest(options) }, options, { blobs: {}, changed: false });
  }
  const blobs = await pushChildren(index, target, options, session);
  const raw = await index.rawManifest(options);
  await putManifest(target, identifierFor(target, digest), { mediaType, raw, scopes: [pushScope(target.repository)] }, options);
  await remember(target, options, { bytes: raw, digest, contentType: mediaType });
  return finishTags(target, { digest, mediaType, raw: () => index.rawManifest(options) }, options, { blobs, changed: true });
}

/** Pushes every child of `index` by digest, all at once under the session's bound; the first failure stops the others. */
async function pushChildren(index: ImageIndex, target: Reference, options: PushOptions, session: PushSession): Promise<Record<Digest, BlobOutcome>> {
  const stop = new AbortController();
  const signal = options.signal === undefined ? stop.signal : AbortSignal.any([options.signal, stop.signal]);
  const childOptions: PushOptions = { ...options, signal, tags: [], tagsOnlyWhenPushed: true };
  let failure: { error: unknown } | undefined;
  const results = await Promise.allSettled(
    (await index.indexManifest(options)).manifests.map(async (child) => {
      const childRef = { ...target, tag: undefined, digest: child.digest };
      try {
        return isIndexMediaType(child.mediaType)
          ? await pushIndexIn(await index.imageIndex(child.digest, options), childRef, childOptions, session)
          : await pushImageIn(await index.image(child.digest, options), childRef, childOptions, session);
      } catch (error) {
        failure ??= { error };
        stop.abort(error);
        throw error;
      }
    }),
  );
  if (failure !== undefined) throw failure.error;
  const blobs: Record<Digest, BlobOutcome> = {};
  for (const result of results) if (result.status === 'fulfilled') Object.assign(blobs, result.value.blobs);
  return blobs;
}

function asReference(ref: Reference | string): Reference {
  return typeof ref === 'string' ? parseReference(ref) : ref;
}

function identifierFor(ref: Reference, digest: Digest): string {
  return ref.tag ?? digest;
}

/**
 * True when the reference (tag, or digest) already names `digest` in the registry. When it names
 * another manifest (a tag being moved), the blobs of that manifest are recorded in `session` as held.
 */
async function alreadyThere(ref: Reference, digest: Digest, options: PushOptions, session?: PushSession): Promise<boolean> {
  const context = {
    transport: options.transport,
    registry: ref.registry,
    repository: ref.repository,
    scopes: [pushScope(ref.repository)],
    signal: options.signal,
  };
  const current = (await headManifestDescriptor(context, identifierFor(ref, digest)))?.digest;
  if (current === digest) return true;
  if (current !== undefined && session?.trustHeld === true) for (const held of await blobsHeldBy(context, current)) session.held.add(held);
  return false;
}

/** The distinct blobs of an image: the config first, then each layer once. */
async function imageBlobs(image: Image, options: PushOptions): Promise<BlobSource[]> {
  const manifest = await image.manifest(options);
  const rawConfig = await image.rawConfigFile(options);
  const layers = await image.layers(options);
  // The config usually sits where the layers came from; trying a mount costs nothing, because a
  // refused mount (202) opens the upload session the blob then goes into.
  const configLocations = layers.flatMap((layer) => layer.locations ?? []);
  const blobs: BlobSource[] = [{ digest: manifest.config.digest, size: rawConfig.length, locations: configLocations, open: () => Promise.resolve(rawConfig) }];
  for (const layer of layers) {
    const digest = await layer.digest(options);
    if (blobs.some((b) => b.digest === digest)) continue;
    blobs.push({ digest, size: await layer.size(options), locations: layer.locations, open: () => layer.compressed(options) });
  }
  return blobs;
}

/** The scopes of the whole push: push on the target, pull on each repository blobs can be mounted from. */
function pushScopes(target: Reference, blobs: readonly BlobSource[]): string[] {
  const sources = blobs.map((b) => mountSource(target, b)).filter((s): s is string => s !== undefined);
  return [pushScope(target.repository), ...new Set(sources.map(pullScope))];
}

async function pushBlobs(target: Reference, blobs: readonly BlobSource[], options: PushOptions, session: PushSession): Promise<Record<Digest, BlobOutcome>> {
  // The first failure stops the other uploads, and the push settles only once they have stopped.
  const stop = new AbortController();
  const upload: UploadTarget = {
    transport: options.transport,
    registry: target.registry,
    repository: target.repository,
    scopes: pushScopes(target, blobs),
    chunkThreshold: options.chunkThreshold ?? 5 * MiB,
    chunkSize: options.chunkSize ?? 16 * MiB,
    signal: options.signal === undefined ? stop.signal : AbortSignal.any([options.signal, stop.signal]),
    onBytes: (digest, sent) => options.onProgress?.({ digest, size: sizeOf(blobs, digest), sent, state: 'uploading' }),
  };
  const outcomes: Record<Digest, BlobOutcome> = {};
  let failure: { error: unknown } | undefined;
  const put = (blob: BlobSource): Promise<BlobOutcome> => {
    if (session.held.has(blob.digest)) {
      options.onProgress?.({ digest: blob.digest, size: blob.size, sent: blob.size, state: 'existing' });
      return Promise.resolve('existing');
    }
    return session.limit(async () => {
      if (failure !== undefined) throw failure.error;
      const outcome = await putBlob(upload, blob);
      options.onProgress?.({ digest: blob.digest, size: blob.size, sent: blob.size, state: outcome });
      return outcome;
    });
  };
  await Promise.allSettled(
    blobs.map(async (blob) => {
      // Another image of the same push may have put (or be putting) this blob already.
      let putting = session.blobs.get(blob.digest);
      if (putting === undefined) {
        putting = put(blob);
        session.blobs.set(blob.digest, putting);
      }
      try {
        outcomes[blob.digest] = await putting;
      } catch (error) {
        failure ??= { error };
        stop.abort(error);
      }
    }),
  );
  if (failure !== undefined) throw failure.error;
  return outcomes;
}

function sizeOf(blobs: readonly BlobSource[], digest: Digest): number {
  return blobs.find((b) => b.digest === digest)?.size ?? 0;
}

/** Keeps a pushed manifest in the content cache, so that the next push over it learns its blobs without a request (held-blobs.ts). */
function remember(target: Reference, options: PushOptions, manifest: CachedManifest): Promise<void> {
  return options.transport.contentCache?.putManifest(manifest, locationKeyOf(target.registry, target.repository)) ?? Promise.resolve();
}

/** PUT the manifest bytes as they are, with their own media type as Content-Type (distribution rejects anything else). */
async function putManifest(
  target: Reference,
  identifier: string,
  manifest: { mediaType: MediaType; raw: Uint8Array; scopes: readonly string[] },
  options: PushOptions,
): Promise<void> {
  const response = await options.transport.request({
    registry: target.registry,
    method: 'PUT',
    path: `/v2/${target.repository}/manifests/${identifier}`,
    scopes: manifest.scopes,
    expect: [201],
    headers: { 'Content-Type': manifest.mediaType },
    body: manifest.raw,
    signal: options.signal,
  });
  await response.arrayBuffer();
}

/**
 * Points each extra tag at the manifest, skipping tags that already name it. Tags written only with
 * a new push (timestamp tags) are new names, so they are put without asking first: putting a tag
 * that happens to name the manifest already changes nothing.
 */
async function finishTags(
  target: Reference,
  manifest: { digest: Digest; mediaType: MediaType; raw: () => Promise<Uint8Array> },
  options: PushOptions,
  outcome: { blobs: Record<Digest, BlobOutcome>; changed: boolean },
): Promise<PushResult> {
  let changed = outcome.changed;
  const check = !(outcome.changed && options.tagsOnlyWhenPushed === true);
  for (const tag of options.tags ?? []) {
    const tagged = { ...target, tag, digest: undefined };
    if (check && (await alreadyThere(tagged, manifest.digest, options))) continue;
    await putManifest(tagged, tag, { mediaType: manifest.mediaType, raw: await manifest.raw(), scopes: [pushScope(target.repository)] }, options);
    changed = true;
  }
  return { ref: target, digest: manifest.digest, changed, blobs: outcome.blobs };
}
