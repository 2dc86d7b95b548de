/**
 * Reads a ClusterLifecycle: fetches the lifecycle image with the lifecycle's keychain, pins it by
 * `<repository>@<digest>` and takes its version and APIs from the labels. A lifecycle index (as
 * `buildpacksio/lifecycle` is) is read from its default platform's image (linux/amd64 when
 * offered, as kpack pins it) and lists every platform's image in `platforms`.
 */
import type { LifecycleRecord } from '../cnb/index.ts';
import { readLifecycleRecord, toTarget } from '../cnb/index.ts';
import { defaultPlatform, samePlatform, type IoOptions, type Keychain } from '../oci/index.ts';
import { NotFoundError } from '../shared/index.ts';
import type { ImageAccess } from './ports.ts';

/** A lifecycle spec with its credentials. */
export interface ReadLifecycleInput {
  image: string;
  keychain: Keychain;
  /** The reference to read instead of `image` (the digest an update policy recorded). */
  read?: string;
}

/** What `readLifecycle` needs. */
export interface ReadLifecycleDeps extends IoOptions {
  images: ImageAccess;
}

/** The LifecycleRecord of the image; ValidationError listing every label problem. */
export async function readLifecycle(input: ReadLifecycleInput, deps: ReadLifecycleDeps): Promise<LifecycleRecord> {
  const members = await deps.images.readImages(input.read ?? input.image, { keychain: input.keychain, signal: deps.signal });
  const fetched = members.find((m) => samePlatform(m.platform, defaultPlatform)) ?? members[0];
  if (fetched === undefined) throw new NotFoundError(`${input.image} names no images`);
  const record = await readLifecycleRecord(fetched.image, { image: input.image, latestImage: fetched.identifier }, { signal: deps.signal });
  if (members.length === 1) return record;
  return { ...record, platforms: members.map((m) => ({ ...toTarget(m.platform), latestImage: m.identifier })) };
}
