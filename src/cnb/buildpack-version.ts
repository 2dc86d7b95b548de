import semver from 'semver';

const lenientVersion = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?((?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?)$/;

/**
 * Parses a buildpack version leniently, as kpack does: `1`, `1.2`, `v1.2.3` and pre-release or build
 * suffixes are accepted; missing minor or patch numbers count as zero. Returns null when the text is
 * not a version at all.
 */
export function parseBuildpackVersion(text: string): semver.SemVer | null {
  const match = lenientVersion.exec(text.trim());
  if (!match) return null;
  const [, major, minor = '0', patch = '0', suffix = ''] = match;
  return semver.parse(`${major}.${minor}.${patch}${suffix}`);
}

/** Compares two parsed buildpack versions by semver precedence (negative, zero or positive). */
export function compareBuildpackVersions(a: semver.SemVer, b: semver.SemVer): number {
  return a.compare(b);
}
