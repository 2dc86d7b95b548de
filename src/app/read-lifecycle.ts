/**
 * Reads a ClusterLifecycle: fetches the lifecycle image with the lifecycle's keychain, pins it by
 * `<repository>@<digest>` and takes its version and APIs from the labels.
 */
import type { LifecycleRecord } from '../cnb/index.ts';
import { readLifecycleRecord } from '../cnb/index.ts';
import type { IoOptions, Keychain } from '../oci/index.ts';
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
  const fetched = await deps.images.readImage(input.read ?? input.image, { keychain: input.keychain, signal: deps.signal });
  return readLifecycleRecord(fetched.image, { image: input.image, latestImage: fetched.identifier }, { signal: deps.signal });
}
