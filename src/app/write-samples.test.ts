import { Readable } from 'node:stream';
import { parseAllDocuments } from 'yaml';
import { extract } from 'tar-stream';
import { describe, expect, it } from 'vitest';
import { labelKeys, readBuildpackRecords, readLifecycleRecord, readStackRecord } from '../cnb/index.ts';
import type { Image } from '../oci/index.ts';
import { ValidationError } from '../shared/index.ts';
import { FakeImageAccess } from './testdata/fakes.ts';
import { lifecycleApisOf, writeSamples, type LifecycleBinary } from './write-samples.ts';

const fakeBinary: LifecycleBinary = {
  path: '/opt/lifecycle',
  version: '0.20.3',
  size: 11,
  open: () => Promise.resolve(Readable.from([Buffer.from('not-an-elf\n')])),
};

async function run(
  lifecycle?: LifecycleBinary,
): Promise<{ images: FakeImageAccess; files: Map<string, string>; report: Awaited<ReturnType<typeof writeSamples>> }> {
  const images = new FakeImageAccess();
  const files = new Map<string, string>();
  const report = await writeSamples({ dir: '/s', lifecycle }, { images, writeFile: (path, content) => Promise.resolve(void files.set(path, content)) });
  return { images, files, report };
}

/** The paths (and link targets) in an image's last layer. */
async function lastLayerEntries(image: Image): Promise<Map<string, { type: string; text?: string }>> {
  const layer = (await image.layers()).at(-1)!;
  const entries = new Map<string, { type: string; text?: string }>();
  const tar = extract();
  const done = new Promise<void>((resolve, reject) => {
    tar.on('entry', (header, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: unknown) => chunks.push(c as Buffer));
      stream.on('end', () => {
        const text = header.type === 'file' && header.size < 10_000 ? Buffer.concat(chunks).toString('utf8') : undefined;
        entries.set(header.name, { type: header.type === 'symlink' ? `symlink -> ${header.linkname}` : header.type, text });
        next();
      });
    });
    tar.on('finish', resolve);
    tar.on('error', reject);
  });
  (await layer.uncompressed()).pipe(tar);
  await done;
  return entries;
}

const image = (images: FakeImageAccess, ref: string): Image => {
  const found = images.written(ref);
  if (!found) throw new Error(`nothing written to ${ref}`);
  return found;
};

