/**
 * pack's builder.toml as kpack resources: a ClusterStore of its `[[buildpacks]]`, a ClusterStack of
 * its build and run images, a ClusterLifecycle when `[lifecycle]` names one, and a ClusterBuilder
 * with its order and the tag given on the command line, all named after that tag. Local mode then
 * builds them on the one inputs path, so a builder.toml gets the same checks and the same image as
 * the resources written by hand. Locations follow pack's rules (`docker://`, bare references, files
 * relative to the builder.toml); a lifecycle release archive becomes a lifecycle image in a cache.
 */
import { dirname, isAbsolute, resolve } from 'node:path';
import { builderAnnotations, type KubeObject } from '../api/index.ts';
import type { PackBuilderConfig, PackTarget } from '../cnb/index.ts';
import { labelKeys, parseLifecycleDescriptor, parsePackBuilderConfig } from '../cnb/index.ts';
import type { ConfigFile, Keychain, TarLayerEntry } from '../oci/index.ts';
import { ValidationError, messageOf, type ValidationIssue } from '../shared/index.ts';
import { lifecycleImage } from './lifecycle-image.ts';
import type { ImageAccess } from './ports.ts';

/** A lifecycle release archive, unpacked. */
export interface UnpackedLifecycleArchive {
  /** sha256 of the archive, hex: the cache key. */
  digest: string;
  /** The text of its `lifecycle.toml`. */
  descriptor: string;
  /** Its other files and links, at their paths in the archive (`lifecycle/lifecycle`, …). */
  entries: TarLayerEntry[];
  /** A directory of the cache that belongs to this archive, where its image may be written. */
  cacheDir: string;
}

/** The files a builder.toml names. */
export interface PackConfigFiles {
  /** What is at `path`, if anything. */
  kindOf(path: string): Promise<'file' | 'directory' | undefined>;
  /** Unpacks a lifecycle release archive (`.tgz`) into the cache, once per archive content. */
  unpackLifecycleArchive(path: string): Promise<UnpackedLifecycleArchive>;
}

/** What `packBuilderResources` needs. */
export interface PackBuilderDeps {
  images: ImageAccess;
  keychain: Keychain;
  files: PackConfigFiles;
}

/** The resources and what the user should know about them. */
export interface PackBuilderResources {
  resources: KubeObject[];
  warnings: string[];
}

const apiVersion = 'kpack.io/v1alpha2';

/** A DNS-1123 name from the tag's last path segment (`registry/team/my-builder:1` → `my-builder`). */
export function resourceNameOf(tag: string): string {
  const path = tag.replace(/^oci:/, '').replace(/@.*$/, '');
  const last = path.split('/').at(-1) ?? '';
  const repository = last.replace(/:[^:]*$/, '');
  const name = repository
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63);
  return name === '' ? 'builder' : name;
}

/** What a location names, or why it cannot be used (`path`: the key at fault, when not the one looked up). */
type Located = { ok: true; image: string } | { ok: false; message: string; path?: string };

const remoteArchive = /^https?:\/\//;

/**
 * Where a buildpack or lifecycle location points, by pack's rules: `docker://REF` and bare references
 * are images; `file://PATH` and paths that exist are files, relative to the builder.toml;
 * `oci:PATH` (packsmith's) is a layout. `archive` handles files that are not `.cnb` buildpackages.
 */
function locateByScheme(location: string, baseDir: string): Located | undefined {
  if (location.startsWith('docker://')) return { ok: true, image: location.slice('docker://'.length) };
  if (location.startsWith('oci:')) {
    const rest = location.slice('oci:'.length);
    return { ok: true, image: rest === '' || isAbsolute(rest) ? location : `oci:${resolve(baseDir, rest)}` };
  }
  if (location.startsWith('urn:cnb:registry:')) {
    return { ok: false, message: `${location}: the buildpack registry needs the internet; name the buildpackage image instead (docker://REGISTRY/REPO:TAG)` };
  }
  if (remoteArchive.test(location)) {
    return { ok: false, message: `${location}: packsmith downloads no archives; download it and name the file, or name its image` };
  }
  return undefined;
}

const looksLikePath = (location: string): boolean =>
  location.startsWith('file://') || isAbsolute(location) || location.startsWith('.') || location.endsWith('.cnb');

