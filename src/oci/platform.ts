/**
 * Platforms (`os/architecture[/variant]`): parsing the usual text form, matching an index entry
 * against a wanted platform, and picking the one image of a multi-platform index. Pure: no I/O.
 */
import type { AppErrorOptions } from '../shared/index.ts';
import { OciFormatError } from './errors.ts';
import type { ConfigFile, Descriptor, IndexManifest, Platform } from './image.ts';
import { isImageMediaType } from './media-types.ts';

/** The platform chosen when the caller names none: `linux/amd64`. */
export const defaultPlatform: Readonly<Platform> = Object.freeze({ os: 'linux', architecture: 'amd64' });

// Names people type for an architecture, mapped to the GOARCH spelling used in image indexes.
const architectureAliases: Readonly<Record<string, Pick<Platform, 'architecture' | 'variant'>>> = {
  x86_64: { architecture: 'amd64' },
  'x86-64': { architecture: 'amd64' },
  aarch64: { architecture: 'arm64' },
  i386: { architecture: '386' },
  armhf: { architecture: 'arm', variant: 'v7' },
  armel: { architecture: 'arm', variant: 'v6' },
};

// os, optional (os.version), architecture, optional variant.
const platformPattern = /^([\w.-]+)(?:\(([\w.-]+)\))?\/([\w.-]+)(?:\/([\w.-]+))?$/;

/** No index entry matches the wanted platform; `available` lists what the index offers. */
export class PlatformNotFoundError extends OciFormatError {
  override readonly code: string = 'PLATFORM_NOT_FOUND';
  readonly wanted: Platform;
  readonly available: readonly Platform[];

  constructor(wanted: Platform, available: readonly Platform[], options: AppErrorOptions = {}) {
    const offered = available.length === 0 ? 'it names no platforms' : `it offers ${available.map(formatPlatform).join(', ')}`;
    super(`no image for platform ${formatPlatform(wanted)} in the index; ${offered}`, options);
    this.wanted = wanted;
    this.available = available;
  }
}

/**
 * Parses `os[(os.version)]/architecture[/variant]`, e.g. `linux/arm64/v8` or
 * `windows(10.0.17763)/amd64`. Names are lowercased and common aliases (`x86_64`, `aarch64`,
 * `armhf`) become the spelling image indexes use. Throws OciFormatError on anything else.
 */
export function parsePlatform(text: string): Platform {
  const { os, osVersion, architecture, variant } = splitPlatform(text);
  const alias = architectureAliases[architecture] ?? { architecture };
  const platform: Platform = { os, architecture: alias.architecture };
  const chosenVariant = variant ?? alias.variant;
  if (chosenVariant !== undefined) platform.variant = chosenVariant;
  if (osVersion !== undefined) platform['os.version'] = osVersion;
  return platform;
}

interface PlatformParts {
  os: string;
  osVersion?: string;
  architecture: string;
  variant?: string;
}

function splitPlatform(text: string): PlatformParts {
  const match = platformPattern.exec(text);
  if (match?.[1] === undefined || match[3] === undefined) {
    const shown = text.length > 80 ? `${text.slice(0, 77)}...` : text;
    throw new OciFormatError(`invalid platform "${shown}": expected os/architecture[/variant], e.g. linux/amd64 or linux/arm64/v8`);
  }
  return { os: match[1].toLowerCase(), osVersion: match[2], architecture: match[3].toLowerCase(), variant: match[4]?.toLowerCase() };
}

/** The text form `parsePlatform` reads: `os[(os.version)]/architecture[/variant]`. */
export function formatPlatform(platform: Platform): string {
  const version = platform['os.version'] === undefined || platform['os.version'] === '' ? '' : `(${platform['os.version']})`;
  const variant = platform.variant === undefined || platform.variant === '' ? '' : `/${platform.variant}`;
  return `${platform.os}${version}/${platform.architecture}${variant}`;
}

/**
 * True when `candidate` can serve a request for `wanted`: os and architecture equal; the variant
 * equal when `wanted` names one (for arm64, `v8` is the default and counts as no variant); the
 * `os.version` equal when `wanted` names one.
 */
export function matchesPlatform(candidate: Platform, wanted: Platform): boolean {
  if (candidate.os !== wanted.os || candidate.architecture !== wanted.architecture) return false;
  if (wanted['os.version'] !== undefined && candidate['os.version'] !== wanted['os.version']) return false;
  return wanted.variant === undefined || effectiveVariant(candidate) === effectiveVariant(wanted);
}

/**
 * The first entry of `index.manifests`, in index order, whose platform matches `wanted`
 * (`linux/amd64` by default). Entries without a platform never match. Throws
 * PlatformNotFoundError (an OciFormatError) listing the platforms the index offers.
 */
export function selectManifest(index: IndexManifest, wanted: Platform = defaultPlatform): Descriptor {
  const found = index.manifests.find((entry) => entry.platform !== undefined && matchesPlatform(entry.platform, wanted));
  if (found !== undefined) return found;
  const offered = index.manifests.flatMap((entry) => (entry.platform === undefined || isUnknown(entry.platform) ? [] : [entry.platform]));
  throw new PlatformNotFoundError(wanted, offered);
}

function effectiveVariant(platform: Platform): string {
  const variant = platform.variant ?? '';
  return platform.architecture === 'arm64' && variant === 'v8' ? '' : variant;
}

// BuildKit stores attestations as index entries with platform unknown/unknown; they are not images to offer.
function isUnknown(platform: Platform): boolean {
  return platform.os === 'unknown' && platform.architecture === 'unknown';
}

/**
 * The image entries of an index that name a real platform, in index order: attestation entries
 * (`unknown/unknown`), entries without a platform and nested indexes are left out. A platform
 * listed twice keeps its first entry, as `selectManifest` would pick it.
 */
export function platformEntries(index: IndexManifest): (Descriptor & { platform: Platform })[] {
  const entries: (Descriptor & { platform: Platform })[] = [];
  for (const entry of index.manifests) {
    const { platform } = entry;
    if (platform === undefined || isUnknown(platform) || !isImageMediaType(entry.mediaType)) continue;
    if (entries.some((seen) => samePlatform(seen.platform, platform))) continue;
    entries.push({ ...entry, platform });
  }
  return entries;
}

/** The platform a single image's config names (os, architecture, variant, os.version). */
export function platformOfConfig(config: Pick<ConfigFile, 'os' | 'architecture' | 'variant' | 'os.version'>): Platform {
  return {
    os: config.os,
    architecture: config.architecture,
    ...(config.variant ? { variant: config.variant } : {}),
    ...(config['os.version'] ? { 'os.version': config['os.version'] } : {}),
  };
}

/** True when both name the same os, architecture and (effective) variant. */
export function samePlatform(a: Platform, b: Platform): boolean {
  return a.os === b.os && a.architecture === b.architecture && effectiveVariant(a) === effectiveVariant(b);
}

/** Orders platforms by their text form, so a list built from any index order comes out the same. */
export function comparePlatforms(a: Platform, b: Platform): number {
  const left = formatPlatform(a);
  const right = formatPlatform(b);
  return left < right ? -1 : left > right ? 1 : 0;
}
