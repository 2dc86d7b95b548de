/**
 * The image-reference rules the api module's validation takes (it has no reference grammar of its
 * own): Docker's rules through the OCI reference parser, and a builder tag that must not be a digest.
 */
import { parseReference } from '../oci/index.ts';
import { messageOf } from '../shared/index.ts';

/**
 * A problem with a reference, or undefined when it is fine, for an image and for a builder tag. The
 * same shape as api's ReferenceChecks, which app may not import; compose hands these to api.
 */
export interface ReferenceRules {
  image(reference: string): string | undefined;
  tag(reference: string): string | undefined;
}

/** Runs `check`, turning a thrown parse error into its message (the problem validation reports). */
export function problemOf(check: () => string | undefined): string | undefined {
  try {
    return check();
  } catch (error) {
    return messageOf(error);
  }
}

/**
 * Reference checks backed by the OCI reference grammar (Docker's rules: tag and digest syntax,
 * 128-character tags, registry detection). A builder tag must not carry a digest.
 */
export const imageReferenceChecks: ReferenceRules = {
  image: (reference) => problemOf(() => void parseReference(reference)),
  tag: (reference) =>
    problemOf(() =>
      parseReference(reference).digest === undefined
        ? undefined
        : 'must be a tag such as registry.example.com/team/builder:tag, not a digest; the builder is pushed to it',
    ),
};
