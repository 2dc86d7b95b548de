/**
 * The CLI's syntax for local images: `oci:PATH[:TAG]`, `oci:PATH@DIGEST`, `file:PATH` and any path
 * ending in `.cnb`. Anything else is left to the registry reference parser.
 */
import { existsSync } from 'node:fs';
import { isDigest, type Digest } from '../digest.ts';
import { OciFormatError } from '../errors.ts';

/** A parsed local image reference. */
export type LayoutReference = { kind: 'oci-layout'; path: string; tag?: string; digest?: Digest } | { kind: 'cnb-file'; path: string };

/** Options for `parseLayoutReference`. */
export interface ParseLayoutReferenceOptions {
  /** Whether a path exists; injectable for tests. Defaults to a synchronous file-system check. */
  exists?: (path: string) => boolean;
}

/** Tags as the distribution spec defines them. */
const tagPattern = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;

/**
 * Parses a local image reference, or returns undefined when `value` is not one (a registry reference).
 *
 * - `file:PATH` and any other value ending in `.cnb` → `{ kind: 'cnb-file', path }`.
 * - `oci:PATH@ALG:HEX` → a layout with a digest (split at the last `@` followed by a valid digest;
 *   `@sha256:` followed by anything else is an error).
 * - `oci:PATH:TAG` → a layout with a tag. Because PATH may itself contain `:`, the rule is:
 *   1. if the whole of PATH (including any `:`) exists on disk, it is all path and there is no tag;
 *   2. otherwise, when the text after the **last** `:` is a valid tag (`[A-Za-z0-9_][A-Za-z0-9._-]{0,127}`,
 *      so it contains no `/`) and the text before it is a non-empty path, that text is PATH and the rest is the tag;
 *   3. otherwise the whole of PATH is the path and there is no tag.
 *   Thus `oci:/tmp/a:b:v1` is path `/tmp/a:b`, tag `v1`; `oci:/tmp/x:y/z` is path `/tmp/x:y/z`; and a
 *   directory literally named `/tmp/img:v1` wins over the reading "`/tmp/img`, tag `v1`" when it exists.
 * Throws OciFormatError for `oci:` or `file:` with an empty path.
 */
export function parseLayoutReference(value: string, options: ParseLayoutReferenceOptions = {}): LayoutReference | undefined {
  if (value.startsWith('file:')) return { kind: 'cnb-file', path: requirePath(value.slice('file:'.length), value) };
  if (value.startsWith('oci:')) return parseOci(value.slice('oci:'.length), value, options.exists ?? existsSync);
  if (value.endsWith('.cnb')) return { kind: 'cnb-file', path: value };
  return undefined;
}

function parseOci(rest: string, value: string, exists: (path: string) => boolean): LayoutReference {
  const at = rest.lastIndexOf('@');
  const afterAt = rest.slice(at + 1);
  if (at >= 0 && isDigest(afterAt)) {
    return { kind: 'oci-layout', path: requirePath(rest.slice(0, at), value), digest: afterAt };
  }
  if (at >= 0 && /^sha(256|512):/.test(afterAt)) throw new OciFormatError(`"${value}" has a malformed digest "${afterAt}"`);
  const path = requirePath(rest, value);
  const colon = path.lastIndexOf(':');
  if (colon <= 0 || exists(path)) return { kind: 'oci-layout', path };
  const tag = path.slice(colon + 1);
  if (!tagPattern.test(tag)) return { kind: 'oci-layout', path };
  return { kind: 'oci-layout', path: path.slice(0, colon), tag };
}

function requirePath(path: string, value: string): string {
  if (path === '') throw new OciFormatError(`"${value}" names no path`);
  return path;
}

/**
 * Formats a layout reference back into the syntax `parseLayoutReference` reads. A tagless path that
 * itself ends in `:<valid tag>` re-parses as path + tag unless it exists on disk (the rule above).
 */
export function formatLayoutReference(reference: LayoutReference): string {
  if (reference.kind === 'cnb-file') return reference.path.endsWith('.cnb') ? reference.path : `file:${reference.path}`;
  if (reference.digest !== undefined) return `oci:${reference.path}@${reference.digest}`;
  return reference.tag === undefined ? `oci:${reference.path}` : `oci:${reference.path}:${reference.tag}`;
}
