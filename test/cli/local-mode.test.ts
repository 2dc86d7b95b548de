// packsmith's CLI in local mode, end to end through runCli with every input in local OCI layouts:
// `build -f` resolves the YAML and writes builders into a layout, `inspect builder`, `store read`,
// `image inspect` and `image copy` read them back. No registry and no cluster involved.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCaptured, type CliRun } from '../../src/cli/testing/index.ts';
import { packsmithVersion } from '../../src/shared/index.ts';
import { parse as parseToml } from 'smol-toml';
import { parse as parseYaml } from 'yaml';
import { readLayout, writeLayout } from '../../src/oci/index.ts';
import { removeDir, scratchDir } from '../harness/process.ts';
import { brokenBuilderYaml, buildpackages, lifecycleImage, resourcesYaml, stackImage, type Locations } from '../app/fixtures.ts';

const env = { DOCKER_CONFIG: '/nonexistent' };
const cliWithStdin = (stdin: string, ...args: string[]): Promise<CliRun> => runCaptured(args, { env, stdin });
const cli = (...args: string[]): Promise<CliRun> => runCaptured(args, { env });

let dir = '';
let at: Locations;

beforeAll(async () => {
  dir = await scratchDir('cli-local');
  const inputs = join(dir, 'inputs');
  const packages = await buildpackages();
  await writeLayout(inputs, packages.web, { tag: 'web' });
  await writeLayout(inputs, packages.ruby, { tag: 'ruby' });
  await writeLayout(inputs, stackImage('build'), { tag: 'build' });
  await writeLayout(inputs, stackImage('run'), { tag: 'run' });
  await writeLayout(inputs, await lifecycleImage(false), { tag: 'lifecycle' });
  at = {
    web: `oci:${inputs}:web`,
    ruby: `oci:${inputs}:ruby`,
    build: `oci:${inputs}:build`,
    run: `oci:${inputs}:run`,
    lifecycle: `oci:${inputs}:lifecycle`,
    builders: `oci:${join(dir, 'out')}`,
  };
  await mkdir(join(dir, 'yaml'));
  await writeFile(join(dir, 'yaml', 'resources.yaml'), resourcesYaml(at));
  await writeFile(join(dir, 'broken.yaml'), brokenBuilderYaml(`oci:${join(dir, 'out')}:broken`));
});
afterAll(async () => removeDir(dir));

