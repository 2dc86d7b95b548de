/**
 * CNB API versions (Buildpack API, Platform API). They are `major.minor` numbers, not semver: `0.10`
 * is newer than `0.9`, and a bare `1` means `1.0`. Matching follows the lifecycle: a 0.x version
 * matches only itself; a supported x.y with x ≥ 1 also covers x.0 … x.y.
 */
import type { ApiVersions } from './records.ts';

/** A parsed API version. */
export interface ApiVersion {
  major: number;
  minor: number;
}

// The lifecycle accepts an optional `v` and a missing minor; so do we (but not a dangling dot).
const apiPattern = /^v?(\d{1,9})(?:\.(\d{1,9}))?$/;

/** Parses `0.10`, `v0.10` or `1` (= `1.0`); returns null for anything else. */
export function parseApiVersion(text: string): ApiVersion | null {
  const match = apiPattern.exec(text);
  if (!match) return null;
  return { major: Number(match[1]), minor: Number(match[2] ?? '0') };
}

/** Renders a version as `major.minor`. */
export function formatApiVersion(version: ApiVersion): string {
  return `${version.major}.${version.minor}`;
}

/** Orders two versions numerically (negative when `a` is older). */
export function compareApiVersions(a: ApiVersion, b: ApiVersion): number {
  return a.major - b.major || a.minor - b.minor;
}

/**
 * True when `api` is at least `minimum` (both as text). An unparseable `api` is never at least
 * anything, where kpack would panic.
 */
export function isApiAtLeast(api: string, minimum: string): boolean {
  const parsed = parseApiVersion(api);
  const floor = parseApiVersion(minimum);
  return parsed !== null && floor !== null && compareApiVersions(parsed, floor) >= 0;
}

/** Every version a lifecycle declares for one kind: deprecated first, then supported, as written. */
export function allApiVersions(apis: ApiVersions | undefined): string[] {
  return [...(apis?.deprecated ?? []), ...(apis?.supported ?? [])];
}

/**
 * True when the declared version `offered` satisfies a buildpack or platform wanting `wanted`: equal
 * versions, or for x ≥ 1 any wanted x.m with m ≤ the offered minor. Unparseable text matches only
 * identical text (kpack compares strings).
 */
export function apiSatisfies(offered: string, wanted: string): boolean {
  if (offered === wanted) return true;
  const have = parseApiVersion(offered);
  const want = parseApiVersion(wanted);
  if (!have || !want || have.major !== want.major) return false;
  return have.major === 0 ? have.minor === want.minor : want.minor <= have.minor;
}

/** True when `api` is among the deprecated or supported versions of `apis` (see `apiSatisfies`). */
export function isSupported(api: string, apis: ApiVersions | undefined): boolean {
  return allApiVersions(apis).some((offered) => apiSatisfies(offered, api));
}
