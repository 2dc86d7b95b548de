/**
 * The sample lifecycle image, shaped like `buildpacksio/lifecycle`: everything in its last layer
 * under `cnb/`, and the version and API labels. With a real lifecycle binary it carries that
 * binary, its phase links and (when found beside it) the launcher; without one it carries a
 * placeholder layer (a README saying so) and the labels of lifecycle 0.21.x, which is enough to
 * assemble and inspect builders but not to run builds.
 */
import type { Readable } from 'node:stream';
import type { Image, IoOptions, TarLayerEntry } from '../../oci/index.ts';
import { lifecycleImage, type LifecycleApis } from '../lifecycle-image.ts';
import { ValidationError } from '../../shared/index.ts';
import { descriptionLabel } from './sample-stack.ts';

/** A file to copy into the image: its size and a way to read exactly those bytes, the same on every call. */
export interface BinaryFile {
  /** Where it was found, for messages only (never written into the image). */
  path: string;
  size: number;
  open(options: IoOptions): Promise<Readable>;
}

/** A lifecycle binary found on this machine (see `findLifecycleBinary` in the adapters). */
export interface LifecycleBinary {
  /** Where it was found, for messages only (never written into the image). */
  path: string;
  /** What `lifecycle -version` printed, e.g. `0.21.17`. */
  version: string;
  /** Size in bytes; `open` must yield exactly this many, the same bytes on every call. */
  size: number;
  open(options: IoOptions): Promise<Readable>;
  /**
   * The CNB launcher found beside it, if any. The exporter copies it into every app image as
   * the entrypoint behind /cnb/process/<type>; without one it fails, so such a lifecycle image
   * can detect and build but not export.
   */
  launcher?: BinaryFile;
}

export type { LifecycleApis } from '../lifecycle-image.ts';

const minors = (from: number, to: number): string[] => Array.from({ length: to - from + 1 }, (_v, i) => `0.${from + i}`);

// From the lifecycle's api/apis.go at each release line (CNB formats reference, 3.3): no API is
// deprecated from 0.18 on, and every line starts at 0.7.
const apiLines: Readonly<Record<number, { platform: number; buildpack: number }>> = {
  18: { platform: 12, buildpack: 10 },
  19: { platform: 13, buildpack: 10 },
  20: { platform: 14, buildpack: 11 },
  21: { platform: 15, buildpack: 12 },
};

/** The minor version the placeholder claims the APIs of. */
export const placeholderLifecycleVersion = '0.21.17-placeholder';

/**
 * The APIs lifecycle `version` implements, from the table of release lines 0.18 to 0.21; a later
 * 0.x line is given the 0.21 lists (newer lifecycles have kept the older APIs). Undefined for
 * versions before 0.18 or that are not `0.MINOR.PATCH`.
 */
export function lifecycleApisOf(version: string): LifecycleApis | undefined {
  const match = /^0\.(\d+)\.\d+/.exec(version);
  if (!match) return undefined;
  const minor = Number(match[1]);
  const line = apiLines[Math.min(minor, 21)];
  if (!line || minor < 18) return undefined;
  return { buildpack: { deprecated: [], supported: minors(7, line.buildpack) }, platform: { deprecated: [], supported: minors(7, line.platform) } };
}

// The names the multicall binary answers to, as the release's cnb/lifecycle directory links them.
const phases = ['analyzer', 'builder', 'creator', 'detector', 'exporter', 'extender', 'rebaser', 'restorer'];

function descriptorToml(version: string, apis: LifecycleApis): string {
  const list = (values: readonly string[]): string => `[${values.map((v) => `"${v}"`).join(', ')}]`;
  return [
    '[apis]',
    '  [apis.buildpack]',
    `    deprecated = ${list(apis.buildpack.deprecated)}`,
    `    supported = ${list(apis.buildpack.supported)}`,
    '  [apis.platform]',
    `    deprecated = ${list(apis.platform.deprecated)}`,
    `    supported = ${list(apis.platform.supported)}`,
    '',
    '[api]',
    '  buildpack = "0.7"',
    '  platform = "0.7"',
    '',
    '[lifecycle]',
    `  version = "${version}"`,
    '',
  ].join('\n');
}

const binaryReadme = (version: string, launcher: boolean): string =>
  [
    `packsmith sample lifecycle image: the CNB lifecycle ${version} binary found on the machine that ran`,
    '`packsmith samples`, with links for its phases.',
    ...(launcher
      ? [
          'It also carries the launcher found beside that binary (cnb/lifecycle/launcher), so the exporter',
          'can make runnable app images: analyze, detect, build and export all work.',
        ]
      : [
          'It has no launcher (none was found beside the lifecycle binary; scripts/provision.sh builds one),',
          'so the exporter cannot produce runnable app images from builders made with it; detect and build work.',
        ]),
    '',
  ].join('\n');