describe('packsmith build (local layouts)', () => {
  it('builds every builder into the layout and prints one line per resource', async () => {
    const result = await cli('build', '-f', join(dir, 'yaml'));
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^KIND\s+NAME\s+STATUS\s+DETAILS\n/);
    expect(result.out).toMatch(/ClusterStore\s+default\s+Ready\s+3 buildpacks/);
    expect(result.out).toMatch(new RegExp(`Builder\\s+team/web\\s+Ready\\s+oci:${dir}/out@sha256:[0-9a-f]{64} \\(pushed\\)`));
    expect(result.out).toMatch(/ClusterBuilder\s+python\s+Ready\s+.*\(pushed\)/);
    const tags = (await readLayout(join(dir, 'out'))).tags();
    expect(tags).toEqual(
      expect.arrayContaining(['builder-team-web', 'builder-team-web-run-image', 'clusterbuilder-python', 'clusterbuilder-python-run-image']),
    );
    // One timestamp tag per pushed builder, even when both were pushed within the same second.
    expect(tags.filter((t) => /^\d{14}(-\d+)?$/.test(t))).toHaveLength(2);
  });

  it('writes nothing the second time and reports the statuses with -o json', async () => {
    const before = (await readLayout(join(dir, 'out'))).index().manifests.length;
    const result = await cli('build', '-f', join(dir, 'yaml', 'resources.yaml'), '-o', 'json');
    expect(result.code).toBe(0);
    const list = JSON.parse(result.out) as { items: Array<{ kind: string; apiVersion: string; status: Record<string, unknown> }> };
    const builder = list.items.find((i) => i.kind === 'ClusterBuilder')!;
    expect(builder.apiVersion).toBe('kpack.io/v1alpha2');
    expect(builder.status).toMatchObject({
      observedGeneration: 1,
      order: [{ group: [{ id: 'test/python', version: '1.0.0' }] }],
      stack: { id: 'io.packsmith.test.stack' },
      lifecycle: { version: '0.21.17' },
      os: 'linux',
    });
    expect((builder.status.conditions as Array<{ type: string; status: string }>).map((c) => `${c.type}=${c.status}`)).toEqual(['Ready=True', 'UpToDate=True']);
    expect(result.err).toMatch(/unchanged, nothing pushed/);
    expect((await readLayout(join(dir, 'out'))).index().manifests.length).toBe(before);
  });

  it('fails a builder with a missing buildpack with the path and message, and exits 1', async () => {
    const result = await cli('build', '-f', join(dir, 'yaml'), join(dir, 'broken.yaml'));
    expect(result.code).toBe(1);
    expect(result.out).toMatch(/Builder\s+default\/broken\s+Failed\s+spec\.order\[0\]\.group\[1\]: could not find buildpack with id 'test\/missing'/);
    // Each cause is printed once: in the table; the summary names the failed resources and where they are.
    expect(result.err).toMatch(/^error: 1 of 7 resources failed \(the table says why\): .*broken\.yaml#1 Builder default\/broken$/m);
    expect(result.err).not.toMatch(/could not find buildpack/);
    expect((await readLayout(join(dir, 'out'))).tags()).not.toContain('broken-run-image');
  });

  it('reports invalid resources with their file and document', async () => {
    await writeFile(
      join(dir, 'invalid.yaml'),
      'apiVersion: kpack.io/v1alpha2\nkind: ClusterStack\nmetadata: {name: x}\nspec: {id: s, buildImage: {image: "Bad Name"}}\n',
    );
    const result = await cli('build', '-f', join(dir, 'invalid.yaml'));
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/invalid\.yaml#1 ClusterStack x$/m);
    expect(result.out).toMatch(/ClusterStack\s+x\s+Failed\s+invalid ClusterStack:/);
    expect(result.out).toMatch(/invalid value: Bad Name: spec\.buildImage\.image/);
    expect(result.out).toMatch(/missing field\(s\): spec\.runImage\.image/);
  });

  it('names an invalid dependency and its problem in the builders that use it, and says how to add the default lifecycle', async () => {
    const stack = 'apiVersion: kpack.io/v1alpha2\nkind: ClusterStack\nmetadata: {name: broken-stack}\nspec: {id: s, buildImage: {image: r.test/build}}\n';
    const builder = `apiVersion: kpack.io/v1alpha2\nkind: ClusterBuilder\nmetadata: {name: uses-broken}\nspec: {tag: "oci:${join(dir, 'out')}:b", serviceAccountRef: {name: d, namespace: d}, stack: {kind: ClusterStack, name: broken-stack}, order: [{group: [{id: test/ruby}]}]}\n`;
    await writeFile(join(dir, 'dependent.yaml'), `${stack}---\n${builder}`);
    const result = await cli('build', '-f', join(dir, 'dependent.yaml'));
    expect(result.code).toBe(1);
    expect(result.out).toContain(
      `stack broken-stack is not ready: its spec in ${join(dir, 'dependent.yaml')}#1 is invalid: missing field(s): spec.runImage.image`,
    );
    expect(result.out).not.toMatch(/clusterstack\.kpack\.io "broken-stack" not found/);
    expect(result.out).toContain(
      'clusterlifecycle.kpack.io "default-lifecycle" not found: a builder without spec.lifecycle uses the ClusterLifecycle "default-lifecycle"; add one (packsmith clusterlifecycle create default-lifecycle --image LIFECYCLE_IMAGE) or set spec.lifecycle',
    );
  });
});

describe('packsmith build with the inputs users have', () => {
  const others = [
    'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: app}\nspec: {}',
    'apiVersion: v1\nkind: Secret\nmetadata: {name: creds}\nstringData: {a: b}',
    'apiVersion: kpack.io/v1alpha2\nkind: Image\nmetadata: {name: app}\nspec: {tag: r/app}',
  ].join('\n---\n');

  it('skips kinds it does not build with one notice line and builds the rest', async () => {
    await writeFile(join(dir, 'yaml', 'others.yaml'), others);
    try {
      const result = await cli('build', '-f', join(dir, 'yaml'));
      expect(result.code).toBe(0);
      expect(result.err).toBe('skipped 3 documents that packsmith does not build: Deployment, Image (kpack.io/v1alpha2), Secret\n');
      expect(result.out).not.toMatch(/Deployment|Secret/);
      expect(result.out).toMatch(/ClusterBuilder\s+python\s+Ready/);
    } finally {
      await rm(join(dir, 'yaml', 'others.yaml'));
    }
  });

  it('--quiet prints nothing on success and the reasons on failure; --verbose prints progress off a terminal', async () => {
    const quiet = await cli('build', '-f', join(dir, 'yaml'), '--quiet');
    expect(quiet).toMatchObject({ code: 0, out: '', err: '' });
    const failing = await cli('build', '-f', join(dir, 'yaml'), join(dir, 'broken.yaml'), '-q');
    expect(failing.code).toBe(1);
    expect(failing.out).toBe('');
    expect(failing.err).toMatch(
      /^error: 1 of 7 resources failed: .*broken\.yaml#1 Builder default\/broken\n.*broken\.yaml#1 Builder default\/broken: spec\.order\[0\]\.group\[1\]: could not find buildpack/m,
    );
    const verbose = await cli('build', '-f', join(dir, 'yaml'), '--verbose');
    expect(verbose.code).toBe(0);
    expect(verbose.err).toMatch(/^… ClusterStore default$/m);
    expect(verbose.err).toMatch(/^… Builder team\/web$/m);
    expect((await cli('build', '-f', join(dir, 'yaml'), '-q', '-v')).code).toBe(2);
  });

  it('reads the resources from standard input with -f -', async () => {
    const result = await cliWithStdin(resourcesYaml(at), 'build', '-f', '-', '-o', 'json');
    expect(result.code).toBe(0);
    const list = JSON.parse(result.out) as { items: Array<{ kind: string; status: { conditions?: Array<{ type: string; status: string }> } }> };
    expect(list.items.map((i) => i.kind)).toContain('ClusterBuilder');
    expect(list.items.every((i) => i.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'))).toBe(true);
  });

  it('says it is reading a large file before parsing it', async () => {
    const big = join(dir, 'big.yaml');
    const comment = `# ${'x'.repeat(1000)}\n`;
    await writeFile(big, `${comment.repeat(4200)}apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n`);
    try {
      const result = await cli('build', '-f', big);
      expect(result.err).toMatch(new RegExp(`^reading ${big} \\(4\\.\\d MiB\\)…$`, 'm'));
      expect(result.err).toMatch(/no kpack resources found/);
    } finally {
      await rm(big);
    }
  });

  it('says a binary file is not YAML in one line', async () => {
    await writeFile(join(dir, 'binary.yaml'), Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0xff, 0xfe]));
    const result = await cli('build', '-f', join(dir, 'binary.yaml'));
    expect(result.code).toBe(1);
    expect(result.err).toMatch(new RegExp(`^${dir}/binary\\.yaml: not YAML: binary content$`, 'm'));
    expect(result.err).not.toContain('\u0000');
  });
});

