/**
 * Reference rules of local mode: registry references as the app's checks say, plus the local images
 * this module reads and writes (`oci:PATH[:TAG]`, `oci:PATH@DIGEST`, `PATH.cnb`).
 */
import { imageReferenceChecks, problemOf, type ReferenceRules } from '../app/index.ts';
import { parseLocalReference } from './local-images.ts';

/**
 * A registry reference never starts with `/` or `.`, so such a value is a file path that lacks the
 * `oci:` prefix of a layout (a `.cnb` file is recognised without one).
 */
function pathHint(reference: string): string | undefined {
  if (!/^\.{0,2}\//.test(reference)) return undefined;
  return `${reference} is a path, not an image reference: did you mean oci:${reference}?`;
}

/**
 * Reference checks for local mode: registry references as above, plus local images (`oci:PATH[:TAG]`,
 * `oci:PATH@DIGEST`, `PATH.cnb`); a builder tag may be `oci:PATH[:TAG]` but not a digest or a `.cnb`.
 */
export const localReferenceChecks: ReferenceRules = {
  image: (reference) =>
    problemOf(() => (parseLocalReference(reference) ? undefined : (pathHint(reference) ?? imageReferenceChecks.image(reference)))) ?? undefined,
  tag: (reference) =>
    problemOf(() => {
      const local = parseLocalReference(reference);
      if (!local) return pathHint(reference) ?? imageReferenceChecks.tag(reference);
      if (local.kind === 'cnb-file') return 'builders are written to a registry or to oci:PATH[:TAG], not to a .cnb file';
      return local.digest === undefined ? undefined : 'must be oci:PATH[:TAG], not a digest; the builder is written to it';
    }),
};
