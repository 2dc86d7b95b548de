// pack's builder.toml in local mode: `build -f builder.toml --tag REF` reads pack's configuration
// (buildpacks by oci:, by relative .cnb file, the lifecycle as a release archive), builds the builder
// on the same path as kpack YAML, and says clearly what it cannot use. Local layouts only.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCaptured, type CliRun } from '../../src/cli/testing/index.ts';
import { createBuildpackage, labelKeys } from '../../src/cnb/index.ts';
import { indexFromImages, parsePlatform, readLayout, withConfig, writeCnbFile, writeLayout, writeLayoutIndex, type Image } from '../../src/oci/index.ts';
import { removeDir, runCommand, scratchDir } from '../harness/process.ts';
import { buildpackages, lifecycleImage, stackId, stackImage } from '../app/fixtures.ts';

let dir = '';
let env: NodeJS.ProcessEnv = {};

const cli = (...args: string[]): Promise<CliRun> => runCaptured(args, { env });

// A lifecycle release archive as GitHub publishes it: lifecycle.toml and lifecycle/ at the top.
async function lifecycleArchive(path: string): Promise<void> {
  const root = join(dir, 'release');
  await mkdir(join(root, 'lifecycle'), { recursive: true });
  await writeFile(join(root, 'lifecycle', 'lifecycle'), '#!/bin/sh\nexit 1\n', { mode: 0o755 });
  await runCommand('ln', ['-s', 'lifecycle', join(root, 'lifecycle', 'detector')]);
  const descriptor = `[apis]\n[apis.buildpack]\ndeprecated = []\nsupported = ["0.7", "0.10", "0.12"]\n[apis.platform]\ndeprecated = []\nsupported = ["0.7", "0.13", "0.15"]\n[api]\nbuildpack = "0.7"\nplatform = "0.7"\n[lifecycle]\nversion = "0.21.9"\n`;
  await writeFile(join(root, 'lifecycle.toml'), descriptor);
  const packed = await runCommand('tar', ['-C', root, '-czf', path, 'lifecycle.toml', 'lifecycle']);
  if (packed.code !== 0) throw new Error(packed.stderr);
}

const builderToml = `description = "a builder from pack's config"

[[buildpacks]]
  uri = "oci:inputs:web"

[[buildpacks]]
  uri = "packages/ruby.cnb"

[[order]]
  [[order.group]]
    id = "test/web"

[[order]]
  [[order.group]]
    id = "test/ruby"
    optional = true

[stack]
  id = "${stackId}"
  build-image = "oci:inputs:build"
  run-image = "oci:inputs:run"

[lifecycle]
  uri = "lifecycle-v0.21.9+linux.x86-64.tgz"
`;

beforeAll(async () => {
  dir = await scratchDir('pack-toml');
  env = { DOCKER_CONFIG: '/nonexistent', XDG_CACHE_HOME: join(dir, 'cache') };
  const inputs = join(dir, 'inputs');
  const packages = await buildpackages();
  await writeLayout(inputs, packages.web, { tag: 'web' });
  await writeLayout(inputs, stackImage('build'), { tag: 'build' });
  await writeLayout(inputs, stackImage('run'), { tag: 'run' });
  await writeLayout(inputs, await lifecycleImage(false), { tag: 'lifecycle' });
  await mkdir(join(dir, 'packages'));
  await writeCnbFile(join(dir, 'packages', 'ruby.cnb'), packages.ruby);
  await lifecycleArchive(join(dir, 'lifecycle-v0.21.9+linux.x86-64.tgz'));
  await writeFile(join(dir, 'builder.toml'), builderToml);
});
afterAll(async () => removeDir(dir));

/** Writes `image` and an arm64-configured copy as an index (the copy's platform is all that is tested). */
async function writeTwoPlatforms(layout: string, image: Image, tag: string): Promise<void> {
  const arm64 = withConfig(image, (config) => ({ ...config, architecture: 'arm64' }));
  const index = await indexFromImages([
    { platform: parsePlatform('linux/amd64'), image },
    { platform: parsePlatform('linux/arm64'), image: arm64 },
  ]);
  await writeLayoutIndex(layout, index, { tag });
}

