/**
 * Reference rules of local mode: registry references as the app's checks say, plus the local images
 * this module reads and writes (`oci:PATH[:TAG]`, `oci:PATH@DIGEST`, `PATH.cnb`).
 */
import { imageReferenceChecks, problemOf, type ReferenceRules } from '../app/index.ts';
import { parseLocalReference } from './local-images.ts';

/**
 * Reference checks for local mode: registry references as above, plus local images (`oci:PATH[:TAG]`,
 * `oci:PATH@DIGEST`, `PATH.cnb`); a builder tag may be `oci:PATH[:TAG]` but not a digest or a `.cnb`.
 */
export const localReferenceChecks: ReferenceRules = {
  image: (reference) => (problemOf(() => (parseLocalReference(reference) ? undefined : imageReferenceChecks.image(reference))) ?? undefined),
  tag: (reference) =>
    problemOf(() => {
      const local = parseLocalReference(reference);
      if (!local) return imageReferenceChecks.tag(reference);
      if (local.kind === 'cnb-file') return 'builders are written to a registry or to oci:PATH[:TAG], not to a .cnb file';
      return local.digest === undefined ? undefined : 'must be oci:PATH[:TAG], not a digest; the builder is written to it';
    }),
};
