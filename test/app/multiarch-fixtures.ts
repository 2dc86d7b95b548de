/**
 * Inputs for multi-arch tests: every stack, lifecycle and buildpackage image as an index over a
 * linux/amd64 image and an arm64 twin (the same files under an arm64 config, or an arm64 build of a
 * buildpack), copied into the registry with skopeo, plus one single-image buildpackage whose
 * buildpack declares no architecture and so serves both platforms.
 */
import { join } from 'node:path';
import { createBuildpackage, type BuildpackTree } from '../../src/cnb/index.ts';
import { indexFromImages, parsePlatform, withConfig, writeLayout, writeLayoutIndex, type Image } from '../../src/oci/index.ts';
import { skopeoCopy, type RegistryHandle } from '../harness/index.ts';
import { lifecycleImage, stackImage } from './fixtures.ts';

/** The image under an arm64 config (same layers). */
export const asArch = (image: Image, architecture: string): Image => withConfig(image, (config) => ({ ...config, architecture }));

/** Copies `amd64` (an index over it and `arm64` when given) into `at.registry` with skopeo, not with our pusher; returns `<host>/<repository>:1`. */
export async function publishPlatforms(at: { registry: RegistryHandle; work: string }, repository: string, amd64: Image, arm64?: Image): Promise<string> {
  const { registry, work } = at;
  const layout = join(work, 'staging');
  const tag = repository.replaceAll('/', '-');
  if (arm64 === undefined) await writeLayout(layout, amd64, { tag });
  else {
    const index = await indexFromImages([
      { platform: parsePlatform('linux/amd64'), image: amd64 },
      { platform: parsePlatform('linux/arm64'), image: arm64 },
    ]);
    await writeLayoutIndex(layout, index, { tag });
  }
  const dest = `${registry.host}/${repository}:1`;
  await skopeoCopy({ src: `oci:${layout}:${tag}`, dest: `docker://${dest}`, all: arm64 !== undefined, flags: registry.skopeoArgs({ role: 'dest' }) });
  return dest;
}

/** A buildpack that passes when the app has `marker`; `arch` goes into its `[[targets]]` and its detect script. */
export function component(id: string, marker: string, arch?: string): BuildpackTree {
  return {
    descriptor: { api: '0.10', buildpack: { id, version: '1.0.0' }, targets: [{ os: 'linux', ...(arch ? { arch } : {}) }] },
    files: {
      'bin/detect': { content: `#!/bin/sh\n# ${arch ?? 'any'} build of ${id}\n[ -f ${marker} ] || exit 100\n` },
      'bin/build': { content: '#!/bin/sh\nexit 0\n' },
    },
  };
}

/** Where the multi-arch inputs are. */
export type MultiarchInputs = Record<'node' | 'shell' | 'build' | 'run' | 'lifecycle', string>;

/**
 * Publishes the inputs: stack, lifecycle (the real binary in both; the arm64 one is never run) and
 * `test/node` as linux/amd64 + linux/arm64 indexes, `test/shell` as one image for both.
 */
export async function publishMultiarchInputs(registry: RegistryHandle, work: string): Promise<MultiarchInputs> {
  const publish = (repository: string, amd64: Image, arm64?: Image): Promise<string> => publishPlatforms({ registry, work }, repository, amd64, arm64);
  const lifecycle = await lifecycleImage(true);
  return {
    build: await publish('stack/build', stackImage('build'), asArch(stackImage('build'), 'arm64')),
    run: await publish('stack/run', stackImage('run'), asArch(stackImage('run'), 'arm64')),
    lifecycle: await publish('lifecycle', lifecycle, asArch(lifecycle, 'arm64')),
    node: await publish(
      'store/node',
      await createBuildpackage([component('test/node', 'package.json', 'amd64')]),
      asArch(await createBuildpackage([component('test/node', 'package.json', 'arm64')]), 'arm64'),
    ),
    shell: await publish('store/shell', await createBuildpackage([component('test/shell', 'run.sh')])),
  };
}
