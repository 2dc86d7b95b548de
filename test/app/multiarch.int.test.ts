// A two-target builder (linux/amd64, linux/arm64) in local mode against the REAL docker-registry:
// every input is an image index copied into the registry with skopeo (stack build and run images,
// the lifecycle, a buildpackage), plus one single-image buildpackage that serves both platforms.
// `packsmith build -f` pushes the builder as an OCI index; skopeo (`--raw`, `--override-arch
// arm64`), umoci (unpacking the amd64 member), `pack builder inspect` and the REAL lifecycle's
// detect (on the unpacked amd64 builder) read it back. The "arm64" lifecycle image carries the
// amd64 binary under an arm64 config: only its place in the index is under test, never run.
import { dirname, join } from 'node:path';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/io.ts';
import { runCli } from '../../src/cli/main.ts';
import { lifecycleBin, runLifecycleDetect, runPack } from '../harness/cnb-tools.ts';
import {
  removeDir,
  runCommand,
  scratchDir,
  skopeo,
  skopeoCopy,
  skopeoInspect,
  skopeoInspectRaw,
  startRegistry,
  stopAllRegistries,
  type AccessLogEntry,
  type RegistryHandle,
} from '../harness/index.ts';
import { umociUnpack, type UnpackedBundle } from '../harness/umoci.ts';
import { stackId } from './fixtures.ts';
import { publishMultiarchInputs, type MultiarchInputs } from './multiarch-fixtures.ts';

let registry: RegistryHandle;
let work = '';
let env: NodeJS.ProcessEnv = {};

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    isTty: false,
    ask: () => Promise.resolve(''),
    readStdin: () => Promise.resolve(''),
    env,
  };
  const code = await runCli(args, io);
  return { code, out: out.join(''), err: err.join('') };
}

const resources = (at: MultiarchInputs, tag: string): string => `apiVersion: kpack.io/v1alpha2
kind: ClusterStore
metadata: {name: default}
spec:
  sources: [{image: ${at.node}}, {image: ${at.shell}}]
---
apiVersion: kpack.io/v1alpha2
kind: ClusterStack
metadata: {name: base}
spec: {id: ${stackId}, buildImage: {image: ${at.build}}, runImage: {image: ${at.run}}}
---
apiVersion: kpack.io/v1alpha2
kind: ClusterLifecycle
metadata: {name: default-lifecycle}
spec: {image: ${at.lifecycle}}
---
apiVersion: kpack.io/v1alpha2
kind: ClusterBuilder
metadata: {name: multi}
spec:
  tag: ${tag}
  stack: {kind: ClusterStack, name: base}
  store: {kind: ClusterStore, name: default}
  serviceAccountRef: {name: default, namespace: default}
  order:
  - group: [{id: test/node}]
  - group: [{id: test/shell}]
`;

interface Status {
  latestImage: string;
  stack: { runImage: string };
  targets?: Array<{ os: string; arch: string; latestImage: string }>;
}

const digestOf = (pinned: string): string => pinned.slice(pinned.lastIndexOf('@') + 1);
const writes = (entries: readonly AccessLogEntry[]): AccessLogEntry[] =>
  entries.filter((e) => (e.method === 'PUT' || e.method === 'POST' || e.method === 'PATCH') && e.path.startsWith('/v2/'));

let status: Status;
let tag = '';
let inputs: MultiarchInputs;
let firstRun: { code: number; out: string; err: string };

beforeAll(async () => {
  work = await scratchDir('multiarch-int');
  registry = await startRegistry({ mode: 'basic' });
  await mkdir(join(work, 'docker'));
  env = { DOCKER_CONFIG: dirname(await registry.authFile(join(work, 'docker', 'config.json'))) };
  const at = (inputs = await publishMultiarchInputs(registry, work));
  tag = `${registry.host}/builders/multi:v1`;
  await writeFile(join(work, 'resources.yaml'), resources(at, tag));
  firstRun = await cli('build', '-f', join(work, 'resources.yaml'), '-o', 'json');
  const list = JSON.parse(firstRun.out || '{"items":[]}') as { items: Array<{ kind: string; status: Status }> };
  status = list.items.find((i) => i.kind === 'ClusterBuilder')?.status ?? { latestImage: '', stack: { runImage: '' } };
}, 300_000);

