/**
 * An image index over images already at hand (one per platform), encoded canonically: members in
 * the order given, each descriptor carrying its manifest's media type, digest, size and platform,
 * so the same members always give the same index bytes and digest. Children stay the images given
 * (lazy as they are); a push or layout write takes them from here.
 */
import { NotFoundError } from '../shared/index.ts';
import { sha256Digest, type Digest } from './digest.ts';
import { OciFormatError } from './errors.ts';
import type { Descriptor, Image, ImageIndex, IndexManifest, IoOptions, PlatformImage, Platform } from './image.ts';
import { mediaTypes } from './media-types.ts';
import { formatPlatform, samePlatform } from './platform.ts';

function platformField(platform: Platform): Platform {
  // Key order fixed here: the index bytes must not depend on how the caller spelled the object.
  return {
    architecture: platform.architecture,
    os: platform.os,
    ...(platform['os.version'] ? { 'os.version': platform['os.version'] } : {}),
    ...(platform.variant ? { variant: platform.variant } : {}),
  };
}

async function descriptorOf(member: PlatformImage, io: IoOptions): Promise<Descriptor> {
  const [mediaType, digest, raw] = await Promise.all([member.image.mediaType(io), member.image.digest(io), member.image.rawManifest(io)]);
  return { mediaType, digest, size: raw.length, platform: platformField(member.platform) };
}

/**
 * An OCI image index over `members` (at least one, no platform twice). Reads only the members'
 * manifests. Throws OciFormatError for an empty list or a repeated platform.
 */
export async function indexFromImages(members: readonly PlatformImage[], io: IoOptions = {}): Promise<ImageIndex> {
  if (members.length === 0) throw new OciFormatError('an image index needs at least one image');
  members.forEach((member, i) => {
    if (members.slice(0, i).some((earlier) => samePlatform(earlier.platform, member.platform))) {
      throw new OciFormatError(`platform ${formatPlatform(member.platform)} is listed twice in the index`);
    }
  });
  const manifests = await Promise.all(members.map((member) => descriptorOf(member, io)));
  const index: IndexManifest = { schemaVersion: 2, mediaType: mediaTypes.ociIndex, manifests };
  const raw = new TextEncoder().encode(JSON.stringify(index));
  const digest = sha256Digest(raw);
  const byDigest = new Map<Digest, Image>(manifests.map((d, i) => [d.digest, members[i]?.image as Image]));
  return {
    mediaType: () => Promise.resolve(mediaTypes.ociIndex),
    rawManifest: () => Promise.resolve(Uint8Array.from(raw)),
    indexManifest: () => Promise.resolve(structuredClone(index)),
    digest: () => Promise.resolve(digest),
    image: (child) => {
      const image = byDigest.get(child);
      return image ? Promise.resolve(image) : Promise.reject(new NotFoundError(`index ${digest} has no image ${child}`));
    },
    imageIndex: (child) => Promise.reject(new NotFoundError(`index ${digest} has no nested index ${child}`)),
  };
}
