// The pure cnb rules against the real tools: a buildpackage made by `pack buildpack package` is read
// from its manifest and config, an order.toml rendered by packsmith drives a real `lifecycle detect`,
// and the target rule of checkCompatibility agrees with the lifecycle's own target check.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkCompatibility,
  labelKeys,
  readBuildpackRecords,
  readLabel,
  renderOrderToml,
  type BuildpackRecord,
  type LifecycleRecord,
  type StackRecord,
} from '../../src/cnb/index.ts';
import { readCnbFile, type Image } from '../../src/oci/index.ts';
import { runLifecycleDetect, runPack } from '../harness/cnb-tools.ts';
import { removeDir, scratchDir } from '../harness/process.ts';

let dir = '';
let image: Image;
let records: BuildpackRecord[] = [];
const buildpacksDir = (): string => join(dir, 'buildpacks');

async function writeBuildpack(id: string, descriptorTail: string, options: { composite?: boolean } = {}): Promise<string> {
  const root = join(buildpacksDir(), id.replaceAll('/', '_'), '0.0.1');
  await mkdir(root, { recursive: true });
  await writeFile(
    join(root, 'buildpack.toml'),
    `api = "0.10"\n\n[buildpack]\n  id = "${id}"\n  version = "0.0.1"\n  homepage = "https://example.com/${id}"\n${descriptorTail}`,
  );
  if (!options.composite) {
    await mkdir(join(root, 'bin'));
    await writeFile(join(root, 'bin', 'detect'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    await writeFile(join(root, 'bin', 'build'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
  }
  return root;
}

beforeAll(async () => {
  dir = await scratchDir('cnb-rules');
  await writeBuildpack('test/targeted', '\n[[targets]]\n  os = "linux"\n  arch = "amd64"\n  [[targets.distros]]\n    name = "ubuntu"\n    version = "22.04"\n');
  await writeBuildpack('test/stacked', '\n[[stacks]]\n  id = "io.packsmith.test"\n  mixins = ["build:git"]\n');
  const meta = await writeBuildpack(
    'test/meta',
    '\n[[order]]\n  [[order.group]]\n    id = "test/targeted"\n    version = "0.0.1"\n  [[order.group]]\n    id = "test/stacked"\n    version = "0.0.1"\n    optional = true\n',
    { composite: true },
  );
  const packageToml = join(dir, 'package.toml');
  const dependencies = ['test_targeted', 'test_stacked'].map((d) => `[[dependencies]]\n  uri = "${join(buildpacksDir(), d, '0.0.1')}"\n`);
  await writeFile(packageToml, `[buildpack]\n  uri = "${meta}"\n\n${dependencies.join('\n')}`);
  const cnb = join(dir, 'meta.cnb');
  const packed = await runPack(['buildpack', 'package', cnb, '--config', packageToml, '--format', 'file']);
  expect(packed.code, packed.stdout + packed.stderr).toBe(0);
  image = await readCnbFile(cnb);
  records = await readBuildpackRecords(image, 'registry.example/test/meta:0.0.1');
}, 300_000);

afterAll(async () => {
  await removeDir(dir);
});

describe('readBuildpackRecords on a buildpackage made by pack', () => {
  it('finds every buildpack with its descriptor data', () => {
    expect(records.map((r) => `${r.id}@${r.version}`)).toEqual(['test/meta@0.0.1', 'test/stacked@0.0.1', 'test/targeted@0.0.1']);
    const [meta, stacked, targeted] = records;
    expect(meta?.order).toEqual([
      {
        group: [
          { id: 'test/targeted', version: '0.0.1' },
          { id: 'test/stacked', version: '0.0.1', optional: true },
        ],
      },
    ]);
    expect(meta?.buildpackage).toEqual({ id: 'test/meta', version: '0.0.1', homepage: 'https://example.com/test/meta' });
    expect(stacked?.stacks).toEqual([{ id: 'io.packsmith.test', mixins: ['build:git'] }]);
    expect(targeted?.targets).toEqual([{ os: 'linux', arch: 'amd64', distros: [{ name: 'ubuntu', version: '22.04' }] }]);
    expect(records.every((r) => r.api === '0.10' && r.storeImage.image === 'registry.example/test/meta:0.0.1')).toBe(true);
  });

  it("takes digest and size from the manifest layer whose content hashes to the label's diffID", async () => {
    const layers = await image.layers();
    const byDiffId = new Map<string, { digest: string; size: number }>();
    // Test-side only: hash the real layer contents, which readBuildpackRecords never touches.
    for (const layer of layers) byDiffId.set(await layer.diffId(), { digest: await layer.digest(), size: await layer.size() });
    for (const record of records) expect(byDiffId.get(record.diffId)).toEqual({ digest: record.digest, size: record.size });
    const config = await image.configFile();
    expect(readLabel(config, labelKeys.buildpackLayers)).toContain(records[2]!.diffId);
  });
});

describe('rendered order.toml and target rules against lifecycle detect', () => {
  const stack = (target: StackRecord['target']): StackRecord => ({
    id: 'io.packsmith.test',
    buildImage: { latestImage: 'b@sha256:1', image: 'b' },
    runImage: { latestImage: 'r@sha256:2', image: 'r' },
    mixins: ['build:git'],
    userId: 1000,
    groupId: 1000,
    target,
  });
  const lifecycle: LifecycleRecord = {
    image: { latestImage: 'l@sha256:3', image: 'l' },
    version: '0.21.17',
    api: {},
    apis: { buildpack: { supported: ['0.10'] }, platform: { supported: ['0.15'] } },
  };
  const components = (): Array<BuildpackRecord & { suppliedBy: string }> =>
    records.filter((r) => r.id !== 'test/meta').map((r) => ({ ...r, suppliedBy: 'ClusterStore test' }));

  async function detect(target: {
    os: string;
    arch: string;
    distro: { name: string; version: string };
  }): Promise<Awaited<ReturnType<typeof runLifecycleDetect>>> {
    const orderPath = join(dir, 'order.toml');
    await writeFile(
      orderPath,
      renderOrderToml([
        {
          group: [
            { id: 'test/targeted', version: '0.0.1' },
            { id: 'test/stacked', version: '0.0.1', optional: true },
          ],
        },
      ]),
    );
    const appDir = join(dir, 'app');
    await mkdir(appDir, { recursive: true });
    return runLifecycleDetect({ buildpacksDir: buildpacksDir(), orderPath, appDir, analyzedTarget: target });
  }

  it('the lifecycle selects the group from our order.toml when the target fits, and checkCompatibility agrees', async () => {
    const result = await detect({ os: 'linux', arch: 'amd64', distro: { name: 'ubuntu', version: '22.04' } });
    expect(result.code, result.stdout).toBe(0);
    expect(result.group?.map((g) => g.id)).toEqual(['test/targeted', 'test/stacked']);
    const issues = checkCompatibility({
      stack: stack({ os: 'linux', arch: 'amd64', distro: { name: 'ubuntu', version: '22.04' } }),
      lifecycle,
      buildpacks: components(),
    });
    expect(issues).toEqual([]);
  });

  it('both reject the targeted buildpack on another distro version', async () => {
    const result = await detect({ os: 'linux', arch: 'amd64', distro: { name: 'ubuntu', version: '24.04' } });
    expect(result.code, result.stdout).not.toBe(0);
    expect(result.stdout).toMatch(/unable to satisfy target/);
    const issues = checkCompatibility({
      stack: stack({ os: 'linux', arch: 'amd64', distro: { name: 'ubuntu', version: '24.04' } }),
      lifecycle,
      buildpacks: components(),
    });
    expect(issues.map((i) => [i.problem, i.buildpack])).toEqual([['target', 'test/targeted@0.0.1']]);
  });
});