describe('packsmith build -f builder.toml with several [[targets]]', () => {
  it('builds one builder per target under an image index', async () => {
    const inputs = join(dir, 'multi-inputs');
    await writeTwoPlatforms(inputs, stackImage('build'), 'build');
    await writeTwoPlatforms(inputs, stackImage('run'), 'run');
    await writeTwoPlatforms(inputs, await lifecycleImage(false), 'lifecycle');
    const shell = await createBuildpackage([
      {
        descriptor: { api: '0.10', buildpack: { id: 'test/shell', version: '1.0.0' }, targets: [{ os: 'linux' }] },
        files: { 'bin/detect': { content: '#!/bin/sh\nexit 0\n' }, 'bin/build': { content: '#!/bin/sh\nexit 0\n' } },
      },
    ]);
    await writeLayout(inputs, shell, { tag: 'shell' });
    const toml = `[[buildpacks]]\n  uri = "oci:multi-inputs:shell"\n\n[[order]]\n  [[order.group]]\n    id = "test/shell"\n\n[stack]\n  id = "${stackId}"\n  build-image = "oci:multi-inputs:build"\n  run-image = "oci:multi-inputs:run"\n\n[lifecycle]\n  uri = "oci:multi-inputs:lifecycle"\n\n[[targets]]\n  os = "linux"\n  arch = "arm64"\n\n[[targets]]\n  os = "linux"\n  arch = "amd64"\n`;
    await writeFile(join(dir, 'multi.toml'), toml);
    const result = await cli('build', '-f', join(dir, 'multi.toml'), '--tag', `oci:${join(dir, 'multi-out')}:v1`, '-o', 'json');
    expect(result.code, result.err).toBe(0);
    const list = JSON.parse(result.out) as { items: { kind: string; spec: Record<string, unknown>; status: Record<string, unknown> }[] };
    const builder = list.items.find((i) => i.kind === 'ClusterBuilder');
    expect(builder?.spec.targets).toEqual([
      { os: 'linux', arch: 'arm64' },
      { os: 'linux', arch: 'amd64' },
    ]);
    const index = (await readLayout(join(dir, 'multi-out'))).index().manifests.find((m) => m.annotations?.['org.opencontainers.image.ref.name'] === 'v1');
    expect(index?.mediaType).toBe('application/vnd.oci.image.index.v1+json');
    expect(builder?.status.latestImage).toBe(`oci:${dir}/multi-out@${index?.digest}`);
    expect((builder?.status.targets as { arch: string }[]).map((t) => t.arch)).toEqual(['amd64', 'arm64']);
  });
});

describe('packsmith build -f builder.toml', () => {
  it('builds the builder from the store, stack and lifecycle archive it names, with pack order and labels', async () => {
    const tag = `oci:${join(dir, 'out')}:v1`;
    const result = await cli('build', '-f', join(dir, 'builder.toml'), '--tag', tag, '-o', 'json');
    expect(result.code, result.err).toBe(0);
    expect(result.err).toMatch(/ClusterStore\s+out\s+Ready\s+4 buildpacks/);
    expect(result.err).toMatch(/ClusterLifecycle\s+out\s+Ready\s+lifecycle 0\.21\.9/);
    const list = JSON.parse(result.out) as { items: { kind: string; spec: Record<string, unknown>; status: Record<string, unknown> }[] };
    const builder = list.items.find((i) => i.kind === 'ClusterBuilder');
    expect(builder?.spec.order).toEqual([{ group: [{ id: 'test/web' }] }, { group: [{ id: 'test/ruby', optional: true }] }]);
    expect(builder?.status.latestImage).toMatch(new RegExp(`^oci:${dir}/out@sha256:[0-9a-f]{64}$`));
    const lifecycle = list.items.find((i) => i.kind === 'ClusterLifecycle');
    // The archive became a lifecycle image in the cache, named by digest.
    expect(lifecycle?.spec.image).toMatch(new RegExp(`^oci:${dir}/cache/packsmith/lifecycle-archives/[0-9a-f]{64}/image@sha256:[0-9a-f]{64}$`));

    const image = await (await readLayout(join(dir, 'out'))).image('v1');
    const labels = (await image.configFile()).config?.Labels ?? {};
    const layers = JSON.parse(labels[labelKeys.buildpackLayers] ?? '{}') as Record<string, unknown>;
    expect(Object.keys(layers).sort()).toEqual(['test/node', 'test/python', 'test/ruby', 'test/web']);
    const metadata = JSON.parse(labels[labelKeys.builderMetadata] ?? '{}') as { lifecycle: { version: string } };
    expect(metadata.lifecycle.version).toBe('0.21.9');
  });

  it('gives the same builder digest on a second run (the lifecycle archive is unpacked once)', async () => {
    const tag = `oci:${join(dir, 'again')}:v1`;
    const first = await cli('build', '-f', join(dir, 'builder.toml'), '--tag', tag);
    const second = await cli('build', '-f', join(dir, 'builder.toml'), '--tag', tag);
    expect(first.code, first.err).toBe(0);
    const digest = (text: string): string | undefined => /again@(sha256:[0-9a-f]{64})/.exec(text)?.[1];
    expect(digest(second.out)).toBe(digest(first.out));
    expect(second.out).toContain('(unchanged, nothing pushed)');
  });

  it('names every key it cannot use, and exits 1 without writing', async () => {
    const bad = join(dir, 'bad.toml');
    await writeFile(
      bad,
      `[[buildpacks]]\nuri = "urn:cnb:registry:example/x@1"\n[[buildpacks]]\nuri = "./missing.cnb"\n[[buildpacks]]\nuri = "packages"\n[[order]]\n[[order.group]]\nid = "x"\n[build]\nimage = "oci:inputs:build"\n[[run.images]]\nimage = "oci:inputs:run"\n[lifecycle]\nuri = "https://github.com/buildpacks/lifecycle/releases/x.tgz"\n`,
    );
    const result = await cli('build', '-f', bad, '--tag', `oci:${join(dir, 'never')}`);
    expect(result.code).toBe(1);
    expect(result.err).toContain(`${bad}: not a usable builder.toml:`);
    expect(result.err).toContain('buildpacks[1].uri: urn:cnb:registry:example/x@1: the buildpack registry needs the internet');
    expect(result.err).toContain('buildpacks[2].uri: ./missing.cnb: no such file (relative paths are relative to the builder.toml)');
    expect(result.err).toContain('buildpacks[3].uri: packages: a buildpack directory; package it first');
    expect(result.err).toContain('lifecycle.uri: https://github.com/buildpacks/lifecycle/releases/x.tgz: packsmith downloads no archives');
    await expect(readLayout(join(dir, 'never'))).rejects.toThrow();
  });

  it('asks for --tag, and refuses --tag without a builder.toml, as usage errors', async () => {
    const noTag = await cli('build', '-f', join(dir, 'builder.toml'));
    expect(noTag.code).toBe(2);
    expect(noTag.err).toContain("is pack's builder.toml: give the builder's image with --tag REF");
    await writeFile(join(dir, 'empty.yaml'), '');
    const stray = await cli('build', '-f', join(dir, 'empty.yaml'), '--tag', 'oci:x');
    expect(stray.code).toBe(2);
    expect(stray.err).toContain('--tag is for pack builder.toml files');
  });
});

