/**
 * Image references (`registry/repository[:tag][@digest]`), parsed and normalised the way Docker
 * does: Docker Hub defaults (`busybox` → `index.docker.io/library/busybox:latest`), the rule that
 * decides whether the first path component names a registry, and the distribution grammar for
 * path components, tags and digests. Pure: no I/O.
 */
import { isDigest, type Digest } from './digest.ts';
import { OciFormatError } from './errors.ts';
import type { AppErrorOptions } from '../shared/index.ts';

/** Docker Hub's registry host as used in URLs; every alias of Docker Hub normalises to it. */
export const dockerHubRegistry = 'index.docker.io';

/** Tag applied by `parseReference` when the text names neither a tag nor a digest. */
export const defaultTag = 'latest';

/** Longest tag the distribution grammar allows. */
export const maxTagLength = 128;

/** Longest repository name (registry + `/` + path, Docker Hub counted as `docker.io`) Docker accepts. */
export const maxNameLength = 255;

// Hosts that all mean Docker Hub; the short form is what users type, the others appear in configs.
const dockerHubAliases = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

/** A registry plus a repository path within it, both normalised (`index.docker.io`, `library/busybox`). */
export interface RepositoryName {
  /** Host with optional port as used in URLs: `index.docker.io`, `127.0.0.1:5000`, `[::1]:5000`. */
  readonly registry: string;
  /** Path within the registry, lowercase, e.g. `library/busybox`. */
  readonly repository: string;
}

/**
 * A parsed image reference. When both `tag` and `digest` are present the digest identifies the
 * content and the tag is kept for display only.
 */
export interface Reference extends RepositoryName {
  readonly tag?: string;
  readonly digest?: Digest;
  /** The text the reference was parsed from (or, for derived references, its canonical form). */
  readonly original: string;
}

/** Options of `parseReference` and `parseRepository`. */
export interface ParseReferenceOptions {
  /** Registry used when the text names none; defaults to Docker Hub. Docker Hub aliases are normalised. */
  defaultRegistry?: string;
  /** Tag used when the text names neither tag nor digest; `null` leaves such references untagged. */
  defaultTag?: string | null;
}

/** A reference or repository string that breaks the distribution grammar; the message says how to fix it. */
export class InvalidReferenceError extends OciFormatError {
  override readonly code: string = 'INVALID_REFERENCE';
  /** The text that failed to parse. */
  readonly reference: string;

  constructor(reference: string, problem: string, options: AppErrorOptions = {}) {
    super(`invalid image reference "${shorten(reference)}": ${problem}`, options);
    this.reference = reference;
  }
}

