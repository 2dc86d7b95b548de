// Local mode against the REAL docker-registry (htpasswd Basic auth, credentials only in a Docker
// config.json): buildpackages made by our writer, a stack and a lifecycle image holding the real
// lifecycle binary are copied into the registry with skopeo; `packsmith build -f` then builds the
// builders into the same registry. skopeo reads them back; the access log shows the buildpack
// layers were mounted, that a second build writes nothing, and that an invalid builder leaves no
// run-image copy behind. A layout target (`oci:DIR`) gets the same builder from registry inputs.
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/io.ts';
import { runCli } from '../../src/cli/main.ts';
import { writeLayout, type Image } from '../../src/oci/index.ts';
import {
  removeDir,
  scratchDir,
  skopeoCopy,
  skopeoInspect,
  skopeoInspectRaw,
  skopeoListTags,
  startRegistry,
  stopAllRegistries,
  type AccessLogEntry,
  type RegistryHandle,
} from '../harness/index.ts';
import { runPack } from '../harness/cnb-tools.ts';
import { brokenBuilderYaml, buildpackages, lifecycleImage, resourcesYaml, stackImage, type Locations } from './fixtures.ts';
import { mkdir, readFile, writeFile } from 'node:fs/promises';

let registry: RegistryHandle;
let work = '';
let env: NodeJS.ProcessEnv = {};
let at: Locations;

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

/** Writes `image` to a scratch layout and copies it into the registry with skopeo (not with our pusher). */
async function publish(image: Image, repository: string): Promise<string> {
  const layout = join(work, 'staging');
  const tag = repository.replaceAll('/', '-');
  await writeLayout(layout, image, { tag });
  await skopeoCopy({ src: `oci:${layout}:${tag}`, dest: `docker://${registry.host}/${repository}:1`, flags: registry.skopeoArgs({ role: 'dest' }) });
  return `${registry.host}/${repository}:1`;
}

const writes = (entries: readonly AccessLogEntry[]): AccessLogEntry[] =>
  entries.filter((e) => (e.method === 'PUT' || e.method === 'POST' || e.method === 'PATCH') && e.path.startsWith('/v2/'));

beforeAll(async () => {
  work = await scratchDir('local-build-int');
  registry = await startRegistry({ mode: 'basic' });
  await mkdir(join(work, 'docker'));
  const configPath = await registry.authFile(join(work, 'docker', 'config.json'));
  env = { DOCKER_CONFIG: dirname(configPath) };
  const packages = await buildpackages();
  at = {
    web: await publish(packages.web, 'store/web'),
    ruby: await publish(packages.ruby, 'store/ruby'),
    build: await publish(stackImage('build'), 'stack/build'),
    run: await publish(stackImage('run'), 'stack/run'),
    lifecycle: await publish(await lifecycleImage(true), 'lifecycle'),
    builders: `${registry.host}/builders/app`,
  };
  await writeFile(join(work, 'resources.yaml'), resourcesYaml(at));
  await writeFile(join(work, 'broken.yaml'), brokenBuilderYaml(`${registry.host}/builders/broken`));
});

afterAll(async () => {
  await stopAllRegistries();
  await removeDir(work);
});

