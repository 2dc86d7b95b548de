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
  /** The digest the reference names now (undefined: nothing there yet). */
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
  const currentDigest = async (reference: string, options: WriteImageOptions): Promise<Digest | undefined> => {
    try {
      const read = await images.readImage(reference, { keychain: options.keychain, ...(options.signal ? { signal: options.signal } : {}) });
      return digestOf(read.identifier);
    } catch (error) {
      if (isNothingThere(error)) return undefined;
      throw error;
    }
  };
  const writeImage = async (image: Pick<Image, 'digest'>, reference: string, options: WriteImageOptions): Promise<WriteResult> => {
    const digest = await image.digest(options);
    const current = await currentDigest(reference, options);
    held.push({ reference, digest, ...(current === undefined ? {} : { current }) });
    return { identifier: identifierOf(reference, digest), digest, pushed: current !== digest };
  };
  const writeIndex = async (index: ImageIndex, reference: string, options: WriteImageOptions): Promise<WriteResult> => writeImage(index, reference, options);
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