const pathComponentPattern = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const hostLabelPattern = /^[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?$/;
const ipv6HostPattern = /^\[[a-fA-F0-9:]+\]$/;
const portPattern = /^[0-9]+$/;
const tagPattern = /^\w[\w.-]*$/;
const bareIdentifierPattern = /^[a-f0-9]{64}$/;

/**
 * Parses an image reference such as `busybox`, `gcr.io/project/app:v1`, `[::1]:5000/x@sha256:…`
 * or `repo:tag@sha256:…`. The registry and repository are normalised (Docker Hub aliases become
 * `index.docker.io`, single-component Hub repositories gain `library/`); a reference with neither
 * tag nor digest gets `options.defaultTag` (`latest`). Throws InvalidReferenceError (an
 * OciFormatError) naming the problem and the fix.
 */
export function parseReference(text: string, options: ParseReferenceOptions = {}): Reference {
  const source = requireText(text);
  const at = source.indexOf('@');
  const nameAndTag = at === -1 ? source : source.slice(0, at);
  const digest = at === -1 ? undefined : checkDigest(source, source.slice(at + 1));
  const { name, tag } = splitTag(source, nameAndTag);
  const repo = parseName(source, name, options.defaultRegistry);
  const effectiveTag = tag ?? (digest === undefined ? (options.defaultTag === undefined ? defaultTag : options.defaultTag) : null);
  if (effectiveTag !== null) checkTag(source, effectiveTag);
  return freeze({ ...repo, tag: effectiveTag ?? undefined, digest, original: text });
}

/**
 * Parses a repository name without tag or digest (`registry/path` or a Docker Hub short name) into
 * its normalised registry and repository. Throws InvalidReferenceError, also when a tag or digest
 * is present.
 */
export function parseRepository(text: string, options: Pick<ParseReferenceOptions, 'defaultRegistry'> = {}): RepositoryName {
  const source = requireText(text);
  if (source.includes('@')) throw new InvalidReferenceError(source, 'a repository name cannot carry a digest; remove the "@…" part');
  const { name, tag } = splitTag(source, source);
  if (tag !== undefined) throw new InvalidReferenceError(source, `a repository name cannot carry a tag; remove ":${shorten(tag)}"`);
  return Object.freeze(parseName(source, name, options.defaultRegistry));
}

/** The canonical form `registry/repository[:tag][@digest]`, which `parseReference` maps back to an equal reference. */
export function formatReference(ref: Reference): string {
  const tag = ref.tag === undefined ? '' : `:${ref.tag}`;
  const digest = ref.digest === undefined ? '' : `@${ref.digest}`;
  return `${repositoryOf(ref)}${tag}${digest}`;
}

/** `registry/repository`, the name under which blobs and manifests are addressed. */
export function repositoryOf(ref: RepositoryName): string {
  return `${ref.registry}/${ref.repository}`;
}

/**
 * The short repository name Docker shows: Docker Hub's registry is dropped, and so is `library/`
 * for official images (`index.docker.io/library/busybox` → `busybox`). Tag and digest are not included.
 */
export function familiarName(ref: RepositoryName): string {
  if (ref.registry !== dockerHubRegistry) return repositoryOf(ref);
  const rest = ref.repository.slice('library/'.length);
  return ref.repository.startsWith('library/') && !rest.includes('/') ? rest : ref.repository;
}

/** `familiarName` plus the tag and digest, e.g. `busybox:latest` or `x/y@sha256:…`. */
export function familiarString(ref: Reference): string {
  const tag = ref.tag === undefined ? '' : `:${ref.tag}`;
  const digest = ref.digest === undefined ? '' : `@${ref.digest}`;
  return `${familiarName(ref)}${tag}${digest}`;
}

/** What to put after `/manifests/` when fetching: the digest when there is one, otherwise the tag (`latest` if none). */
export function identifierOf(ref: Reference): string {
  return ref.digest ?? ref.tag ?? defaultTag;
}

/** The same repository with `tag` and no digest (a digest would no longer describe the tag). Validates the tag. */
export function withTag(ref: RepositoryName, tag: string): Reference {
  const base = { registry: ref.registry, repository: ref.repository };
  checkTag(repositoryOf(base), tag);
  return derived({ ...base, tag });
}

/** Options of `withDigest`. */
export interface WithDigestOptions {
  /** Drop the tag so that the result reads `repository@digest`; by default the tag is kept. */
  dropTag?: boolean;
}

/** The same reference pinned to `digest` (validated); keeps the tag unless `dropTag` is set. */
export function withDigest(ref: RepositoryName & { tag?: string }, digest: string, options: WithDigestOptions = {}): Reference {
  const base = { registry: ref.registry, repository: ref.repository };
  const checked = checkDigest(repositoryOf(base), digest);
  return derived({ ...base, tag: options.dropTag === true ? undefined : ref.tag, digest: checked });
}

/** True when both name the same repository in the same registry (host compared case-insensitively). */
export function sameRepository(a: RepositoryName, b: RepositoryName): boolean {
  return a.registry.toLowerCase() === b.registry.toLowerCase() && a.repository === b.repository;
}

/**
 * True for registries on the loopback interface, where plain HTTP is acceptable: `localhost`,
 * any `127.0.0.0/8` address and `[::1]` (in any IPv6 spelling), each with or without a port.
 */
export function isLoopbackRegistry(host: string): boolean {
  const hostname = stripPort(host).toLowerCase();
  if (hostname === 'localhost') return true;
  if (hostname.startsWith('[')) return ipv6HostPattern.test(hostname) && canonicalIpv6(hostname) === '[::1]';
  const octets = hostname.split('.');
  return octets.length === 4 && octets[0] === '127' && octets.every((o) => /^[0-9]{1,3}$/.test(o) && Number(o) <= 255);
}

// Returns the host without a valid `:port` suffix; anything malformed is returned unchanged, so it
// cannot pass for a loopback host.
function stripPort(host: string): string {
  const end = host.startsWith('[') ? host.indexOf(']') + 1 : host.indexOf(':');
  if (end <= 0 || end === host.length) return host;
  const rest = host.slice(end);
  return rest.startsWith(':') && portPattern.test(rest.slice(1)) ? host.slice(0, end) : host;
}

function canonicalIpv6(bracketed: string): string | undefined {
  try {
    return new URL(`http://${bracketed}/`).hostname;
  } catch {
    return undefined;
  }
}

function requireText(text: unknown): string {
  if (typeof text !== 'string') throw new InvalidReferenceError(String(text), 'expected a string');
  if (text === '') throw new InvalidReferenceError(text, 'the reference is empty; give a name such as "busybox" or "registry.example/app:1.0"');
  if (bareIdentifierPattern.test(text)) {
    throw new InvalidReferenceError(text, 'a 64-character hex string is an image ID, not a name; write "repository@sha256:<hex>" to name content by digest');
  }
  return text;
}

function checkDigest(source: string, digest: string): Digest {
  if (isDigest(digest)) return digest;
  throw new InvalidReferenceError(source, `digest "${shorten(digest)}" is not valid; expected "sha256:" followed by 64 lowercase hex characters`);
}

// The tag starts after the last ':' that follows the last '/', so registry ports are never taken for tags.
function splitTag(source: string, nameAndTag: string): { name: string; tag?: string } {
  const colon = nameAndTag.lastIndexOf(':');
  if (colon === -1 || colon < nameAndTag.lastIndexOf('/')) return { name: nameAndTag };
  const tag = nameAndTag.slice(colon + 1);
  if (tag === '') throw new InvalidReferenceError(source, 'the tag after ":" is empty; remove the ":" or add a tag');
  return { name: nameAndTag.slice(0, colon), tag };
}

function checkTag(source: string, tag: string): void {
  if (tag.length > maxTagLength) {
    throw new InvalidReferenceError(source, `the tag is ${tag.length} characters long; tags may have at most ${maxTagLength}`);
  }
  if (!tagPattern.test(tag)) {
    throw new InvalidReferenceError(
      source,
      `tag "${shorten(tag)}" is not valid; tags use letters, digits, "_", "." and "-" and must not start with "." or "-"`,
    );
  }
}

function parseName(source: string, name: string, defaultRegistry: string | undefined): RepositoryName {
  const { host, path } = splitRegistry(name);
  const registry = normaliseRegistry(source, host ?? defaultRegistry ?? dockerHubRegistry);
  const repository = registry === dockerHubRegistry && !path.includes('/') ? `library/${path}` : path;
  checkPath(source, path);
  const counted = `${registry === dockerHubRegistry ? 'docker.io' : registry}/${repository}`;
  if (counted.length > maxNameLength) {
    throw new InvalidReferenceError(source, `the repository name is ${counted.length} characters long; the limit is ${maxNameLength}`);
  }
  return { registry, repository };
}

// Docker's rule: the first component names a registry when it looks like a host (a dot or a port),
// is `localhost`, or has capitals (which no repository path may contain).
function splitRegistry(name: string): { host?: string; path: string } {
  const slash = name.indexOf('/');
  if (slash === -1) return { path: name };
  const first = name.slice(0, slash);
  const isHost = /[.:]/.test(first) || first === 'localhost' || first !== first.toLowerCase();
  return isHost ? { host: first, path: name.slice(slash + 1) } : { path: name };
}

function normaliseRegistry(source: string, registry: string): string {
  if (dockerHubAliases.has(registry)) return dockerHubRegistry;
  const host = registry.startsWith('[') ? registry.slice(0, registry.indexOf(']') + 1) : (registry.split(':')[0] ?? '');
  const port = registry.slice(host.length);
  const hostOk = host.startsWith('[') ? ipv6HostPattern.test(host) : host.split('.').every((label) => hostLabelPattern.test(label));
  const portOk = port === '' || (port.startsWith(':') && portPattern.test(port.slice(1)));
  if (!hostOk || !portOk) {
    throw new InvalidReferenceError(
      source,
      `registry "${shorten(registry)}" is not a valid host[:port]; use a DNS name, an IPv4 address or a bracketed IPv6 address such as [::1]:5000`,
    );
  }
  return registry;
}

function checkPath(source: string, path: string): void {
  if (path === '') throw new InvalidReferenceError(source, 'the repository path is empty; add a name after the registry');
  if (path !== path.toLowerCase() && pathIsValid(path.toLowerCase())) {
    throw new InvalidReferenceError(source, `repository names must be lowercase; use "${shorten(path.toLowerCase())}"`);
  }
  for (const component of path.split('/')) {
    if (component === '') throw new InvalidReferenceError(source, 'the repository path has an empty component ("//" or a trailing "/")');
    if (!pathComponentPattern.test(component)) {
      throw new InvalidReferenceError(
        source,
        `path component "${shorten(component)}" is not valid; use lowercase letters and digits, separated by ".", "_", "__" or dashes`,
      );
    }
  }
}

function pathIsValid(path: string): boolean {
  return path.split('/').every((component) => pathComponentPattern.test(component));
}

function derived(fields: Omit<Reference, 'original'>): Reference {
  return freeze({ ...fields, original: formatReference({ ...fields, original: '' }) });
}

// Leaves absent fields out entirely, so references compare and serialise cleanly.
function freeze(ref: { registry: string; repository: string; tag?: string | undefined; digest?: Digest | undefined; original: string }): Reference {
  const out: { -readonly [K in keyof Reference]: Reference[K] } = { registry: ref.registry, repository: ref.repository, original: ref.original };
  if (ref.tag !== undefined) out.tag = ref.tag;
  if (ref.digest !== undefined) out.digest = ref.digest;
  return Object.freeze(out);
}

function shorten(value: string): string {
  return value.length > 100 ? `${value.slice(0, 97)}...` : value;
}
