/**
 * Resolves a ClusterStack: fetches its build and run images with the stack's keychain, pins each
 * by `<repository>@<digest>`, and checks them with kpack's stack rules (every problem at once).
 * When both images are indexes, every platform they both provide is checked the same way and
 * listed in `platforms`; the top-level fields stay those of the default platform (linux/amd64 when
 * offered, what kpack resolves), so a kpack reader sees what it always saw.
 */
import type { Resource } from '../api/index.ts';
import type { StackPlatform, StackRecord } from '../cnb/index.ts';
import { readStackRecord } from '../cnb/index.ts';
import { defaultPlatform, formatPlatform, samePlatform, type IoOptions, type Keychain } from '../oci/index.ts';
import { ValidationError, type ValidationIssue } from '../shared/index.ts';
import { SourceReadError, type SourceFailure } from './errors.ts';
import type { FetchedPlatformImage, ImageAccess } from './ports.ts';

/** A stack spec with its credentials. */
export interface ResolveStackInput {
  id: string;
  buildImage: string;
  runImage: string;
  keychain: Keychain;
  /** References to read instead of the spec's images (digests an update policy recorded), by spec image. */
  pins?: ReadonlyMap<string, string>;
}

/** The stack id and images a ClusterStack names ('' where the spec leaves one out: validation names it). */
export function stackImagesOf(stack: Resource<'ClusterStack'>): Omit<ResolveStackInput, 'keychain'> {
  const { id = '', buildImage, runImage } = stack.spec;
  return { id, buildImage: buildImage?.image ?? '', runImage: runImage?.image ?? '' };
}

/** What `resolveStack` needs. */
export interface ResolveStackDeps extends IoOptions {
  images: ImageAccess;
}

type Pair = { build: FetchedPlatformImage; run: FetchedPlatformImage };

/** The build/run pairs of every platform both offer, in the build image's order; a single image pairs with anything. */
function pairsOf(build: readonly FetchedPlatformImage[], run: readonly FetchedPlatformImage[]): Pair[] | ValidationIssue {
  const [onlyBuild] = build;
  const [onlyRun] = run;
  // Two single images: kpack's pair, whatever platforms their configs name.
  if (build.length === 1 && run.length === 1 && onlyBuild && onlyRun) return [{ build: onlyBuild, run: onlyRun }];
  const pairs = build.flatMap((b) => {
    const r = run.find((candidate) => samePlatform(candidate.platform, b.platform));
    return r ? [{ build: b, run: r }] : [];
  });
  if (pairs.length > 0) return pairs;
  const list = (images: readonly FetchedPlatformImage[]): string => images.map((i) => formatPlatform(i.platform)).join(', ') || '(none)';
  return { path: 'runImage', message: `the build image offers ${list(build)} and the run image ${list(run)}: no platform in common` };
}

/**
 * The StackRecord for the spec. Throws SourceReadError when an image cannot be read (both are
 * tried), or ValidationError listing every stack-rule problem (of every platform).
 */
export async function resolveStack(input: ResolveStackInput, deps: ResolveStackDeps): Promise<StackRecord> {
  const read = (image: string): Promise<FetchedPlatformImage[]> =>
    deps.images.readImages(input.pins?.get(image) ?? image, { keychain: input.keychain, signal: deps.signal });
  const [build, run] = await Promise.allSettled([read(input.buildImage), read(input.runImage)]);
  const failures: SourceFailure[] = [];
  if (build.status === 'rejected') failures.push({ path: 'spec.buildImage.image', image: input.buildImage, error: build.reason });
  if (run.status === 'rejected') failures.push({ path: 'spec.runImage.image', image: input.runImage, error: run.reason });
  if (build.status === 'rejected' || run.status === 'rejected') throw new SourceReadError(failures);
  const pairs = pairsOf(build.value, run.value);
  if (!Array.isArray(pairs)) throw new ValidationError([pairs]);
  const records = await Promise.allSettled(pairs.map((pair) => recordOf(input, pair, deps)));
  const issues = records.flatMap((r, i) => (r.status === 'fulfilled' ? [] : issuesOf(r.reason, pairs.length > 1 ? pairs[i] : undefined)));
  if (issues.length > 0) throw new ValidationError(issues);
  const values = records.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const chosen = values[
    Math.max(
      0,
      pairs.findIndex((p) => samePlatform(p.build.platform, defaultPlatform)),
    )
  ] as StackRecord;
  if (values.length === 1) return chosen;
  const platforms: StackPlatform[] = values.map((v) => ({
    target: v.target ?? { os: '', arch: '' },
    buildImage: v.buildImage.latestImage,
    runImage: v.runImage.latestImage,
  }));
  return { ...chosen, platforms };
}

function recordOf(input: ResolveStackInput, pair: Pair, deps: ResolveStackDeps): Promise<StackRecord> {
  return readStackRecord(
    {
      id: input.id,
      buildImage: pair.build.image,
      runImage: pair.run.image,
      buildRef: pair.build.identifier,
      runRef: pair.run.identifier,
      buildSpec: input.buildImage,
      runSpec: input.runImage,
    },
    { signal: deps.signal },
  );
}

// A platform's problems say which platform they are about; a non-validation error is rethrown as it is.
function issuesOf(error: unknown, pair: Pair | undefined): ValidationIssue[] {
  if (!(error instanceof ValidationError)) throw error;
  if (pair === undefined) return [...error.issues];
  return error.issues.map((i) => ({ ...i, message: `${formatPlatform(pair.build.platform)}: ${i.message}` }));
}
