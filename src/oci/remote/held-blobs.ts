/**
 * The blobs a repository is known to hold because a manifest it serves references them: a
 * registry accepts a manifest only once its blobs are in the repository, and keeps them while
 * the manifest is there. A push that replaces a tag reads the manifest the tag named before (an
 * index and its images; from the content cache when it is there, as it is after packsmith pushed
 * it) and skips the existence check of every blob the new image shares with it, which on a
 * rebuild is nearly all of them.
 */
import type { Digest } from '../digest.ts';
import type { Descriptor, Manifest } from '../image.ts';
import { parseAnyManifest, type AnyManifest } from '../manifest.ts';
import { isIndexMediaType } from '../media-types.ts';
import { getManifest, type RepositoryContext } from './manifest-fetch.ts';

/** Images of an index read for their blobs at most; a builder index has one per platform. */
const maxImages = 16;

// Foreign (non-distributable) layers are referenced by URL and need not be in the repository.
const isDistributable = (layer: Descriptor): boolean => (layer.urls?.length ?? 0) === 0 && !/foreign|nondistributable/.test(layer.mediaType);

/**
 * The config and layer digests of the manifest `digest` names in `context`'s repository, and of
 * the images of an index (nested indexes are not followed). Best effort: any failure other than
 * an abort gives an empty set, and the blobs are then checked one by one as before.
 */
export async function blobsHeldBy(context: RepositoryContext, digest: Digest): Promise<Set<Digest>> {
  try {
    const top = await read(context, digest);
    const images = top.kind === 'index' ? top.index.manifests.filter((m) => !isIndexMediaType(m.mediaType)).slice(0, maxImages) : [];
    const manifests = top.kind === 'image' ? [top.manifest] : await Promise.all(images.map(async (m) => imageOf(await read(context, m.digest))));
    return new Set(manifests.flatMap((m) => (m === undefined ? [] : [m.config.digest, ...m.layers.filter(isDistributable).map((l) => l.digest)])));
  } catch (error) {
    if (context.signal?.aborted === true) throw error;
    return new Set();
  }
}

async function read(context: RepositoryContext, digest: Digest): Promise<AnyManifest> {
  const fetched = await getManifest(context, digest);
  return parseAnyManifest(fetched.bytes, fetched.contentType, { expectedDigest: digest });
}

const imageOf = (parsed: AnyManifest): Manifest | undefined => (parsed.kind === 'image' ? parsed.manifest : undefined);