describe('writeSamples', () => {
  it('writes five layouts under images/ and the text files, and reports them', async () => {
    const { images, files, report } = await run();
    expect(images.summary('write')).toEqual([
      'oci:/s/images/web-buildpackage:0.1.0 (unnamed)',
      'oci:/s/images/procfile-buildpackage:0.1.0 (unnamed)',
      'oci:/s/images/build:sample (unnamed)',
      'oci:/s/images/run:sample (unnamed)',
      'oci:/s/images/lifecycle:placeholder (unnamed)',
    ]);
    expect([...files.keys()].sort()).toEqual([
      '/s/README.md',
      '/s/apps/procfile-app/Procfile',
      '/s/apps/shell-script/start.sh',
      '/s/apps/static-site/index.html',
      '/s/resources.yaml',
    ]);
    expect(report.images.map((i) => i.path)).toEqual([
      'images/web-buildpackage:0.1.0',
      'images/procfile-buildpackage:0.1.0',
      'images/build:sample',
      'images/run:sample',
      'images/lifecycle:placeholder',
    ]);
    expect(report.builders).toEqual([
      { kind: 'Builder', name: 'samples/web', reference: 'oci:out/builder:builder-samples-web' },
      { kind: 'ClusterBuilder', name: 'static', reference: 'oci:out/builder:clusterbuilder-static' },
    ]);
  });

  it('packages the buildpacks: a meta-buildpack with an optional member, and components with detect and build', async () => {
    const { images } = await run();
    const web = await readBuildpackRecords(image(images, 'oci:/s/images/web-buildpackage:0.1.0'), 'web');
    expect(web.map((r) => `${r.id}@${r.version} api ${r.api}`)).toEqual([
      'samples/shell@0.1.0 api 0.10',
      'samples/static@0.1.0 api 0.10',
      'samples/web@0.1.0 api 0.10',
    ]);
    expect(web.find((r) => r.id === 'samples/web')?.order).toEqual([
      {
        group: [
          { id: 'samples/static', version: '0.1.0' },
          { id: 'samples/shell', version: '0.1.0', optional: true },
        ],
      },
      { group: [{ id: 'samples/shell', version: '0.1.0' }] },
    ]);
    const procfile = await lastLayerEntries(image(images, 'oci:/s/images/procfile-buildpackage:0.1.0'));
    expect([...procfile.keys()].filter((p) => p.includes('/bin/'))).toEqual([
      'cnb/buildpacks/samples_procfile/0.1.0/bin/build',
      'cnb/buildpacks/samples_procfile/0.1.0/bin/detect',
    ]);
  });

  it('labels the stack images as samples, with the stack id and the CNB user', async () => {
    const { images } = await run();
    const build = image(images, 'oci:/s/images/build:sample');
    const stack = await readStackRecord({
      id: 'io.packsmith.samples.stack',
      buildImage: build,
      runImage: image(images, 'oci:/s/images/run:sample'),
      buildRef: 'b',
      runRef: 'r',
    });
    expect(stack).toMatchObject({ id: 'io.packsmith.samples.stack', userId: 1000, groupId: 1000 });
    const config = (await build.configFile()).config;
    expect(config?.User).toBe('1000:1000');
    expect(config?.Labels?.['org.opencontainers.image.description']).toMatch(/^packsmith sample build image .*not a usable OS base$/);
  });

  it('without a binary: a placeholder lifecycle layer with a README, and the 0.21 API labels', async () => {
    const { images, files, report } = await run();
    const lifecycle = image(images, 'oci:/s/images/lifecycle:placeholder');
    const record = await readLifecycleRecord(lifecycle, { image: 'l', latestImage: 'l' });
    expect(record.version).toBe('0.21.17-placeholder');
    // The record leaves out empty lists (here: deprecated).
    expect(record.apis).toMatchObject({
      buildpack: { supported: lifecycleApisOf('0.21.0')?.buildpack.supported },
      platform: { supported: lifecycleApisOf('0.21.0')?.platform.supported },
    });
    const entries = await lastLayerEntries(lifecycle);
    expect([...entries.keys()]).toEqual(['cnb', 'cnb/lifecycle', 'cnb/lifecycle/README']);
    expect(entries.get('cnb/lifecycle/README')?.text).toMatch(/PLACEHOLDER[\s\S]*cannot run builds/);
    expect((await lifecycle.configFile()).config?.Labels?.['org.opencontainers.image.description']).toContain('PLACEHOLDER');
    expect(report.lifecycle).toEqual({ version: '0.21.17-placeholder', placeholder: true });
    expect(files.get('/s/README.md')).toContain('a PLACEHOLDER lifecycle image');
  });

  it('with a binary: the binary, its phase links, lifecycle.toml and labels of its version', async () => {
    const { images, files, report } = await run(fakeBinary);
    const lifecycle = image(images, 'oci:/s/images/lifecycle:0.20.3');
    const labels = (await lifecycle.configFile()).config?.Labels ?? {};
    expect(labels[labelKeys.lifecycleVersion]).toBe('0.20.3');
    expect(JSON.parse(labels[labelKeys.lifecycleApis] ?? '{}')).toEqual({
      buildpack: { deprecated: [], supported: ['0.7', '0.8', '0.9', '0.10', '0.11'] },
      platform: { deprecated: [], supported: ['0.7', '0.8', '0.9', '0.10', '0.11', '0.12', '0.13', '0.14'] },
    });
    const entries = await lastLayerEntries(lifecycle);
    expect(entries.get('cnb/lifecycle/lifecycle')).toEqual({ type: 'file', text: 'not-an-elf\n' });
    expect(entries.get('cnb/lifecycle/detector')?.type).toBe('symlink -> lifecycle');
    expect(entries.get('cnb/lifecycle.toml')?.text).toContain('[lifecycle]\n  version = "0.20.3"');
    expect(report.lifecycle).toEqual({ version: '0.20.3', placeholder: false, binaryPath: '/opt/lifecycle' });
    expect(files.get('/s/resources.yaml')).toContain('image: oci:images/lifecycle:0.20.3');
  });

  it('with a launcher beside the binary: cnb/lifecycle/launcher too, named in the README and report', async () => {
    const launcher = { path: '/opt/launcher', size: 9, open: () => Promise.resolve(Readable.from([Buffer.from('launcher\n')])) };
    const { images, report } = await run({ ...fakeBinary, launcher });
    const lifecycle = image(images, 'oci:/s/images/lifecycle:0.20.3');
    const entries = await lastLayerEntries(lifecycle);
    expect(entries.get('cnb/lifecycle/launcher')).toEqual({ type: 'file', text: 'launcher\n' });
    expect(entries.get('cnb/lifecycle/README')?.text).toContain('cnb/lifecycle/launcher');
    expect((await lifecycle.configFile()).config?.Labels?.['org.opencontainers.image.description']).toContain('with its launcher');
    expect(report.lifecycle).toEqual({ version: '0.20.3', placeholder: false, binaryPath: '/opt/lifecycle', launcherPath: '/opt/launcher' });
    const again = await run({ ...fakeBinary, launcher });
    expect(again.report.images).toEqual(report.images);
  });

  it('refuses a lifecycle older than the API table knows', async () => {
    await expect(run({ ...fakeBinary, version: '0.17.5' })).rejects.toBeInstanceOf(ValidationError);
  });

  it('writes the stack and the lifecycle as linux/amd64 + linux/arm64 indexes, the buildpackages as single images', async () => {
    const { images } = await run();
    for (const ref of ['oci:/s/images/build:sample', 'oci:/s/images/run:sample', 'oci:/s/images/lifecycle:placeholder']) {
      const platforms = (await images.writtenIndex(ref)?.indexManifest())?.manifests.map((m) => m.platform?.architecture);
      expect(platforms, ref).toEqual(['amd64', 'arm64']);
    }
    expect(images.writtenIndex('oci:/s/images/web-buildpackage:0.1.0')).toBeUndefined();
    const lifecycle = images.writtenIndex('oci:/s/images/lifecycle:placeholder');
    const arm64 = await lifecycle?.image((await lifecycle.indexManifest()).manifests[1]?.digest ?? 'sha256:x');
    expect((await arm64?.configFile())?.config?.Labels?.[labelKeys.lifecycleVersion]).toBe('0.21.17-placeholder');
    expect([...(await lastLayerEntries(arm64 as Image)).keys()]).toEqual(['cnb', 'cnb/lifecycle', 'cnb/lifecycle/README']);
  });

  it('is deterministic: the same digests and files every time', async () => {
    const first = await run();
    const second = await run();
    expect(second.report.images).toEqual(first.report.images);
    expect([...second.files]).toEqual([...first.files]);
  });

  it('writes v1alpha2 resources with image paths relative to the YAML file', async () => {
    const { files } = await run();
    const documents = parseAllDocuments(files.get('/s/resources.yaml') ?? '').map(
      (d) => d.toJS() as { apiVersion: string; kind: string; metadata: { name: string }; spec: Record<string, unknown> },
    );
    expect(documents.map((d) => `${d.apiVersion} ${d.kind} ${d.metadata.name}`)).toEqual([
      'kpack.io/v1alpha2 ClusterStore samples',
      'kpack.io/v1alpha2 ClusterStack samples',
      'kpack.io/v1alpha2 ClusterLifecycle default-lifecycle',
      'kpack.io/v1alpha2 ClusterBuilder static',
      'kpack.io/v1alpha2 Builder web',
    ]);
    expect(documents[0]?.spec.sources).toEqual([{ image: 'oci:images/web-buildpackage:0.1.0' }, { image: 'oci:images/procfile-buildpackage:0.1.0' }]);
    expect(documents[4]?.spec).toMatchObject({
      tag: 'oci:out/builder',
      order: [{ group: [{ id: 'samples/web', version: '0.1.0' }] }, { group: [{ id: 'samples/procfile' }] }],
    });
  });
});

describe('lifecycleApisOf', () => {
  it('knows the release lines 0.18 to 0.21, gives later 0.x lines the 0.21 lists, and nothing older', () => {
    expect(lifecycleApisOf('0.21.17')?.platform.supported.at(-1)).toBe('0.15');
    expect(lifecycleApisOf('0.18.0')?.buildpack.supported).toEqual(['0.7', '0.8', '0.9', '0.10']);
    expect(lifecycleApisOf('0.23.1')).toEqual(lifecycleApisOf('0.21.0'));
    expect(lifecycleApisOf('0.17.9')).toBeUndefined();
    expect(lifecycleApisOf('1.0.0')).toBeUndefined();
  });
});