async function locate(location: string, baseDir: string, files: PackConfigFiles, archive: (path: string) => Promise<Located>): Promise<Located> {
  const byScheme = locateByScheme(location, baseDir);
  if (byScheme !== undefined) return byScheme;
  const path = resolve(baseDir, location.replace(/^file:\/\//, ''));
  const kind = await files.kindOf(path);
  if (kind === 'directory') {
    return { ok: false, message: `${location}: a buildpack directory; package it first (pack buildpack package NAME.cnb --format file) and name the .cnb` };
  }
  if (kind === 'file') return path.endsWith('.cnb') ? { ok: true, image: path } : archive(path);
  if (looksLikePath(location)) return { ok: false, message: `${location}: no such file (relative paths are relative to the builder.toml)` };
  return { ok: true, image: location };
}

const notBuildpackage = (path: string): Promise<Located> =>
  Promise.resolve({
    ok: false,
    message: `${path}: not a .cnb buildpackage; buildpack archives are not supported, package it with pack buildpack package --format file`,
  });

/** The lifecycle image of a release archive, written once into the cache as a layout. */
async function lifecycleFromArchive(path: string, deps: PackBuilderDeps): Promise<Located> {
  if (!/\.(tgz|tar\.gz|tar)$/.test(path)) return { ok: false, message: `${path}: not a lifecycle release archive (.tgz) or image` };
  try {
    const archive = await deps.files.unpackLifecycleArchive(path);
    const descriptor = parseLifecycleDescriptor(archive.descriptor);
    const entries = [
      ...archive.entries.map((e) => ({ ...e, path: `cnb/${e.path}` })),
      { path: 'cnb/lifecycle.toml', type: 'file' as const, mode: 0o644, content: archive.descriptor },
    ];
    const image = lifecycleImage({
      entries,
      version: descriptor.version,
      apis: descriptor.apis,
      api: descriptor.api,
      labels: { 'org.opencontainers.image.source': `lifecycle archive sha256:${archive.digest}` },
      createdBy: 'packsmith (lifecycle image from a release archive)',
    });
    const written = await deps.images.writeImage(image, `oci:${archive.cacheDir}/image:lifecycle`, { keychain: deps.keychain });
    return { ok: true, image: written.identifier };
  } catch (error) {
    return { ok: false, message: `${path}: ${messageOf(error)}` };
  }
}

/** A problem when the build image is not for the `[[targets]]` entry: a builder is for its build image's platform. */
function targetMismatch(target: PackTarget | undefined, file: ConfigFile, buildImage: string): Located | undefined {
  const platform = `${file.os}/${file.architecture}`;
  const wanted = `${target?.os ?? file.os}/${target?.arch ?? file.architecture}`;
  return platform === wanted ? undefined : { ok: false, path: 'targets[1]', message: `${wanted}, but the build image ${buildImage} is ${platform}` };
}

/** The stack id: `[stack] id`, else the build image's `io.buildpacks.stack.id` label; the build image is read only when needed. */
async function stackIdOf(config: PackBuilderConfig, buildImage: string, deps: PackBuilderDeps): Promise<Located> {
  // With several targets the build image is an index; the builder reports a target it lacks.
  const target = config.targets.length === 1 ? config.targets[0] : undefined;
  if (config.stackId && target === undefined) return { ok: true, image: config.stackId };
  let file: ConfigFile;
  try {
    file = await (await deps.images.readImage(buildImage, { keychain: deps.keychain })).image.configFile();
  } catch (error) {
    return { ok: false, message: `reading the build image ${buildImage}: ${messageOf(error)}` };
  }
  const mismatch = targetMismatch(target, file, buildImage);
  if (mismatch) return mismatch;
  const id = config.stackId ?? file.config?.Labels?.[labelKeys.stackId];
  if (id) return { ok: true, image: id };
  return { ok: false, message: `the build image ${buildImage} has no ${labelKeys.stackId} label: add [stack] id = "…" (kpack's ClusterStack needs one)` };
}

/** Every location of the config resolved to an image reference. */
interface LocatedInputs {
  sources: string[];
  buildImage: string;
  runImage: string;
  lifecycle?: string;
  stackId: string;
}

/** Resolves every location of `config`; throws ValidationError naming each one that cannot be used. */
async function locateAll(config: PackBuilderConfig, file: string, deps: PackBuilderDeps): Promise<LocatedInputs> {
  const baseDir = dirname(file);
  const issues: ValidationIssue[] = [];
  const take = (located: Located, path: string): string => {
    if (located.ok) return located.image;
    issues.push({ path: `${file} ${located.path ?? path}`, message: located.message });
    return '';
  };
  const image = async (location: string, path: string): Promise<string> => take(await locate(location, baseDir, deps.files, notBuildpackage), path);
  const sources = await Promise.all(config.buildpacks.map((b, i) => image(b.location, `buildpacks[${i + 1}].${b.isImage ? 'image' : 'uri'}`)));
  const buildImage = await image(config.buildImage, 'build.image');
  const runImage = await image(config.runImages[0]?.image ?? '', 'run.images[1].image');
  const { uri } = config.lifecycle;
  const lifecycle = uri ? take(await locate(uri, baseDir, deps.files, (p) => lifecycleFromArchive(p, deps)), 'lifecycle.uri') : undefined;
  const stackId = buildImage === '' ? '' : take(await stackIdOf(config, buildImage, deps), 'stack.id');
  if (issues.length > 0) throw new ValidationError(issues);
  return { sources, buildImage, runImage, stackId, ...(lifecycle === undefined ? {} : { lifecycle }) };
}

/** The description and run image mirrors, as the ClusterBuilder's packsmith annotations. */
function annotationsOf(config: PackBuilderConfig): Record<string, string> | undefined {
  const mirrors = config.runImages[0]?.mirrors ?? [];
  const annotations = {
    ...(config.description ? { [builderAnnotations.description]: config.description } : {}),
    ...(mirrors.length > 0 ? { [builderAnnotations.runImageMirrors]: mirrors.join(',') } : {}),
  };
  return Object.keys(annotations).length > 0 ? annotations : undefined;
}

/**
 * The kpack resources of the builder.toml at `file` (text `text`) for a builder pushed to `tag`.
 * Throws ValidationError naming every problem, each at its key and prefixed with the file.
 */
export async function packBuilderResources(text: string, where: { file: string; tag: string }, deps: PackBuilderDeps): Promise<PackBuilderResources> {
  const parsed = parsePackBuilderConfig(text);
  if (!parsed.ok) throw new ValidationError(parsed.issues.map((issue) => ({ ...issue, path: `${where.file} ${issue.path}` })));
  const { config } = parsed;
  const at = await locateAll(config, where.file, deps);
  const name = resourceNameOf(where.tag);
  const metadata = { name };
  const annotations = annotationsOf(config);
  const resources: KubeObject[] = [
    { apiVersion, kind: 'ClusterStore', metadata, spec: { sources: at.sources.map((image) => ({ image })) } },
    { apiVersion, kind: 'ClusterStack', metadata, spec: { id: at.stackId, buildImage: { image: at.buildImage }, runImage: { image: at.runImage } } },
    ...(at.lifecycle === undefined ? [] : [{ apiVersion, kind: 'ClusterLifecycle', metadata, spec: { image: at.lifecycle } }]),
    {
      apiVersion,
      kind: 'ClusterBuilder',
      metadata: { name, ...(annotations ? { annotations } : {}) },
      spec: {
        tag: where.tag,
        stack: { kind: 'ClusterStack', name },
        store: { kind: 'ClusterStore', name },
        ...(at.lifecycle === undefined ? {} : { lifecycle: { kind: 'ClusterLifecycle', name } }),
        serviceAccountRef: { name: 'default', namespace: 'default' },
        order: config.order,
        ...targetsOf(config),
      },
    },
  ];
  return { resources, warnings: [...parsed.warnings, ...notCarried(config, at)] };
}

/** Several `[[targets]]` become `spec.targets` (one target is the build image's platform, checked above, and needs none). */
function targetsOf(config: PackBuilderConfig): { targets?: Array<{ os: string; arch: string; variant?: string }> } {
  if (config.targets.length < 2) return {};
  return { targets: config.targets.map(({ os = '', arch = '', variant }) => ({ os, arch, ...(variant ? { variant } : {}) })) };
}

/** What the builder will not carry as the builder.toml says, each said once. */
function notCarried(config: PackBuilderConfig, at: LocatedInputs): string[] {
  const warnings: string[] = [];
  if (config.runImages.length > 1) warnings.push(`${config.runImages.length} run images: the builder names the first only (and its mirrors)`);
  if (at.lifecycle === undefined && config.lifecycle.version) {
    warnings.push(`lifecycle version ${config.lifecycle.version}: packsmith downloads nothing, so the builder uses the ClusterLifecycle default-lifecycle`);
  }
  return warnings;
}
