/**
 * An ImageAccess that reads as the one it wraps but never writes: `writeImage` computes the digest
 * the write would give, reads what the reference names now, and answers as the write would have
 * (`pushed` = the write would push). It is how `plan` runs the real builder path (resolution,
 * compatibility, assembly) without leaving anything in a registry or layout, and it records each
 * write it held back so the caller can show them.
 */
import { parseLayoutReference, type Digest, type Image, type ImageIndex } from '../oci/index.ts';
import { isNothingThere } from './nothing-there.ts';
import type { ImageAccess, WriteImageOptions, WriteResult } from './ports.ts';

/** A write that was held back. */
export interface HeldWrite {
  reference: string;
  digest: Digest;
  /** The digest the reference names now (undefined: nothing there yet, or something else: an index where an image goes, other members). */
  current?: Digest;
}

/** The wrapping access and the writes it held back, in order. */
export interface DryRunImages {
  images: ImageAccess;
  held(): readonly HeldWrite[];
}

/** What WriteResult's identifier is for `reference` (ports.ts: as given for a registry, `oci:PATH@` for a layout). */
function identifierOf(reference: string, digest: Digest): string {
  const layout = parseLayoutReference(reference);
  return layout ? `oci:${layout.path}@${digest}` : `${reference}@${digest}`;
}

const digestOf = (identifier: string): Digest | undefined => identifier.slice(identifier.lastIndexOf('@') + 1) as Digest;

/** Wraps `images` so that every write is only compared (see the module header). */
export function dryRunImages(images: ImageAccess): DryRunImages {
  const held: HeldWrite[] = [];
  // What the reference names now: the digests of its images (one for an image, several for an index).
  const currentMembers = async (reference: string, options: WriteImageOptions): Promise<Digest[] | undefined> => {
    try {
      const members = await images.readImages(reference, { keychain: options.keychain, ...(options.signal ? { signal: options.signal } : {}) });
      return members.flatMap((m) => {
        const digest = digestOf(m.identifier);
        return digest ? [digest] : [];
      });
    } catch (error) {
      if (isNothingThere(error)) return undefined;
      throw error;
    }
  };
  const hold = (reference: string, digest: Digest, current: Digest | undefined): WriteResult => {
    held.push({ reference, digest, ...(current === undefined ? {} : { current }) });
    return { identifier: identifierOf(reference, digest), digest, pushed: current !== digest };
  };
  // An index there is never the image (its digest is the index's); one image there is compared by digest.
  const writeImage = async (image: Image, reference: string, options: WriteImageOptions): Promise<WriteResult> => {
    const there = await currentMembers(reference, options);
    return hold(reference, await image.digest(options), there?.length === 1 ? there[0] : undefined);
  };
  // The port reads images, not index manifests: the index there counts as this one when it has the
  // same members in the same order (its bytes follow from them: indexFromImages is canonical).
  const writeIndex = async (index: ImageIndex, reference: string, options: WriteImageOptions): Promise<WriteResult> => {
    const there = await currentMembers(reference, options);
    const wanted = (await index.indexManifest(options)).manifests.map((m) => m.digest);
    const digest = await index.digest(options);
    const same = there !== undefined && there.length === wanted.length && there.every((d, i) => d === wanted[i]);
    return hold(reference, digest, same ? digest : undefined);
  };
  return {
    images: {
      readImage: (reference, options) => images.readImage(reference, options),
      readImages: (reference, options) => images.readImages(reference, options),
      writeImage,
      writeIndex,
      lazyLayer: (blob) => images.lazyLayer(blob),
    },
    held: () => held,
  };
}
