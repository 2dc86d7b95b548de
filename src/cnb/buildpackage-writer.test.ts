import { parse } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../shared/index.ts';
import { readBuildpackRecords } from './buildpackage.ts';
import { buildpackDir, createBuildpackage, renderBuildpackToml, type BuildpackTree } from './buildpackage-writer.ts';
import { labelKeys } from './labels.ts';
import { readTarEntries } from '../oci/testing/index.ts';

const detect = { content: '#!/bin/sh\nexit 0\n' };
const hello: BuildpackTree = {
  descriptor: {
    api: '0.10',
    buildpack: { id: 'example/hello', version: '0.0.1', homepage: 'https://example.com/hello' },
    targets: [{ os: 'linux', arch: 'amd64' }],
  },
  files: { 'bin/detect': detect, 'bin/build': detect, 'README.md': { content: 'hi\n', mode: 0o600 }, 'tools/run.sh': { content: 'x', mode: 0o744 } },
};
const stacked: BuildpackTree = {
  descriptor: { api: '0.9', buildpack: { id: 'example/stacked', version: '1.0.0' }, stacks: [{ id: 'io.test.stack', mixins: ['b', 'a'] }, { id: 'other' }] },
  files: { 'bin/detect': detect, 'bin/build': detect },
};
const meta: BuildpackTree = {
  descriptor: {
    api: '0.10',
    buildpack: { id: 'example/meta', version: '2.0.0' },
    order: [
      {
        group: [
          { id: 'example/hello', version: '0.0.1' },
          { id: 'example/stacked', version: '1.0.0', optional: true },
        ],
      },
    ],
  },
};

