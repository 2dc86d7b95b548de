/**
 * Resolves a ClusterStack: fetches its build and run images with the stack's keychain, pins each
 * by `<repository>@<digest>`, and checks them with kpack's stack rules (every problem at once).
 */
import type { Resource } from '../api/index.ts';
import type { StackRecord } from '../cnb/index.ts';
import { readStackRecord } from '../cnb/index.ts';
import type { IoOptions, Keychain } from '../oci/index.ts';
import { SourceReadError, type SourceFailure } from './errors.ts';
import type { FetchedImage, ImageAccess } from './ports.ts';

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

/**
 * The StackRecord for the spec. Throws SourceReadError when an image cannot be read (both are
 * tried), or ValidationError listing every stack-rule problem.
 */
export async function resolveStack(input: ResolveStackInput, deps: ResolveStackDeps): Promise<StackRecord> {
  const read = (image: string): Promise<FetchedImage> =>
    deps.images.readImage(input.pins?.get(image) ?? image, { keychain: input.keychain, signal: deps.signal });
  const [build, run] = await Promise.allSettled([read(input.buildImage), read(input.runImage)]);
  const failures: SourceFailure[] = [];
  if (build.status === 'rejected') failures.push({ path: 'spec.buildImage.image', image: input.buildImage, error: build.reason });
  if (run.status === 'rejected') failures.push({ path: 'spec.runImage.image', image: input.runImage, error: run.reason });
  if (build.status === 'rejected' || run.status === 'rejected') throw new SourceReadError(failures);
  return readStackRecord(
    {
      id: input.id,
      buildImage: build.value.image,
      runImage: run.value.image,
      buildRef: build.value.identifier,
      runRef: run.value.identifier,
      buildSpec: input.buildImage,
      runSpec: input.runImage,
    },
    { signal: deps.signal },
  );
}