describe('packsmith inspect, store and image commands', () => {
  it('shows the builder like pack builder inspect', async () => {
    const result = await cli('inspect', 'builder', `${at.builders}:builder-team-web`);
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/Stack:\n {2}ID: io\.packsmith\.test\.stack/);
    expect(result.out).toMatch(/Version: 0\.21\.17/);
    expect(result.out).toMatch(/Run Images:\n {2}oci:.*@sha256:/);
    expect(result.out).toContain(
      [
        ' ├ Group #1:',
        ' │  └ test/web@2.0.0',
        ' │     └ Group #1:',
        ' │        ├ test/node@1.0.0',
        ' │        └ test/python@1.0.0    (optional)',
        ' └ Group #2:',
        '    └ test/ruby@1.0.0',
      ].join('\n'),
    );
    expect(result.out).toMatch(/test\/node\s+1\.0\.0\s+0\.10\s+https:\/\/example\.test\/test\/node/);
  });

  it('prints the builder as yaml and as toml, with the same content as json', async () => {
    const reference = `${at.builders}:builder-team-web`;
    const json = JSON.parse((await cli('inspect', 'builder', reference, '-o', 'json')).out) as {
      identifier: string;
      createdBy: { name: string; version: string };
    };
    expect(json.createdBy).toEqual({ name: 'packsmith', version: packsmithVersion });
    const yaml = parseYaml((await cli('inspect', 'builder', reference, '-o', 'yaml')).out) as unknown;
    expect(yaml).toEqual(json);
    const toml = parseToml((await cli('inspect', 'builder', reference, '-o', 'toml')).out);
    expect(toml.identifier).toBe(json.identifier);
    expect(toml.order).toEqual([
      {
        group: [
          {
            id: 'test/web',
            version: '2.0.0',
            order: [
              {
                group: [
                  { id: 'test/node', version: '1.0.0' },
                  { id: 'test/python', version: '1.0.0', optional: true },
                ],
              },
            ],
          },
        ],
      },
      { group: [{ id: 'test/ruby', version: '1.0.0' }] },
    ]);
  });

  it('lists what a store would expose', async () => {
    const result = await cli('store', 'read', at.web, at.ruby);
    expect(result.code).toBe(0);
    const lines = result.out.trim().split('\n');
    expect(lines[0]).toMatch(/^ID\s+VERSION\s+API\s+HOMEPAGE\s+SOURCE$/);
    expect(lines.slice(1).map((l) => l.split(/\s+/)[0])).toEqual(['test/node', 'test/python', 'test/ruby', 'test/web']);
  });

  it('inspects and copies images between layouts', async () => {
    const inspected = await cli('image', 'inspect', at.lifecycle);
    const description = JSON.parse(inspected.out) as { labels: Record<string, string>; manifest: { layers: unknown[] } };
    expect(description.labels['io.buildpacks.lifecycle.version']).toBe('0.21.17');
    expect(description.manifest.layers).toHaveLength(1);
    const copied = await cli('image', 'copy', at.lifecycle, `oci:${join(dir, 'copy')}`);
    expect(copied.out).toMatch(/-> oci:.*copy@sha256:\w+ \(copied: \d+ uploaded\)/);
    expect((await readLayout(join(dir, 'copy'))).tags()).toEqual(['latest']);
    const again = await cli('image', 'copy', at.lifecycle, `oci:${join(dir, 'copy')}:latest`);
    expect(again.out).toMatch(/unchanged, nothing written/);
    expect(copied.err).toBe('');
    const verbose = await cli('image', 'copy', '-v', at.lifecycle, `oci:${join(dir, 'copy-verbose')}`);
    expect(verbose.err).toMatch(/^ {2}[0-9a-f]{12} uploaded \d/m);
  });
});