describe('packsmith build -f against a real registry', () => {
  let firstRun: { code: number; out: string; err: string };
  let status: Record<string, { latestImage: string; stack: { runImage: string } }> = {};

  beforeAll(async () => {
    firstRun = await cli('build', '-f', join(work, 'resources.yaml'), '-o', 'json');
    const list = JSON.parse(firstRun.out || '{"items":[]}') as {
      items: Array<{ kind: string; metadata: { name: string }; status: { latestImage: string; stack: { runImage: string } } }>;
    };
    status = Object.fromEntries(list.items.map((i) => [`${i.kind}/${i.metadata.name}`, i.status]));
  });

  it('builds both builders into the registry, as skopeo sees them', async () => {
    expect(firstRun.err).not.toMatch(/Failed/);
    expect(firstRun.code).toBe(0);
    const web = status['Builder/web']!;
    expect(web.latestImage).toMatch(new RegExp(`^${registry.host}/builders/app:builder-team-web@sha256:[0-9a-f]{64}$`));
    const flags = registry.skopeoArgs();
    const inspected = await skopeoInspect(`docker://${registry.host}/builders/app:builder-team-web`, flags);
    expect(inspected.Digest).toBe(web.latestImage.split('@')[1]);
    const labels = inspected.Labels as Record<string, string>;
    const metadata = JSON.parse(labels['io.buildpacks.builder.metadata']!) as {
      lifecycle: { version: string };
      stack: { runImage: { image: string } };
      buildpacks: Array<{ id: string }>;
    };
    expect(metadata.lifecycle.version).toBe('0.21.17');
    expect(metadata.stack.runImage.image).toBe(web.stack.runImage);
    expect(metadata.buildpacks.map((b) => b.id).sort()).toEqual(['test/node', 'test/python', 'test/ruby', 'test/web']);
    expect(labels['io.buildpacks.stack.id']).toBe('io.packsmith.test.stack');
    // The run image copy is the run image itself, byte for byte.
    const run = await skopeoInspectRaw(`docker://${at.run}`, flags);
    expect(web.stack.runImage).toBe(`${registry.host}/builders/app:builder-team-web-run-image@${run.digest}`);
    const tags = await skopeoListTags(`docker://${registry.host}/builders/app`, flags);
    expect(tags).toEqual(
      expect.arrayContaining(['builder-team-web', 'builder-team-web-run-image', 'clusterbuilder-python', 'clusterbuilder-python-run-image']),
    );
    expect(tags.filter((t) => /^\d{14}$/.test(t)).length).toBeGreaterThanOrEqual(1);
  });

  it('mounts the stored buildpack layers instead of uploading them', async () => {
    const raw = await skopeoInspectRaw(`docker://${at.web}`, registry.skopeoArgs());
    const stored = (raw.json.layers as Array<{ digest: string }>).map((l) => l.digest);
    const mounts = (await registry.mounts()).filter((m) => m.repository === 'builders/app' && m.status === 201);
    expect(
      mounts
        .filter((m) => m.from === 'store/web')
        .map((m) => m.digest)
        .sort(),
    ).toEqual([...stored].sort());
    const uploadsOfStored = (await registry.accessLog()).filter(
      (e) => e.method === 'PUT' && e.repository === 'builders/app' && stored.includes(e.query.digest ?? ''),
    );
    expect(uploadsOfStored).toEqual([]);
  });

  it('writes nothing when built again with the same inputs', async () => {
    const before = (await registry.accessLog()).length;
    const again = await cli('build', '-f', join(work, 'resources.yaml'));
    expect(again.code).toBe(0);
    expect(again.out).toMatch(/Builder\s+team\/web\s+Ready\s+\S+ \(unchanged, nothing pushed\)/);
    const during = (await registry.accessLog()).slice(before);
    expect(writes(during)).toEqual([]);
    expect(during.length).toBeGreaterThan(0);
  });

  it('fails a builder with a missing buildpack, naming the path, and leaves no run-image copy', async () => {
    const result = await cli('build', '-f', join(work, 'resources.yaml'), join(work, 'broken.yaml'));
    expect(result.code).toBe(1);
    expect(result.out).toMatch(/Builder\s+default\/broken\s+Failed\s+spec\.order\[0\]\.group\[1\]: could not find buildpack with id 'test\/missing'/);
    expect(result.err).toMatch(/resources failed \(the table says why\): .*broken\.yaml#1 Builder default\/broken$/m);
    const repositories = (await registry.accessLog()).map((e) => e.repository);
    expect(repositories).not.toContain('builders/broken');
  });

  it('writes the same builder into a local layout from registry inputs', async () => {
    const layout = join(work, 'out');
    await writeFile(join(work, 'layout.yaml'), resourcesYaml({ ...at, builders: `oci:${layout}` }));
    const result = await cli('build', '-f', join(work, 'layout.yaml'));
    expect(result.code).toBe(0);
    const inspected = await skopeoInspect(`oci:${layout}:builder-team-web`);
    // Same inputs, same builder, except the run image it names: the lifecycle cannot pull a layout,
    // so it names the stack's registry run image (by the digest the copy was made from).
    const labels = inspected.Labels as Record<string, string>;
    expect(labels['io.buildpacks.buildpack.layers']).toBe(
      ((await skopeoInspect(`docker://${registry.host}/builders/app:builder-team-web`, registry.skopeoArgs())).Labels as Record<string, string>)[
        'io.buildpacks.buildpack.layers'
      ],
    );
    const runDigest = (await skopeoInspectRaw(`docker://${at.run}`, registry.skopeoArgs())).digest;
    expect(JSON.parse(labels['io.buildpacks.builder.metadata']!)).toMatchObject({ stack: { runImage: { image: `${registry.host}/stack/run@${runDigest}` } } });
    expect(result.out).not.toContain('warning:');
    // The layout still holds its own run-image copy.
    expect((await skopeoInspectRaw(`oci:${layout}:builder-team-web-run-image`)).digest).toBe(runDigest);
    const inspectOut = await cli('inspect', 'builder', `oci:${layout}:builder-team-web`);
    expect(inspectOut.out).toMatch(/└ test\/ruby@1\.0\.0/);
  });

  it('copies images registry to registry with mounts, and registry to layout', async () => {
    const copied = await cli('image', 'copy', at.web, `${registry.host}/copies/web:1`);
    expect(copied.code).toBe(0);
    expect(copied.out).toMatch(/\(copied: 4 mounted\)\n$/);
    const raw = await skopeoInspectRaw(`docker://${registry.host}/copies/web:1`, registry.skopeoArgs());
    expect(raw.digest).toBe((await skopeoInspectRaw(`docker://${at.web}`, registry.skopeoArgs())).digest);
    const toLayout = await cli('image', 'copy', at.web, `oci:${join(work, 'copied')}:web`);
    expect(toLayout.out).toMatch(new RegExp(`-> oci:.*copied@${raw.digest} \\(copied`));
    expect((await skopeoInspectRaw(`oci:${join(work, 'copied')}:web`)).digest).toBe(raw.digest);
  });

  it('is read by pack builder inspect with the same buildpacks and order', async () => {
    const auths = JSON.parse(await readFile(join(work, 'docker', 'config.json'), 'utf8')) as unknown;
    const result = await runPack(['builder', 'inspect', `${registry.host}/builders/app:builder-team-web`, '--depth', '3'], { dockerConfig: auths });
    // The LOCAL section fails for want of a Docker daemon; the REMOTE one is the registry's builder.
    const remote = result.stdout.slice(result.stdout.indexOf('REMOTE:'), result.stdout.indexOf('LOCAL:'));
    expect(remote).toMatch(/^REMOTE:/);
    expect(remote).not.toMatch(/ERROR/);
    expect(remote).toMatch(/Run Images:\s+\S+builder-team-web-run-image@sha256:/);
    expect(remote).toMatch(/Version:\s+0\.21\.17/);
    for (const id of ['test/node', 'test/python', 'test/ruby', 'test/web']) expect(remote).toContain(id);
    // Our `inspect builder` draws the detection order exactly as pack does.
    const ours = await cli('inspect', 'builder', `${registry.host}/builders/app:builder-team-web`);
    const orderOf = (text: string): string => text.slice(text.indexOf('Detection Order:')).trim();
    expect(orderOf(remote)).toContain('└ test/ruby@1.0.0');
    expect(orderOf(ours.out)).toBe(orderOf(remote));
  });
});
