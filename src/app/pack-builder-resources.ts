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
import type { PackBuilderConfig } from '../cnb/index.ts';
import { labelKeys, parseLifecycleDescriptor, parsePackBuilderConfig } from '../cnb/index.ts';
import type { Keychain, TarLayerEntry } from '../oci/index.ts';
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

/**
 * The stack id (`[stack] id`, else the build image's `io.buildpacks.stack.id` label) and, for a
 * `[[targets]]` entry, that the build image is for it: a builder is for its build image's platform.
 */
async function stackIdOf(config: PackBuilderConfig, buildImage: string, deps: PackBuilderDeps): Promise<Located> {
  const [target] = config.targets;
  if (config.stackId && target === undefined) return { ok: true, image: config.stackId };
  try {
    const file = await (await deps.images.readImage(buildImage, { keychain: deps.keychain })).image.configFile();
    const platform = `${file.os}/${file.architecture}`;
    const wanted = `${target?.os ?? file.os}/${target?.arch ?? file.architecture}`;
    if (platform !== wanted) return { ok: false, path: 'targets[1]', message: `${wanted}, but the build image ${buildImage} is ${platform}` };
    const id = config.stackId ?? file.config?.Labels?.[labelKeys.stackId];
    if (id) return { ok: true, image: id };
  } catch (error) {
    return { ok: false, message: `reading the build image ${buildImage}: ${messageOf(error)}` };
  }
  return { ok: false, message: `the build image ${buildImage} has no ${labelKeys.stackId} label: add [stack] id = "…" (kpack's ClusterStack needs one)` };
}

/**
 * The kpack resources of the builder.toml at `file` (text `text`) for a builder pushed to `tag`.
 * Throws ValidationError naming every problem, each at its key and prefixed with the file.
 */
export async function packBuilderResources(text: string, where: { file: string; tag: string }, deps: PackBuilderDeps): Promise<PackBuilderResources> {
  const parsed = parsePackBuilderConfig(text);
  const prefix = (issue: ValidationIssue): ValidationIssue => ({ ...issue, path: `${where.file} ${issue.path}` });
  if (!parsed.ok) throw new ValidationError(parsed.issues.map(prefix));
  const { config } = parsed;
  const baseDir = dirname(where.file);
  const issues: ValidationIssue[] = [];
  const take = (located: Located, path: string): string => {
    if (located.ok) return located.image;
    issues.push({ path: `${where.file} ${located.path ?? path}`, message: located.message });
    return '';
  };
  const sources = await Promise.all(
    config.buildpacks.map(async (b, i) =>
      take(await locate(b.location, baseDir, deps.files, notBuildpackage), `buildpacks[${i + 1}].${b.isImage ? 'image' : 'uri'}`),
    ),
  );
  const buildImage = take(await locate(config.buildImage, baseDir, deps.files, notBuildpackage), 'build.image');
  const [firstRun] = config.runImages;
  const runImage = firstRun ? take(await locate(firstRun.image, baseDir, deps.files, notBuildpackage), 'run.images[1].image') : '';
  const lifecycleUri = config.lifecycle.uri;
  const lifecycle = lifecycleUri ? take(await locate(lifecycleUri, baseDir, deps.files, (p) => lifecycleFromArchive(p, deps)), 'lifecycle.uri') : undefined;
  const stackId = buildImage === '' ? '' : take(await stackIdOf(config, buildImage, deps), 'stack.id');
  if (issues.length > 0) throw new ValidationError(issues);
  const name = resourceNameOf(where.tag);
  const warnings = [...parsed.warnings, ...notCarried(config)];
  const metadata = { name };
  const [firstRunImage] = config.runImages;
  const annotations = {
    ...(config.description ? { [builderAnnotations.description]: config.description } : {}),
    ...(firstRunImage?.mirrors.length ? { [builderAnnotations.runImageMirrors]: firstRunImage.mirrors.join(',') } : {}),
  };
  const resources: KubeObject[] = [
    { apiVersion, kind: 'ClusterStore', metadata, spec: { sources: sources.map((image) => ({ image })) } },
    { apiVersion, kind: 'ClusterStack', metadata, spec: { id: stackId, buildImage: { image: buildImage }, runImage: { image: runImage } } },
    ...(lifecycle === undefined ? [] : [{ apiVersion, kind: 'ClusterLifecycle', metadata, spec: { image: lifecycle } }]),
    {
      apiVersion,
      kind: 'ClusterBuilder',
      metadata: { name, ...(Object.keys(annotations).length > 0 ? { annotations } : {}) },
      spec: {
        tag: where.tag,
        stack: { kind: 'ClusterStack', name },
        store: { kind: 'ClusterStore', name },
        ...(lifecycle === undefined ? {} : { lifecycle: { kind: 'ClusterLifecycle', name } }),
        serviceAccountRef: { name: 'default', namespace: 'default' },
        order: config.order,
      },
    },
  ];
  if (lifecycle === undefined && config.lifecycle.version) {
    warnings.push(`lifecycle version ${config.lifecycle.version}: packsmith downloads nothing, so the builder uses the ClusterLifecycle default-lifecycle`);
  }
  return { resources, warnings };
}

/** What a builder.toml may say that kpack's resources cannot carry yet, each said once. */
function notCarried(config: PackBuilderConfig): string[] {
  const warnings: string[] = [];
  if (config.runImages.length > 1) warnings.push(`${config.runImages.length} run images: the builder names the first only (and its mirrors)`);

  return warnings;
}
