/**
 * One check of an image an update policy follows: the tag to follow (the one written in the image,
 * or the highest tag of the repository that satisfies the policy's semver range, from the tag
 * list) and the digest it names now, by one HEAD of the manifest. Nothing else is read: no manifest
 * GET, no config, no blob.
 */
import semver from 'semver';
import { followsRange, type UpdatePolicy } from '../api/index.ts';
import { defaultTag, parseReference, repositoryOf, withTag } from '../oci/index.ts';
import { MissingDependencyError } from '../shared/index.ts';
import type { Keychain } from '../oci/index.ts';
import type { TagAccess } from './ports.ts';

/** What a check found for one image. */
export interface TagCheck {
  /** The image as the spec writes it. */
  image: string;
  tag: string;
  digest: string;
}

/** The highest tag that is a semver version satisfying `range` (a leading `v` allowed); undefined when none does. */
export function highestMatchingTag(tags: readonly string[], range: string): string | undefined {
  let best: { tag: string; version: string } | undefined;
  for (const tag of tags) {
    const version = semver.valid(tag);
    if (version === null || !semver.satisfies(version, range)) continue;
    if (best === undefined || semver.gt(version, best.version)) best = { tag, version };
  }
  return best?.tag;
}

/** What `checkTag` needs. */
export interface CheckTagDeps {
  tags: TagAccess;
  keychain: Keychain;
  signal?: AbortSignal;
}

async function tagToFollow(image: string, policy: UpdatePolicy, deps: CheckTagDeps): Promise<string> {
  const ref = parseReference(image);
  if (!followsRange(policy)) return ref.tag ?? defaultTag;
  const range = policy.tags ?? '';
  const tags = await deps.tags.listTags(repositoryOf(ref), { keychain: deps.keychain, signal: deps.signal });
  const tag = highestMatchingTag(tags, range);
  if (tag === undefined) throw new MissingDependencyError([`no tag of ${repositoryOf(ref)} satisfies "${range}" (${tags.length} tags listed)`]);
  return tag;
}

/** The tag `image` follows under `policy` and its digest now; MissingDependencyError when the tag does not exist. */
export async function checkTag(image: string, policy: UpdatePolicy, deps: CheckTagDeps): Promise<TagCheck> {
  const tag = await tagToFollow(image, policy, deps);
  const reference = withTag(parseReference(image), tag).original;
  const digest = await deps.tags.headDigest(reference, { keychain: deps.keychain, signal: deps.signal });
  if (digest === undefined) throw new MissingDependencyError([`${reference} does not exist`]);
  return { image, tag, digest };
}