describe('packsmith build -f builder.toml: what pack writes beyond kpack', () => {
  it('writes the description and run image mirrors where pack does, and checks [[targets]] against the build image', async () => {
    const file = join(dir, 'mirrors.toml');
    const toml = (arch: string): string =>
      `description = "Team builder"\n[[buildpacks]]\nuri = "oci:inputs:web"\n[[order]]\n[[order.group]]\nid = "test/web"\n[build]\nimage = "oci:inputs:build"\n[[run.images]]\nimage = "oci:inputs:run"\nmirrors = ["mirror-a.example.com/run", "mirror-b.example.com/run"]\n[lifecycle]\nuri = "oci:inputs:lifecycle"\n[[targets]]\nos = "linux"\narch = "${arch}"\n`;
    await writeFile(file, toml('amd64'));
    const result = await cli('build', '-f', file, '--tag', `oci:${join(dir, 'mirrored')}:v1`);
    expect(result.code, result.err).toBe(0);
    // No [stack]: the stack id came from the build image's label.
    expect(result.out).toMatch(new RegExp(`ClusterStack\\s+mirrored\\s+Ready\\s+stack ${stackId.replace(/\./g, '\\.')}`));
    const image = await (await readLayout(join(dir, 'mirrored'))).image('v1');
    const labels = (await image.configFile()).config?.Labels ?? {};
    type Metadata = { description: string; stack: { runImage: { mirrors: string[] } }; images: { mirrors: string[] }[] };
    const metadata = JSON.parse(labels[labelKeys.builderMetadata] ?? '{}') as Metadata;
    expect(metadata.description).toBe('Team builder');
    expect(metadata.stack.runImage.mirrors).toEqual(['mirror-a.example.com/run', 'mirror-b.example.com/run']);
    expect(metadata.images[0]?.mirrors).toEqual(['mirror-a.example.com/run', 'mirror-b.example.com/run']);

    await writeFile(file, toml('arm64'));
    const wrong = await cli('build', '-f', file, '--tag', `oci:${join(dir, 'mirrored')}:v2`);
    expect(wrong.code).toBe(1);
    expect(wrong.err).toContain(`targets[1]: linux/arm64, but the build image oci:${dir}/inputs:build is linux/amd64`);
  });
});
