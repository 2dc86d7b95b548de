/**
 * The references a builder is written to, with kpack's rules: a builder tag that is `latest`
 * (implicitly or explicitly) becomes `builder-<namespace>-<name>` (`clusterbuilder-<name>` for a
 * ClusterBuilder); the run image goes to the same repository under `<tag>-run-image`; every push
 * also gets a 14-digit local-time tag. Registry references are normalised; local layouts
 * (`oci:PATH[:TAG]`) follow the same tag rules.
 */
import { defaultTag, formatLayoutReference, formatReference, parseLayoutReference, parseReference, withTag } from '../oci/index.ts';
import { ValidationError, messageOf } from '../shared/index.ts';

/** Which builder a tag belongs to. */
export interface BuilderIdentity {
  kind: 'Builder' | 'ClusterBuilder';
  name: string;
  /** Builders only; `default` when absent. */
  namespace?: string;
}

function generatedTag(builder: BuilderIdentity): string {
  return builder.kind === 'ClusterBuilder' ? `clusterbuilder-${builder.name}` : `builder-${builder.namespace ?? 'default'}-${builder.name}`;
}

function unparseable(tag: string, detail: string, cause?: unknown): ValidationError {
  return new ValidationError([{ path: 'spec.tag', message: `could not parse reference: ${tag} (${detail})` }], { cause });
}

/** Replaces the tag of `reference` (registry or layout) by `next(tag)`; ValidationError when it cannot be a tag. */
function retag(reference: string, next: (tag: string) => string): string {
  const layout = parseLayoutReference(reference);
  if (layout?.kind === 'cnb-file') throw unparseable(reference, 'builders are written to a registry or to oci:PATH[:TAG], not to a .cnb file');
  if (layout) {
    if (layout.digest !== undefined) throw unparseable(reference, 'give a tag, not a digest');
    return formatLayoutReference({ kind: 'oci-layout', path: layout.path, tag: next(layout.tag ?? defaultTag) });
  }
  let parsed;
  try {
    parsed = parseReference(reference);
  } catch (cause) {
    throw unparseable(reference, messageOf(cause), cause);
  }
  if (parsed.digest !== undefined) throw unparseable(reference, 'give a tag, not a digest');
  try {
    return formatReference(withTag(parsed, next(parsed.tag ?? defaultTag)));
  } catch (cause) {
    throw unparseable(reference, messageOf(cause), cause);
  }
}

/** The tag the builder is pushed to: `spec.tag` normalised, `latest` replaced by the generated tag. */
export function resolveBuilderTag(tag: string, builder: BuilderIdentity): string {
  return retag(tag, (current) => (current === defaultTag ? generatedTag(builder) : current));
}

/** Where the run image is copied to: the resolved builder tag with `-run-image` appended. */
export function runImageTag(resolvedTag: string): string {
  return retag(resolvedTag, (current) => `${current}-run-image`);
}

/** `YYYYMMDDhhmmss` in the clock's local time, as kpack tags each push. */
export function timestampTag(date: Date): string {
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${date.getFullYear()}${two(date.getMonth() + 1)}${two(date.getDate())}${two(date.getHours())}${two(date.getMinutes())}${two(date.getSeconds())}`;
}
