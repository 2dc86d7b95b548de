/**
 * Reads the buildpacks a ClusterStore, Buildpack or ClusterBuildpack offers: every source image is
 * fetched (manifest and config only) with the resource's keychain, a bounded number at once, and the
 * records of all sources are merged in kpack's deterministic store order. Every failing source is
 * reported, not only the first. A source that is an image index (or manifest list) is read per
 * platform, manifests and configs only, and each buildpack lists the platforms it is available for.
 */
import type { Resource } from '../api/index.ts';
import type { BuildpackRecord } from '../cnb/index.ts';
import { mergePlatformRecords, readBuildpackRecords, sortBuildpackRecords } from '../cnb/index.ts';
import type { IoOptions, Keychain } from '../oci/index.ts';
import { createLimiter } from '../shared/index.ts';
import { SourceReadError, type SourceFailure } from './errors.ts';
import type { ImageAccess } from './ports.ts';

/** One source image and the spec path that names it (for error messages). */
export interface StoreSource {
  image: string;
  /** e.g. `spec.sources[0]` (default) or `spec.image`. */
  path?: string;
  /** The reference to read instead of `image` (the digest an update policy recorded); records still name `image`. */
  read?: string;
}

/** The images a ClusterStore (`spec.sources`), Buildpack or ClusterBuildpack (`spec.image`) names, with their spec paths. */
export function storeSourcesOf(
  resource: Resource<'ClusterStore'> | Resource<'Buildpack'> | Resource<'ClusterBuildpack'>,
  pins: ReadonlyMap<string, string> = new Map(),
): StoreSource[] {
  const source = (image: string, path: string): StoreSource => {
    const read = pins.get(image);
    return { image, path, ...(read ? { read } : {}) };
  };
  if (resource.kind === 'ClusterStore') return (resource.spec.sources ?? []).map((s, i) => source(s.image ?? '', `spec.sources[${i}]`));
  return [source(resource.spec.image ?? '', 'spec.image')];
}

/** What `readStore` reads. */
export interface ReadStoreInput {
  sources: readonly StoreSource[];
  /** The resource's credentials, used for every source. */
  keychain: Keychain;
}

/** What `readStore` needs. */
export interface ReadStoreDeps extends IoOptions {
  images: ImageAccess;
  /** Sources read at once (default 4). */
  concurrency?: number;
}

/** One source as read: the image as the spec wrote it, where each of its images is pinned (`<repository>@<digest>`, one per platform of an index, in index order), and its buildpacks. */
export interface ReadSource {
  image: string;
  pinned: string[];
  records: BuildpackRecord[];
}

/**
 * Every source, in spec order, with its pinned reference and buildpacks.
 * Throws SourceReadError naming each source that failed, with its path and reason.
 */
export async function readStoreSources(input: ReadStoreInput, deps: ReadStoreDeps): Promise<ReadSource[]> {
  const limit = createLimiter(deps.concurrency ?? 4);
  const io = { signal: deps.signal };
  // Every source is read (none stops the others); each outcome keeps its source for the failure.
  const outcomes = await Promise.all(
    input.sources.map((source, i) =>
      limit(async (): Promise<ReadSource> => {
        // An index gives one image per platform; their records merge into one per buildpack listing its platforms.
        const members = await deps.images.readImages(source.read ?? source.image, { keychain: input.keychain, ...io });
        const read = await Promise.all(members.map(async (m) => ({ platform: m.platform, records: await readBuildpackRecords(m.image, source.image, io) })));
        return { image: source.image, pinned: members.map((m) => m.identifier), records: mergePlatformRecords(read) };
      }).then(
        (read): { read: ReadSource } => ({ read }),
        (error: unknown): { failure: SourceFailure } => ({ failure: { path: source.path ?? `spec.sources[${i}]`, image: source.image, error } }),
      ),
    ),
  );
  const failures: SourceFailure[] = [];
  const read: ReadSource[] = [];
  for (const outcome of outcomes) {
    if ('read' in outcome) read.push(outcome.read);
    else failures.push(outcome.failure);
  }
  if (failures.length > 0) throw new SourceReadError(failures);
  return read;
}

/** Every buildpack of every source, sorted by `id@version` then source image (duplicates kept); fails as `readStoreSources`. */
export async function readStore(input: ReadStoreInput, deps: ReadStoreDeps): Promise<BuildpackRecord[]> {
  return sortBuildpackRecords((await readStoreSources(input, deps)).flatMap((source) => source.records));
}
