/**
 * The `samples` use case: writes the quickstart's inputs into a directory: sample buildpackages, a
 * sample stack and a lifecycle image as local OCI layouts under `images/`, the kpack resources
 * naming them (`resources.yaml`), a README and three tiny apps. Deterministic: the same lifecycle
 * binary (or none) gives byte-identical files every time. Images go through the ImageAccess port,
 * text files through `writeFile`; clearing or checking the directory is the caller's job.
 */
import { join } from 'node:path';
import { createBuildpackage } from '../cnb/index.ts';
import { anonymousKeychain, indexFromImages, parsePlatform, type Image, type IoOptions } from '../oci/index.ts';
import type { ImageAccess } from './ports.ts';
import { sampleBuildpackages } from './samples/sample-buildpacks.ts';
import { sampleLifecycleImage, type LifecycleBinary } from './samples/sample-lifecycle.ts';
import { sampleApps, sampleBuilderLayout, sampleBuilders, sampleReadme, sampleResourcesYaml, type SampleImagePaths } from './samples/sample-resources.ts';
import { sampleStackImage } from './samples/sample-stack.ts';

export type { BinaryFile, LifecycleBinary } from './samples/sample-lifecycle.ts';
export { lifecycleApisOf, type LifecycleApis } from './samples/sample-lifecycle.ts';
export { sampleBuildpackIds, sampleBuildpackVersion } from './samples/sample-buildpacks.ts';
export { sampleStackId } from './samples/sample-stack.ts';

/** The entries of a samples directory that `writeSamples` writes (and a forced rewrite may replace). */
export const sampleEntries = ['README.md', 'resources.yaml', 'images', 'apps', 'out'] as const;

/** Options of `writeSamples`. */
export interface WriteSamplesOptions extends IoOptions {
  /** The samples directory; layouts are written to `oci:<dir>/images/<name>:<tag>`. */
  dir: string;
  /** The lifecycle binary to put in the lifecycle image; without it the image is a placeholder. */
  lifecycle?: LifecycleBinary;
}

/** What `writeSamples` needs from the outside world. */
export interface WriteSamplesPorts {
  images: Pick<ImageAccess, 'writeImage' | 'writeIndex'>;
  /** Writes a UTF-8 text file at an absolute or dir-joined path, creating parent directories. */
  writeFile(path: string, content: string): Promise<void>;
}

/** One image written. */
export interface SampleImage {
  /** `images/<name>:<tag>`, relative to the samples directory. */
  path: string;
  digest: string;
  /** What it is, in a few words. */
  about: string;
}

/** What was written. */
export interface SamplesReport {
  images: SampleImage[];
  /** Text files, relative to the samples directory, sorted. */
  files: string[];
  lifecycle: { version: string; placeholder: boolean; binaryPath?: string; launcherPath?: string };
  /** The builders `packsmith build -f <dir>` makes, as `oci:` references relative to the samples directory. */
  builders: Array<{ kind: string; name: string; reference: string }>;
}

interface PlannedImage {
  role: 'buildpackage' | 'build' | 'run' | 'lifecycle';
  name: string;
  tag: string;
  about: string;
  make: () => Promise<Image>;
  /** The linux/arm64 image beside it: the layout then holds an index over both. */
  arm64?: () => Image;
}

function plannedImages(lifecycle: ReturnType<typeof sampleLifecycleImage>): PlannedImage[] {
  const packages = sampleBuildpackages.map((pkg): PlannedImage => ({
    role: 'buildpackage',
    name: pkg.name,
    tag: pkg.tag,
    about: `buildpackage: ${pkg.buildpacks.map((b) => `${b.descriptor.buildpack.id}@${b.descriptor.buildpack.version}`).join(', ')}`,
    make: () => createBuildpackage(pkg.buildpacks),
  }));
  return [
    ...packages,
    {
      role: 'build',
      name: 'build',
      tag: 'sample',
      about: 'sample build image (from scratch, not a usable OS base)',
      make: () => Promise.resolve(sampleStackImage('build')),
      arm64: () => sampleStackImage('build', 'arm64'),
    },
    {
      role: 'run',
      name: 'run',
      tag: 'sample',
      about: 'sample run image (from scratch, not a usable OS base)',
      make: () => Promise.resolve(sampleStackImage('run')),
      arm64: () => sampleStackImage('run', 'arm64'),
    },
    {
      role: 'lifecycle',
      name: 'lifecycle',
      tag: lifecycle.tag,
      about: lifecycle.placeholder ? `PLACEHOLDER lifecycle image (labels of ${lifecycle.version}, no binary)` : `lifecycle ${lifecycle.version} (real binary)`,
      make: () => Promise.resolve(lifecycle.image),
      arm64: () => lifecycle.arm64,
    },
  ];
}

/** Writes one planned image, or the index over it and its arm64 twin (the stack and lifecycle are multi-arch, so their builders are too). */
async function writeOne(item: PlannedImage, reference: string, ports: WriteSamplesPorts, io: IoOptions): Promise<{ digest: string }> {
  const options = { keychain: anonymousKeychain, signal: io.signal };
  const image = await item.make();
  if (item.arm64 === undefined) return ports.images.writeImage(image, reference, options);
  const index = await indexFromImages([
    { platform: parsePlatform('linux/amd64'), image },
    { platform: parsePlatform('linux/arm64'), image: item.arm64() },
  ]);
  return ports.images.writeIndex(index, reference, options);
}

/**
 * Writes the samples into `options.dir` (one layout per image, then the text files) and reports
 * what it wrote. Rewriting over an earlier run changes nothing when the inputs are the same.
 * Throws ValidationError for a lifecycle binary whose version packsmith has no API table for.
 */
export async function writeSamples(options: WriteSamplesOptions, ports: WriteSamplesPorts): Promise<SamplesReport> {
  const lifecycle = sampleLifecycleImage(options.lifecycle);
  const images: SampleImage[] = [];
  const planned = plannedImages(lifecycle);
  const pathOf = (p: PlannedImage): string => `images/${p.name}:${p.tag}`;
  for (const item of planned) {
    const reference = `oci:${join(options.dir, 'images', item.name)}:${item.tag}`;
    const written = await writeOne(item, reference, ports, options);
    images.push({ path: pathOf(item), digest: written.digest, about: item.about });
  }
  const paths = (role: PlannedImage['role']): string[] => planned.filter((p) => p.role === role).map(pathOf);
  const at: SampleImagePaths = {
    buildpackages: paths('buildpackage'),
    build: paths('build').join(),
    run: paths('run').join(),
    lifecycle: paths('lifecycle').join(),
  };
  const files: Record<string, string> = { 'resources.yaml': sampleResourcesYaml(at), 'README.md': sampleReadme(at, lifecycle.placeholder), ...sampleApps };
  const names = Object.keys(files).sort();
  for (const name of names) await ports.writeFile(join(options.dir, name), files[name] ?? '');
  return {
    images,
    files: names,
    lifecycle: {
      version: lifecycle.version,
      placeholder: lifecycle.placeholder,
      ...(options.lifecycle ? { binaryPath: options.lifecycle.path } : {}),
      ...(options.lifecycle?.launcher ? { launcherPath: options.lifecycle.launcher.path } : {}),
    },
    builders: sampleBuilders.map((b) => ({ kind: b.kind, name: b.name, reference: `oci:${sampleBuilderLayout}:${b.tag}` })),
  };
}