afterAll(async () => {
  await stopAllRegistries();
  await removeDir(work);
});

describe('a two-target builder pushed as an image index', () => {
  it('is an OCI index over a linux/amd64 and a linux/arm64 builder, as skopeo reads it', async () => {
    expect(firstRun.out + firstRun.err).not.toMatch(/Failed/);
    expect(firstRun.code).toBe(0);
    const flags = registry.skopeoArgs();
    const raw = await skopeoInspectRaw(`docker://${tag}`, flags);
    expect(raw.json.mediaType).toBe('application/vnd.oci.image.index.v1+json');
    expect(status.latestImage).toBe(`${tag}@${raw.digest}`);
    const manifests = raw.json.manifests as Array<{ digest: string; platform: { os: string; architecture: string } }>;
    expect(manifests.map((m) => `${m.platform.os}/${m.platform.architecture}`)).toEqual(['linux/amd64', 'linux/arm64']);
    expect(status.targets).toEqual([
      { os: 'linux', arch: 'amd64', latestImage: `${tag}@${manifests[0]?.digest}` },
      { os: 'linux', arch: 'arm64', latestImage: `${tag}@${manifests[1]?.digest}` },
    ]);
    const arm = await skopeo(['--override-arch', 'arm64', 'inspect', ...flags, `docker://${tag}`]);
    const armSummary = JSON.parse(arm.stdout) as { Digest: string; Architecture: string; Labels: Record<string, string> };
    expect(armSummary.Architecture).toBe('arm64');
    const member = await skopeoInspect(`docker://${registry.host}/builders/multi@${manifests[1]?.digest}`, flags);
    expect(member.Labels).toEqual(armSummary.Labels);
    const amdSummary = await skopeoInspect(`docker://${tag}`, flags);
    expect(amdSummary.Architecture).toBe('amd64');
    // Each member carries its own platform's buildpack layer and names its own run image copy.
    const layers = (labels: Record<string, string>): string => labels['io.buildpacks.buildpack.layers'] ?? '';
    expect(layers(armSummary.Labels)).not.toBe(layers(amdSummary.Labels as Record<string, string>));
    const runRaw = await skopeoInspectRaw(`docker://${registry.host}/builders/multi:v1-run-image`, flags);
    expect(status.stack.runImage).toBe(`${registry.host}/builders/multi:v1-run-image@${runRaw.digest}`);
    const runManifests = runRaw.json.manifests as Array<{ digest: string }>;
    const armMetadata = JSON.parse(armSummary.Labels['io.buildpacks.builder.metadata'] ?? '{}') as { stack: { runImage: { image: string } } };
    expect(armMetadata.stack.runImage.image).toBe(`${registry.host}/builders/multi:v1-run-image@${runManifests[1]?.digest}`);
  });

  it('writes nothing when built again with the same inputs', async () => {
    const before = (await registry.accessLog()).length;
    const again = await cli('build', '-f', join(work, 'resources.yaml'), '-o', 'json');
    expect(again.code).toBe(0);
    expect(
      (JSON.parse(again.out) as { items: Array<{ kind: string; status: Status }> }).items.find((i) => i.kind === 'ClusterBuilder')?.status.latestImage,
    ).toBe(status.latestImage);
    expect(writes((await registry.accessLog()).slice(before))).toEqual([]);
  });

  it('is read by pack builder inspect', async () => {
    const auths = JSON.parse(await readFile(join(work, 'docker', 'config.json'), 'utf8')) as unknown;
    const result = await runPack(['builder', 'inspect', tag, '--depth', '2'], { dockerConfig: auths });
    const remote = result.stdout.slice(result.stdout.indexOf('REMOTE:'), result.stdout.indexOf('LOCAL:'));
    expect(remote).toMatch(/^REMOTE:/);
    expect(remote).not.toMatch(/ERROR/);
    expect(remote).toMatch(/Run Images:\s+\S+multi:v1-run-image@sha256:/);
    for (const id of ['test/node', 'test/shell']) expect(remote).toContain(id);
  });

  describe('the amd64 member, unpacked with umoci', () => {
    let bundle: UnpackedBundle | undefined;
    beforeAll(async () => {
      const layout = join(work, 'amd64');
      await skopeoCopy({
        src: `docker://${status.targets?.[0]?.latestImage.replace(':v1@', '@') ?? ''}`,
        dest: `oci:${layout}:builder`,
        flags: registry.skopeoArgs({ role: 'src' }),
      });
      bundle = await umociUnpack({ layout, tag: 'builder' });
    }, 300_000);
    afterAll(async () => {
      if (bundle) await removeDir(bundle.dir);
    });

    it('detects with the real lifecycle, choosing the amd64 build of test/node', async () => {
      const rootfs = bundle?.rootfs ?? '';
      const app = join(work, 'app');
      await mkdir(app, { recursive: true });
      await writeFile(join(app, 'package.json'), '{}\n');
      const buildpacksDir = join(rootfs, 'cnb', 'buildpacks');
      const result = await runLifecycleDetect({ buildpacksDir, orderPath: join(rootfs, 'cnb', 'order.toml'), appDir: app });
      expect(result.code, result.stdout).toBe(0);
      expect(result.group?.map((g) => g.id)).toEqual(['test/node']);
      expect(await readFile(join(buildpacksDir, 'test_node', '1.0.0', 'bin', 'detect'), 'utf8')).toContain('# amd64 build of test/node');
    });
  });

  it('writes the same index into a local layout', async () => {
    const layout = join(work, 'out');
    await writeFile(join(work, 'layout.yaml'), resources(inputs, `oci:${layout}:multi`));
    const result = await cli('build', '-f', join(work, 'layout.yaml'), '-o', 'json');
    expect(result.code, result.out).toBe(0);
    const raw = await skopeoInspectRaw(`oci:${layout}:multi`);
    const manifests = raw.json.manifests as Array<{ digest: string; platform: { architecture: string } }>;
    expect(manifests.map((m) => m.platform.architecture)).toEqual(['amd64', 'arm64']);
    expect((await skopeoInspectRaw(`oci:${layout}:multi-run-image`)).json.manifests).toHaveLength(2);
    // Same layers per member as the registry builder (only the run image each names differs: a layout cannot be pulled).
    const registryLayers = await skopeoInspect(`docker://${status.targets?.[1]?.latestImage.replace(':v1@', '@') ?? ''}`, registry.skopeoArgs());
    const layoutArm = JSON.parse((await skopeo(['--override-arch', 'arm64', 'inspect', `oci:${layout}:multi`])).stdout) as Record<string, unknown>;
    expect(layoutArm.Architecture).toBe('arm64');
    expect((layoutArm.Labels as Record<string, string>)['io.buildpacks.buildpack.layers']).toBe(
      (registryLayers.Labels as Record<string, string>)['io.buildpacks.buildpack.layers'],
    );
  });

  it('has, per target, the buildpack layers and order pack builder create --target gives from the same inputs', async () => {
    // pack takes the lifecycle as a release tarball: the same binary, with a stand-in launcher.
    const release = join(work, 'release');
    await mkdir(join(release, 'lifecycle'), { recursive: true });
    await runCommand('cp', [lifecycleBin(), join(release, 'lifecycle', 'lifecycle')]);
    await writeFile(join(release, 'lifecycle', 'launcher'), '#!/bin/sh\nexit 1\n', { mode: 0o755 });
    for (const phase of ['analyzer', 'builder', 'creator', 'detector', 'exporter', 'extender', 'rebaser', 'restorer']) {
      await runCommand('ln', ['-s', 'lifecycle', join(release, 'lifecycle', phase)]);
    }
    const apis = (from: number, to: number): string => Array.from({ length: to - from + 1 }, (_v, i) => `"0.${from + i}"`).join(', ');
    await writeFile(
      join(release, 'lifecycle.toml'),
      `[apis]\n[apis.buildpack]\ndeprecated = []\nsupported = [${apis(7, 12)}]\n[apis.platform]\ndeprecated = []\nsupported = [${apis(7, 15)}]\n[lifecycle]\nversion = "0.21.17"\n`,
    );
    const tarball = join(work, 'lifecycle-v0.21.17+linux.x86-64.tgz');
    await runCommand('tar', ['-C', release, '-czf', tarball, 'lifecycle.toml', 'lifecycle']);
    const toml = `[[buildpacks]]\n  uri = "${inputs.node}"\n[[buildpacks]]\n  uri = "${inputs.shell}"\n\n[[order]]\n  [[order.group]]\n    id = "test/node"\n[[order]]\n  [[order.group]]\n    id = "test/shell"\n\n[stack]\n  id = "${stackId}"\n  build-image = "${inputs.build}"\n  run-image = "${inputs.run}"\n\n[build]\n  image = "${inputs.build}"\n\n[[run.images]]\n  image = "${inputs.run}"\n\n[lifecycle]\n  uri = "${tarball}"\n`;
    await writeFile(join(work, 'pack-builder.toml'), toml);
    const auths = JSON.parse(await readFile(join(work, 'docker', 'config.json'), 'utf8')) as unknown;
    const packTag = `${registry.host}/builders/pack:v1`;
    const created = await runPack(
      [
        'builder',
        'create',
        packTag,
        '--config',
        join(work, 'pack-builder.toml'),
        '--publish',
        '--target',
        'linux/amd64',
        '--target',
        'linux/arm64',
        '--no-color',
      ],
      { dockerConfig: auths },
    );
    expect(created.code, created.stdout + created.stderr).toBe(0);
    const flags = registry.skopeoArgs();
    const labelsOf = async (reference: string, arch: string): Promise<Record<string, string>> =>
      (JSON.parse((await skopeo(['--override-arch', arch, 'inspect', ...flags, reference])).stdout) as { Labels: Record<string, string> }).Labels;
    for (const arch of ['amd64', 'arm64']) {
      const ours = await labelsOf(`docker://${tag}`, arch);
      const packs = await labelsOf(`docker://${packTag}`, arch);
      expect(JSON.parse(ours['io.buildpacks.buildpack.layers'] ?? ''), arch).toEqual(JSON.parse(packs['io.buildpacks.buildpack.layers'] ?? ''));
      // The same groups in the same order; packsmith writes each resolved version (as kpack does), pack only those builder.toml gives.
      type Order = Array<{ group: Array<{ id: string; version?: string }> }>;
      const ids = (label: string | undefined): string[][] => (JSON.parse(label ?? '[]') as Order).map((g) => g.group.map((e) => e.id));
      expect(ids(ours['io.buildpacks.buildpack.order']), arch).toEqual(ids(packs['io.buildpacks.buildpack.order']));
      expect(ids(ours['io.buildpacks.buildpack.order'])).toEqual([['test/node'], ['test/shell']]);
    }
    const packIndex = await skopeoInspectRaw(`docker://${packTag}`, flags);
    expect((packIndex.json.manifests as Array<{ platform: { architecture: string } }>).map((m) => m.platform.architecture).sort()).toEqual(['amd64', 'arm64']);
  });

  it('picks one member with inspect builder --platform', async () => {
    const arm = await cli('inspect', 'builder', tag, '--platform', 'linux/arm64', '-o', 'json');
    expect(arm.code, arm.err).toBe(0);
    expect(arm.out).toContain(digestOf(status.targets?.[1]?.latestImage ?? 'x'));
    const text = await cli('inspect', 'builder', tag);
    expect(text.out).toContain('Platforms: linux/amd64, linux/arm64 (an image index; shown: linux/amd64)');
    expect(text.out).toContain(`Image: ${registry.host}/builders/multi@${digestOf(status.targets?.[0]?.latestImage ?? 'x')}`);
  });
});
