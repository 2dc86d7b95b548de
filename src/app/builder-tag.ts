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

/**
 * Hands out the timestamp tag of each push, unique per repository within this process. kpack's
 * 14-digit tag has whole seconds, so two builders pushed to one repository in the same second (a
 * store change rebuilding many builders) would share it and the first would lose its history entry;
 * the second gets `<timestamp>-2`, the third `-3`. Only the latest second is remembered per repository.
 */
export class TimestampTags {
  readonly #latest = new Map<string, { tag: string; count: number }>();

  /** The tag for a push of `resolvedTag` (a tag reference, as `resolveBuilderTag` gives) at `date`. */
  next(resolvedTag: string, date: Date): string {
    const repository = resolvedTag.slice(0, resolvedTag.lastIndexOf(':'));
    const tag = timestampTag(date);
    const latest = this.#latest.get(repository);
    const count = latest?.tag === tag ? latest.count + 1 : 1;
    this.#latest.set(repository, { tag, count });
    return count === 1 ? tag : `${tag}-${count}`;
  }
}

/** One per process: every builder this process pushes draws from it unless given its own. */
export const processTimestampTags = new TimestampTags();

/** `YYYYMMDDhhmmss` in the clock's local time, as kpack tags each push. */
export function timestampTag(date: Date): string {
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${date.getFullYear()}${two(date.getMonth() + 1)}${two(date.getDate())}${two(date.getHours())}${two(date.getMinutes())}${two(date.getSeconds())}`;
}