const placeholderReadme = [
  'packsmith sample lifecycle image: PLACEHOLDER.',
  '',
  'No CNB lifecycle binary was found when `packsmith samples` ran (PACKSMITH_LIFECYCLE, the packsmith',
  'tools cache, PATH), so this layer holds only this README. The labels describe lifecycle 0.21.x',
  `(version "${placeholderLifecycleVersion}"), so builders made from this image can be assembled and`,
  'inspected, but they cannot run builds: there is no /cnb/lifecycle/lifecycle to run.',
  '',
  'Run `packsmith samples` again with a lifecycle binary available (scripts/provision.sh builds one)',
  'or use a released image such as buildpacksio/lifecycle in the ClusterLifecycle.',
  '',
].join('\n');

// The arm64 member of the sample lifecycle index: packsmith finds one binary (the host's), so the
// arm64 image carries the same labels and this README in its place.
const arm64Readme = (version: string): string =>
  [
    'packsmith sample lifecycle image for linux/arm64: PLACEHOLDER.',
    '',
    `It carries the labels of lifecycle ${version} but no binary: \`packsmith samples\` uses the one`,
    'lifecycle binary found on this machine, which is in the linux/amd64 image of this index. Builders',
    'made for linux/arm64 from it can be assembled and inspected, not run; for real arm64 builds use a',
    'released multi-arch image such as buildpacksio/lifecycle in the ClusterLifecycle.',
    '',
  ].join('\n');

/** What the sample lifecycle image holds. */
export interface SampleLifecycle {
  image: Image;
  /** The linux/arm64 member of the lifecycle index: the same labels, no binary. */
  arm64: Image;
  version: string;
  /** Tag under `images/lifecycle`: the version, or `placeholder`. */
  tag: string;
  placeholder: boolean;
}

/**
 * The sample lifecycle image (linux/amd64, created 1980-01-01T00:00:01Z, one layer). With `binary`
 * (whose version `lifecycleApisOf` must know) it holds `cnb/lifecycle/lifecycle`, the phase links,
 * `cnb/lifecycle.toml` and a README; without it, the placeholder. Throws ValidationError for a
 * binary whose version has no API table.
 */
export function sampleLifecycleImage(binary: LifecycleBinary | undefined): SampleLifecycle {
  const version = binary?.version ?? placeholderLifecycleVersion;
  const apis = lifecycleApisOf(version);
  if (!apis) {
    const message = `lifecycle ${version} (${binary?.path ?? ''}): packsmith knows the APIs of lifecycle 0.18 and later only`;
    throw new ValidationError([{ path: 'lifecycle', message }]);
  }
  const entries = binary ? binaryEntries(binary, apis) : [{ path: 'cnb/lifecycle/README', type: 'file' as const, mode: 0o644, content: placeholderReadme }];
  const description = binary
    ? `packsmith sample lifecycle image: the CNB lifecycle ${version} binary (${binary.launcher ? 'with its launcher' : 'no launcher'})`
    : 'packsmith sample lifecycle image: a PLACEHOLDER without a lifecycle binary; builders made from it cannot run builds';
  const labelled = lifecycleImage({ entries, version, apis, labels: { [descriptionLabel]: description }, createdBy: 'packsmith samples (lifecycle image)' });
  const arm64 = lifecycleImage({
    entries: [{ path: 'cnb/lifecycle/README', type: 'file' as const, mode: 0o644, content: arm64Readme(version) }],
    version,
    apis,
    labels: { [descriptionLabel]: `packsmith sample lifecycle image for linux/arm64: labels of lifecycle ${version}, no binary` },
    createdBy: 'packsmith samples (lifecycle image, linux/arm64 placeholder)',
    architecture: 'arm64',
  });
  return { image: labelled, arm64, version, tag: binary ? version : 'placeholder', placeholder: !binary };
}

function launcherEntry(launcher: BinaryFile): TarLayerEntry {
  return { path: 'cnb/lifecycle/launcher', type: 'file', mode: 0o755, size: launcher.size, open: (io) => launcher.open(io) };
}

function binaryEntries(binary: LifecycleBinary, apis: LifecycleApis): TarLayerEntry[] {
  return [
    { path: 'cnb/lifecycle/lifecycle', type: 'file', mode: 0o755, size: binary.size, open: (io) => binary.open(io) },
    ...(binary.launcher ? [launcherEntry(binary.launcher)] : []),
    ...phases.map((name) => ({ path: `cnb/lifecycle/${name}`, type: 'symlink' as const, mode: 0o777, linkTarget: 'lifecycle' })),
    { path: 'cnb/lifecycle/README', type: 'file', mode: 0o644, content: binaryReadme(binary.version, binary.launcher !== undefined) },
    { path: 'cnb/lifecycle.toml', type: 'file', mode: 0o644, content: descriptorToml(binary.version, apis) },
  ];
}