describe('createBuildpackage', () => {
  it("lays out each buildpack under cnb/buildpacks/<escaped id>/<version> with pack's modes and fixed headers", async () => {
    const image = await createBuildpackage([hello]);
    const [layer] = await image.layers();
    const entries = await readTarEntries(await layer!.uncompressed());
    const root = 'cnb/buildpacks/example_hello/0.0.1';
    expect(entries.map((e) => `${e.header.type} ${e.header.name} ${e.header.mode?.toString(8)} ${e.header.uid}:${e.header.gid}`)).toEqual([
      'directory cnb 755 0:0',
      'directory cnb/buildpacks 755 0:0',
      'directory cnb/buildpacks/example_hello 755 0:0',
      `directory ${root} 755 0:0`,
      `file ${root}/README.md 644 0:0`,
      `directory ${root}/bin 755 0:0`,
      `file ${root}/bin/build 755 0:0`,
      `file ${root}/bin/detect 755 0:0`,
      `file ${root}/buildpack.toml 644 0:0`,
      `directory ${root}/tools 755 0:0`,
      `file ${root}/tools/run.sh 755 0:0`,
    ]);
    expect(entries.every((e) => e.header.mtime?.toISOString() === '1980-01-01T00:00:01.000Z' && !e.header.uname && !e.header.gname)).toBe(true);
    const toml = entries.find((e) => e.header.name.endsWith('buildpack.toml'))?.content ?? '';
    expect(parse(toml)).toEqual({
      api: '0.10',
      buildpack: { id: 'example/hello', version: '0.0.1', homepage: 'https://example.com/hello' },
      targets: [{ os: 'linux', arch: 'amd64' }],
    });
  });

  it("writes pack's labels: package metadata for the main buildpack and one layers entry per buildpack", async () => {
    const image = await createBuildpackage([meta, hello, stacked]);
    const config = await image.configFile();
    const diffIds = config.rootfs.diff_ids;
    expect(diffIds).toHaveLength(3);
    expect(config.config?.Labels?.[labelKeys.buildpackageMetadata]).toBe(
      '{"id":"example/meta","version":"2.0.0","stacks":[{"id":"io.test.stack","mixins":["b","a"]},{"id":"other"}]}',
    );
    expect(config.config?.Labels?.[labelKeys.buildpackLayers]).toBe(
      '{' +
        `"example/hello":{"0.0.1":{"api":"0.10","layerDiffID":"${diffIds[1]}","targets":[{"os":"linux","arch":"amd64"}],"homepage":"https://example.com/hello"}},` +
        `"example/meta":{"2.0.0":{"api":"0.10","layerDiffID":"${diffIds[0]}","order":[{"group":[{"id":"example/hello","version":"0.0.1"},{"id":"example/stacked","version":"1.0.0","optional":true}]}]}},` +
        `"example/stacked":{"1.0.0":{"api":"0.9","layerDiffID":"${diffIds[2]}","stacks":[{"id":"io.test.stack","mixins":["b","a"]},{"id":"other"}]}}` +
        '}',
    );
  });

  it('has a linux/amd64 config created at the normalized time, with a history entry per layer', async () => {
    const config = await (await createBuildpackage([meta, hello, stacked])).configFile();
    expect([config.os, config.architecture, config.created]).toEqual(['linux', 'amd64', '1980-01-01T00:00:01Z']);
    expect(config.history).toEqual(Array.from({ length: 3 }, () => ({ created: '1980-01-01T00:00:01Z' })));
  });

  it('reads back through readBuildpackRecords with digests and sizes from its manifest', async () => {
    const image = await createBuildpackage([meta, hello, stacked]);
    const records = await readBuildpackRecords(image, 'oci:/tmp/x:meta');
    const manifest = await image.manifest();
    expect(records.map((r) => `${r.id}@${r.version}`)).toEqual(['example/hello@0.0.1', 'example/meta@2.0.0', 'example/stacked@1.0.0']);
    expect(records.find((r) => r.id === 'example/meta')).toMatchObject({
      digest: manifest.layers[0]?.digest,
      size: manifest.layers[0]?.size,
      buildpackage: { id: 'example/meta', version: '2.0.0' },
    });
  });

  it('gives the same digest every time', async () => {
    const first = await (await createBuildpackage([meta, hello, stacked])).digest();
    expect(await (await createBuildpackage([meta, hello, stacked])).digest()).toBe(first);
    expect(await (await createBuildpackage([hello])).digest()).not.toBe(first);
  });

  it("merges stacks as pack does: '*' for buildpacks without stacks, intersection otherwise", async () => {
    const metadata = async (trees: BuildpackTree[]): Promise<unknown> =>
      JSON.parse((await (await createBuildpackage(trees)).configFile()).config?.Labels?.[labelKeys.buildpackageMetadata] ?? '');
    expect(await metadata([hello])).toEqual({ id: 'example/hello', version: '0.0.1', homepage: 'https://example.com/hello', stacks: [{ id: '*' }] });
    const other: BuildpackTree = { descriptor: { api: '0.9', buildpack: { id: 'x', version: '1' }, stacks: [{ id: 'other', mixins: ['m'] }] } };
    const top: BuildpackTree = {
      descriptor: {
        api: '0.9',
        buildpack: { id: 'top', version: '1' },
        order: [
          {
            group: [
              { id: 'example/stacked', version: '1.0.0' },
              { id: 'x', version: '1' },
            ],
          },
        ],
      },
    };
    expect(await metadata([top, stacked, other])).toMatchObject({ stacks: [{ id: 'other', mixins: ['m'] }] });
  });

  it('reports every problem at once', async () => {
    const bad: BuildpackTree[] = [
      {
        descriptor: { api: '0.10', buildpack: { id: 'a', version: '1' }, order: [{ group: [{ id: 'missing', version: '1' }, { id: 'b' }] }] },
        files: { 'buildpack.toml': { content: '' }, '/abs': { content: '' } },
      },
      { descriptor: { api: '0.10', buildpack: { id: 'b', version: '1' } }, files: { '../up': { content: '' } } },
      { descriptor: { api: '0.10', buildpack: { id: 'b', version: '1' } } },
    ];
    const error = await createBuildpackage(bad).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((i) => i.path)).toEqual([
      'buildpacks[0].files.buildpack.toml',
      'buildpacks[0].files./abs',
      'buildpacks[1].files.../up',
      'buildpacks[2]',
      'buildpacks[0].descriptor.order',
      'buildpacks[0].descriptor.order',
      'buildpacks[1]',
      'buildpacks[2]',
    ]);
    await expect(createBuildpackage([])).rejects.toThrow(/at least one buildpack/);
  });

  it('refuses packages whose stacks do not intersect', async () => {
    const a: BuildpackTree = { descriptor: { api: '0.9', buildpack: { id: 'a', version: '1' }, stacks: [{ id: 's1' }] } };
    const b: BuildpackTree = { descriptor: { api: '0.9', buildpack: { id: 'b', version: '1' }, stacks: [{ id: 's2' }] } };
    const top: BuildpackTree = {
      descriptor: { api: '0.9', buildpack: { id: 't', version: '1' }, order: [{ group: [{ id: 'a', version: '1' }] }, { group: [{ id: 'b', version: '1' }] }] },
    };
    await expect(createBuildpackage([top, a, b])).rejects.toThrow(/no compatible stacks/);
  });
});

describe('renderBuildpackToml and buildpackDir', () => {
  it('renders every descriptor field as TOML that parses back', () => {
    const text = renderBuildpackToml({
      api: '0.10',
      buildpack: { id: 'a/b', version: '1' },
      stacks: [{ id: 's', mixins: ['m'] }],
      targets: [{ os: 'linux', arch: 'arm64', variant: 'v8', distros: [{ name: 'ubuntu', version: '22.04' }, { name: 'alpine' }] }],
      order: [{ group: [{ id: 'c', version: '2', optional: true }] }],
    });
    expect(parse(text)).toEqual({
      api: '0.10',
      buildpack: { id: 'a/b', version: '1' },
      stacks: [{ id: 's', mixins: ['m'] }],
      targets: [{ os: 'linux', arch: 'arm64', variant: 'v8', distros: [{ name: 'ubuntu', version: '22.04' }, { name: 'alpine' }] }],
      order: [{ group: [{ id: 'c', version: '2', optional: true }] }],
    });
  });

  it('escapes only / in ids', () => {
    expect(buildpackDir('paketo-buildpacks/node.js', '1.2.3')).toBe('cnb/buildpacks/paketo-buildpacks_node.js/1.2.3');
  });
});
