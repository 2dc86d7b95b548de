// The whole chain on a real operating system. Build and run images are made from the Debian
// bookworm minbase tree that scripts/provision.sh caches (plus the CNB user 1000, the stack id
// and io.buildpacks.base.* labels) and pushed to a real docker-registry with Basic auth.
// `packsmith build -f` makes a builder from them, the sample buildpackages of `packsmith samples`
// (a meta-buildpack with an optional member, Buildpack API 0.10 with targets), a Buildpack API
// 0.7 buildpack that names the stack, a 0.10 one whose target names Debian 12, and the samples'
// lifecycle image (the real lifecycle and its launcher); a second Builder goes to an oci: layout
// and must name the stack's registry run image. Each builder is pulled and unpacked as root,
// and the REAL lifecycle phases analyzer, detector, restorer, builder and exporter run inside it
// (chroot, private mount and pid namespaces, uid/gid 1000, the builder's Env and WorkingDir,
// Platform API 0.14); the exporter pushes the app image, which is pulled, unpacked and run
// through its launcher.
// A second build of a changed app reuses layers of the first image, and `pack builder create`
// on the same inputs gives a builder that detects the same groups and the same process types.
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/io.ts';
import { runCli } from '../../src/cli/main.ts';
import { createBuildpackage, type BuildpackTree } from '../../src/cnb/index.ts';
import { writeLayout, type Image } from '../../src/oci/index.ts';
import { lifecycleBin, runPack } from '../harness/cnb-tools.ts';
import { removeDir, runCommand, scratchDir } from '../harness/process.ts';
import { cnbDir, cnbUserId, debianRootfs, pullAndUnpack, requireRoot, runInRootfs, stackImages, type UnpackedImage } from '../harness/realos.ts';
import { startRegistry, stopAllRegistries, type RegistryHandle } from '../harness/registry.ts';
import { skopeoCopy, skopeoInspectConfig } from '../harness/skopeo.ts';

const stackId = 'io.packsmith.realos.debian';
const platformApi = '0.14';

let registry: RegistryHandle;
let work = '';
let dockerEnv: NodeJS.ProcessEnv = {};
let auths: unknown;
const at = {
  build: '',
  run: '',
  web: '',
  procfile: '',
  legacy: '',
  distro: '',
  lifecycle: '',
  builders: '',
};

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const env = {
    ...dockerEnv,
    PACKSMITH_LIFECYCLE: lifecycleBin(),
    PATH: process.env.PATH,
    XDG_CACHE_HOME: join(work, 'cache'),
  };
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

/** Copies `layout:tag` into the registry with skopeo; returns the registry reference. */
async function publishLayout(layout: string, tag: string, repository: string): Promise<string> {
  const ref = `${registry.host}/${repository}:1`;
  await skopeoCopy({
    src: `oci:${layout}:${tag}`,
    dest: `docker://${ref}`,
    flags: registry.skopeoArgs({ role: 'dest' }),
  });
  return ref;
}

async function publish(image: Image, repository: string): Promise<string> {
  const layout = join(work, 'staging', repository.replaceAll('/', '-'));
  await writeLayout(layout, image, { tag: 'image' });
  return publishLayout(layout, 'image', repository);
}

// Buildpack API 0.7: stacks instead of targets, the layers directory as $1, a string command.
// Buildpack API 0.10 with a target that names a distribution: packsmith checks it against the
// build image's labels, and the detector against the run image's target in analyzed.toml (os,
// arch and the io.buildpacks.base.distro.* labels). One naming another distribution would be
// refused when the builder is made, as pack does, so only the matching one is in the builder.
function distroBuildpack(distro: { name: string; version: string }): BuildpackTree {
  const id = `test/distro-${distro.name}`;
  return {
    descriptor: { api: '0.10', buildpack: { id, version: '1.0.0' }, targets: [{ os: 'linux', arch: 'amd64', distros: [distro] }] },
    files: {
      'bin/detect': { content: `#!/bin/sh\n# ${id}: passes when the app has distro.txt\n[ -f distro.txt ] || exit 100\n` },
      'bin/build': {
        content: `#!/bin/sh\nset -eu\nprintf '[[processes]]\\ntype = "distro"\\ncommand = ["cat", "distro.txt"]\\ndefault = true\\n' > "$CNB_LAYERS_DIR/launch.toml"\n`,
      },
    },
  };
}

const legacy: BuildpackTree = {
  descriptor: {
    api: '0.7',
    buildpack: { id: 'test/legacy', version: '0.7.0' },
    stacks: [{ id: stackId }],
  },
  files: {
    'bin/detect': {
      content: '#!/bin/sh\n# test/legacy (Buildpack API 0.7): passes when the app has legacy.txt\n[ -f legacy.txt ] || exit 100\n',
    },
    'bin/build': {
      content: [
        '#!/bin/sh',
        '# test/legacy (Buildpack API 0.7): one direct process that prints legacy.txt',
        'set -eu',
        'layers="$1"',
        'printf \'[[processes]]\\ntype = "legacy"\\ncommand = "cat"\\nargs = ["legacy.txt"]\\ndirect = true\\n\' > "$layers/launch.toml"',
        'echo "test/legacy: process legacy"',
        '',
      ].join('\n'),
    },
  },
};

function resourcesYaml(): string {
  return `apiVersion: kpack.io/v1alpha2
kind: ClusterStore
metadata: {name: realos}
spec:
  sources:
  - image: ${at.web}
  - image: ${at.procfile}
  - image: ${at.legacy}
  - image: ${at.distro}
---
apiVersion: kpack.io/v1alpha2
kind: ClusterStack
metadata: {name: debian}
spec:
  id: ${stackId}
  buildImage: {image: ${at.build}}
  runImage: {image: ${at.run}}
---
apiVersion: kpack.io/v1alpha2
kind: ClusterLifecycle
metadata: {name: default-lifecycle}
spec: {image: ${at.lifecycle}}
---
apiVersion: kpack.io/v1alpha2
kind: Builder
metadata: {name: apps, namespace: realos}
spec:
  tag: ${at.builders}
  stack: {kind: ClusterStack, name: debian}
  store: {kind: ClusterStore, name: realos}
  order:
  - group: [{id: samples/web, version: 0.1.0}]
  - group: [{id: samples/procfile}]
  - group: [{id: test/legacy}]
  - group: [{id: test/distro-debian}]
---
apiVersion: kpack.io/v1alpha2
kind: Builder
metadata: {name: layout, namespace: realos}
spec:
  tag: oci:${join(work, 'layout-builder')}
  stack: {kind: ClusterStack, name: debian}
  store: {kind: ClusterStore, name: realos}
  order:
  - group: [{id: samples/procfile}]
`;
}

// pack's own input: the same images, the lifecycle as the release tarball shape it expects.
async function packBuilderToml(): Promise<string> {
  const dir = join(work, 'pack-lifecycle');
  await mkdir(join(dir, 'lifecycle'), { recursive: true });
  await cp(lifecycleBin(), join(dir, 'lifecycle', 'lifecycle'), {
    dereference: true,
  });
  await cp(join(dirname(lifecycleBin()), 'launcher'), join(dir, 'lifecycle', 'launcher'), { dereference: true });
  for (const phase of ['analyzer', 'builder', 'creator', 'detector', 'exporter', 'extender', 'rebaser', 'restorer']) {
    await runCommand('ln', ['-s', 'lifecycle', join(dir, 'lifecycle', phase)]);
  }
  const list = (from: number, to: number): string => Array.from({ length: to - from + 1 }, (_v, i) => `"0.${from + i}"`).join(', ');
  const descriptor = `[apis]\n[apis.buildpack]\ndeprecated = []\nsupported = [${list(7, 12)}]\n[apis.platform]\ndeprecated = []\nsupported = [${list(7, 15)}]\n[api]\nbuildpack = "0.7"\nplatform = "0.7"\n[lifecycle]\nversion = "0.21.17"\n`;
  await writeFile(join(dir, 'lifecycle.toml'), descriptor);
  const tgz = join(work, 'lifecycle.tgz');
  const packed = await runCommand('tar', ['-C', dir, '-czf', tgz, 'lifecycle.toml', 'lifecycle']);
  if (packed.code !== 0) throw new Error(packed.stderr);
  const toml = `[[buildpacks]]
image = "${at.web}"
[[buildpacks]]
image = "${at.procfile}"
[[buildpacks]]
image = "${at.legacy}"
[[buildpacks]]
image = "${at.distro}"

[[order]]
[[order.group]]
id = "samples/web"
version = "0.1.0"
[[order]]
[[order.group]]
id = "samples/procfile"
[[order]]
[[order.group]]
id = "test/legacy"
[[order]]
[[order.group]]
id = "test/distro-debian"

[stack]
id = "${stackId}"
build-image = "${at.build}"
run-image = "${at.run}"

[build]
image = "${at.build}"

[[run.images]]
image = "${at.run}"

[lifecycle]
uri = "${tgz}"
`;
  const path = join(work, 'pack-builder.toml');
  await writeFile(path, toml);
  return path;
}

beforeAll(async () => {
  requireRoot();
  const rootfs = await debianRootfs();
  work = await scratchDir('realos');
  registry = await startRegistry({ mode: 'basic' });
  await mkdir(join(work, 'docker'));
  const configPath = await registry.authFile(join(work, 'docker', 'config.json'));
  dockerEnv = { DOCKER_CONFIG: dirname(configPath) };
  auths = JSON.parse(await readFile(configPath, 'utf8')) as unknown;

  const samples = join(work, 'samples');
  const written = await cli('samples', samples);
  if (written.code !== 0) throw new Error(`packsmith samples failed: ${written.err}`);
  if (!written.out.includes('launcher from')) throw new Error(`the sample lifecycle has no launcher:\n${written.out}`);
  const images = join(samples, 'images');
  const lifecycleTag = /images\/lifecycle:(\S+)/.exec(written.out)?.[1] ?? '';
  const stack = await stackImages(rootfs, work, {
    stackId,
    labels: {
      'io.buildpacks.base.distro.name': 'debian',
      'io.buildpacks.base.distro.version': '12',
    },
  });
  at.build = await publish(stack.build, 'stack/build');
  at.run = await publish(stack.run, 'stack/run');
  at.web = await publishLayout(join(images, 'web-buildpackage'), '0.1.0', 'store/web');
  at.procfile = await publishLayout(join(images, 'procfile-buildpackage'), '0.1.0', 'store/procfile');
  at.legacy = await publish(await createBuildpackage([legacy]), 'store/legacy');
  at.distro = await publish(await createBuildpackage([distroBuildpack({ name: 'debian', version: '12' })]), 'store/distro-debian');
  at.lifecycle = await publishLayout(join(images, 'lifecycle'), lifecycleTag, 'lifecycle');
  at.builders = `${registry.host}/builders/realos`;
  await mkdir(join(work, 'resources'));
  await writeFile(join(work, 'resources', 'resources.yaml'), resourcesYaml());
}, 600_000);

afterAll(async () => {
  await stopAllRegistries();
  if (work) await removeDir(work);
});

/** The lifecycle's registry credentials, as CNB_REGISTRY_AUTH carries them. */
function registryAuth(): string {
  const basic = Buffer.from(`${registry.username ?? ''}:${registry.password ?? ''}`).toString('base64');
  return JSON.stringify({ [registry.host]: `Basic ${basic}` });
}

interface BuildOutcome {
  /** Output of every phase, for failure messages. */
  log: string;
  group: Array<{ id: string; version: string; optional?: boolean }>;
  /** Exit code of the first phase that failed, or 0. */
  code: number;
  exporter: string;
  /** analyzed.toml as the analyzer wrote it: `image` is the previous app image it found. */
  analyzed: {
    image?: { reference?: string };
    'run-image'?: { reference?: string; image?: string };
  };
}

const apps = {
  both: {
    'index.html': '<h1>Hello from a real OS</h1>\n',
    'start.sh': '#!/bin/sh\necho "Hello from start.sh on $(. /etc/os-release; echo "$PRETTY_NAME")"\n',
  },
  procfile: { Procfile: 'web: echo "Hello from a Procfile on Debian"\n' },
  legacy: { 'legacy.txt': 'Hello from a Buildpack API 0.7 buildpack\n' },
  distro: { 'distro.txt': 'Hello from a buildpack whose target names Debian 12\n' },
};

/**
 * Runs analyzer, detector, restorer, builder and exporter in the unpacked builder for `files`
 * (the app, copied to /workspace), exporting to `image`. /layers and /workspace are emptied first.
 */
async function buildApp(builder: UnpackedImage, files: Record<string, string>, image: string): Promise<BuildOutcome> {
  const root = builder.rootfs;
  await rm(join(root, 'layers'), { recursive: true, force: true });
  await rm(join(root, 'workspace'), { recursive: true, force: true });
  await cnbDir(root, 'layers');
  const app = await cnbDir(root, 'workspace');
  for (const [name, content] of Object.entries(files)) await writeFile(join(app, name), content, { mode: 0o755 });
  await runCommand('chown', ['-R', `${cnbUserId}:${cnbUserId}`, app]);
  const env = [...(builder.config.Env ?? []), `CNB_PLATFORM_API=${platformApi}`, `CNB_REGISTRY_AUTH=${registryAuth()}`, 'CNB_NO_COLOR=true'];
  const cwd = builder.config.WorkingDir ?? '/';
  const common = ['-layers', '/layers', '-log-level', 'info'];
  const phases: Array<[string, string[]]> = [
    ['analyzer', [...common, image]],
    ['detector', [...common, '-app', '/workspace']],
    ['restorer', [...common]],
    ['builder', [...common, '-app', '/workspace']],
    ['exporter', [...common, '-app', '/workspace', image]],
  ];
  let log = '';
  let exporter = '';
  let analyzed: BuildOutcome['analyzed'] = {};
  for (const [phase, args] of phases) {
    const result = await runInRootfs(root, [`/cnb/lifecycle/${phase}`, ...args], { env, cwd });
    log += `--- ${phase} (exit ${result.code})\n${result.stdout}${result.stderr}`;
    if (phase === 'exporter') exporter = result.stdout + result.stderr;
    if (phase === 'analyzer') {
      const text = await readFile(join(root, 'layers', 'analyzed.toml'), 'utf8').catch(() => '');
      log += `--- analyzed.toml\n${text}`;
      analyzed = parseToml(text);
    }
    if (result.code !== 0) return { log, group: [], code: result.code, exporter, analyzed };
  }
  const groupToml = await readFile(join(root, 'layers', 'group.toml'), 'utf8');
  const group = (parseToml(groupToml).group ?? []) as BuildOutcome['group'];
  return { log, group, code: 0, exporter, analyzed };
}

/** Pulls and unpacks the app image, then runs `/cnb/process/<type>` with the image's Env and WorkingDir. */
async function runApp(image: string, type: string): Promise<{ code: number; output: string; image: UnpackedImage }> {
  const unpacked = await pullAndUnpack(`docker://${image}`, registry.skopeoArgs({ role: 'src' }));
  const result = await runInRootfs(unpacked.rootfs, [`/cnb/process/${type}`], {
    env: unpacked.config.Env ?? [],
    cwd: unpacked.config.WorkingDir ?? '/workspace',
    timeoutMs: 60_000,
  });
  return {
    code: result.code,
    output: result.stdout + result.stderr,
    image: unpacked,
  };
}

interface BuildMetadata {
  processes?: Array<{ type: string; buildpackID?: string }>;
  buildpacks?: Array<{ key: string; version: string }>;
}

async function imageLabel(image: string, label: string): Promise<unknown> {
  const config = (await skopeoInspectConfig(`docker://${image}`, registry.skopeoArgs())) as { config?: { Labels?: Record<string, string> } };
  return JSON.parse(config.config?.Labels?.[label] ?? '{}') as unknown;
}

async function processTypes(image: string): Promise<string[]> {
  const metadata = (await imageLabel(image, 'io.buildpacks.build.metadata')) as BuildMetadata;
  return (metadata.processes ?? []).map((p) => p.type).sort();
}

interface LifecycleMetadata {
  app?: Array<{ sha: string }>;
  buildpacks?: Array<{ key: string; layers?: Record<string, { sha: string }> }>;
}

/** The diffIds the exporter recorded: the app's, and each buildpack layer's as `id:layer`. */
async function layerShas(image: string): Promise<{ app: string[]; layers: Record<string, string> }> {
  const metadata = (await imageLabel(image, 'io.buildpacks.lifecycle.metadata')) as LifecycleMetadata;
  const layers: Record<string, string> = {};
  for (const bp of metadata.buildpacks ?? []) for (const [name, layer] of Object.entries(bp.layers ?? {})) layers[`${bp.key}:${name}`] = layer.sha;
  return { app: (metadata.app ?? []).map((a) => a.sha), layers };
}

const unpacked: UnpackedImage[] = [];
afterAll(async () => {
  for (const image of unpacked) await removeDir(image.dir);
});

describe('a packsmith builder on a Debian stack, run by the real lifecycle', () => {
  let builder: UnpackedImage;
  let builderRef = '';
  let buildOutput = '';
  const outcomes = new Map<string, BuildOutcome>();

  beforeAll(async () => {
    const built = await cli('build', '-f', join(work, 'resources'));
    buildOutput = built.out + built.err;
    if (built.code !== 0) throw new Error(`packsmith build failed:\n${buildOutput}`);
    builderRef = `${at.builders}:builder-realos-apps`;
    builder = await pullAndUnpack(`docker://${builderRef}`, registry.skopeoArgs({ role: 'src' }));
    unpacked.push(builder);
  }, 600_000);

  it("keeps the stack's user, environment and labels, and names a registry run image the analyzer can reach", async () => {
    expect(builder.config.Env).toEqual(expect.arrayContaining(['CNB_USER_ID=1000', 'CNB_GROUP_ID=1000']));
    expect(builder.config.WorkingDir).toBe('/layers');
    expect(builder.config.Labels?.['io.buildpacks.stack.id']).toBe(stackId);
    const runToml = await readFile(join(builder.rootfs, 'cnb', 'run.toml'), 'utf8');
    expect(runToml).toContain(`${at.builders}:builder-realos-apps-run-image@sha256:`);
  });

  it('builds the meta-buildpack app (static with the optional shell) and its start process runs on Debian', async () => {
    const image = `${registry.host}/apps/both:latest`;
    const outcome = await buildApp(builder, apps.both, image);
    outcomes.set('both', outcome);
    expect(outcome.code, outcome.log).toBe(0);
    expect(outcome.analyzed.image?.reference ?? '', outcome.log).toBe('');
    expect(outcome.analyzed['run-image']?.reference).toMatch(/builders\/realos:builder-realos-apps-run-image@sha256:|builders\/realos@sha256:/);
    expect(outcome.group.map((g) => `${g.id}@${g.version}`)).toEqual(['samples/static@0.1.0', 'samples/shell@0.1.0']);
    expect(await processTypes(image)).toEqual(['start', 'web']);
    const run = await runApp(image, 'start');
    unpacked.push(run.image);
    expect(run.code, run.output).toBe(0);
    expect(run.output).toContain('Hello from start.sh on Debian GNU/Linux 12 (bookworm)');
  }, 600_000);

  it('rebuilds the changed app reusing the layers of the previous image', async () => {
    const image = `${registry.host}/apps/both:latest`;
    const before = await layerShas(image);
    const changed = {
      ...apps.both,
      'start.sh': '#!/bin/sh\necho "Hello again, changed app"\n',
    };
    const outcome = await buildApp(builder, changed, image);
    expect(outcome.code, outcome.log).toBe(0);
    // The analyzer found the first image and pinned it by digest for the restorer and exporter.
    expect(outcome.analyzed.image?.reference, outcome.log).toEqual(expect.stringMatching(new RegExp(`^${registry.host}/apps/both@sha256:[0-9a-f]{64}$`)));
    expect(outcome.log).toContain('Restoring metadata for "samples/static:web" from app image');
    expect(outcome.exporter).toMatch(/Reusing layer 'samples\/static:web'/);
    const after = await layerShas(image);
    expect(after.layers['samples/static:web']).toBeDefined();
    expect(after.layers['samples/static:web']).toBe(before.layers['samples/static:web']);
    expect(after.app).not.toEqual(before.app);
    expect(outcome.exporter).toMatch(/Reusing layer 'buildpacksio\/lifecycle:launcher'/);
    const run = await runApp(image, 'start');
    unpacked.push(run.image);
    expect(run.output).toContain('Hello again, changed app');
  }, 600_000);

  it("turns the Procfile into a web process that the launcher runs with the run image's sh", async () => {
    const image = `${registry.host}/apps/procfile:latest`;
    const outcome = await buildApp(builder, apps.procfile, image);
    outcomes.set('procfile', outcome);
    expect(outcome.code, outcome.log).toBe(0);
    expect(outcome.group.map((g) => g.id)).toEqual(['samples/procfile']);
    const run = await runApp(image, 'web');
    unpacked.push(run.image);
    expect(run.code, run.output).toBe(0);
    expect(run.output).toContain('Hello from a Procfile on Debian');
  }, 600_000);

  it('runs a Buildpack API 0.7 buildpack that names the stack, and its direct process', async () => {
    const image = `${registry.host}/apps/legacy:latest`;
    const outcome = await buildApp(builder, apps.legacy, image);
    outcomes.set('legacy', outcome);
    expect(outcome.code, outcome.log).toBe(0);
    expect(outcome.group.map((g) => `${g.id}@${g.version}`)).toEqual(['test/legacy@0.7.0']);
    const run = await runApp(image, 'legacy');
    unpacked.push(run.image);
    expect(run.code, run.output).toBe(0);
    expect(run.output).toContain('Hello from a Buildpack API 0.7 buildpack');
  }, 600_000);

  it("runs a buildpack whose target names the run image's distribution (Debian 12)", async () => {
    const image = `${registry.host}/apps/distro:latest`;
    const outcome = await buildApp(builder, apps.distro, image);
    outcomes.set('distro', outcome);
    expect(outcome.code, outcome.log).toBe(0);
    expect(outcome.group.map((g) => `${g.id}@${g.version}`)).toEqual(['test/distro-debian@1.0.0']);
    const run = await runApp(image, 'distro');
    unpacked.push(run.image);
    expect(run.code, run.output).toBe(0);
    expect(run.output).toContain('Hello from a buildpack whose target names Debian 12');
  }, 600_000);

  describe('a builder written to an oci: layout from the same registry stack', () => {
    let layoutBuilder: UnpackedImage;

    beforeAll(async () => {
      layoutBuilder = await pullAndUnpack(`oci:${join(work, 'layout-builder')}:builder-realos-layout`, []);
      unpacked.push(layoutBuilder);
    }, 600_000);

    it("names the stack's registry run image (not the layout copy) and gives no warning", async () => {
      expect(buildOutput).not.toContain('warning:');
      const runToml = await readFile(join(layoutBuilder.rootfs, 'cnb', 'run.toml'), 'utf8');
      expect(runToml).toMatch(new RegExp(`image = "${registry.host}/stack/run@sha256:[0-9a-f]{64}"`));
      expect(runToml).not.toContain('oci:');
    });

    it('builds and exports an app: the real analyzer resolves that run image', async () => {
      const image = `${registry.host}/apps/from-layout:latest`;
      const outcome = await buildApp(layoutBuilder, apps.procfile, image);
      expect(outcome.code, outcome.log).toBe(0);
      expect(outcome.analyzed['run-image']?.reference).toEqual(expect.stringMatching(new RegExp(`^${registry.host}/stack/run@sha256:`)));
      const run = await runApp(image, 'web');
      unpacked.push(run.image);
      expect(run.output).toContain('Hello from a Procfile on Debian');
    }, 600_000);
  });

  describe('the same inputs through pack builder create', () => {
    let packBuilder: UnpackedImage;

    beforeAll(async () => {
      const ref = `${registry.host}/builders/pack:latest`;
      const created = await runPack(['builder', 'create', ref, '--config', await packBuilderToml(), '--publish', '--pull-policy', 'always'], {
        dockerConfig: auths,
      });
      if (created.code !== 0) throw new Error(`pack builder create failed:\n${created.stdout}${created.stderr}`);
      packBuilder = await pullAndUnpack(`docker://${ref}`, registry.skopeoArgs({ role: 'src' }));
      unpacked.push(packBuilder);
    }, 600_000);

    for (const name of ['both', 'procfile', 'legacy', 'distro'] as const) {
      it(`detects the same group and gives the same process types for the ${name} app`, async () => {
        const image = `${registry.host}/apps/${name}-by-pack:latest`;
        const outcome = await buildApp(packBuilder, apps[name], image);
        expect(outcome.code, outcome.log).toBe(0);
        const ours = outcomes.get(name);
        expect(ours, 'the packsmith build of this app ran first').toBeDefined();
        expect(outcome.group).toEqual(ours?.group);
        expect(await processTypes(image)).toEqual(await processTypes(`${registry.host}/apps/${name}:latest`));
      }, 600_000);
    }

    // pack's own configuration file, read by packsmith: buildpacks by `image =`, [stack] merged with
    // [build] and [[run.images]], the lifecycle as the release archive (made into a lifecycle image).
    describe('and the same builder.toml through packsmith build -f', () => {
      let tomlBuilder: UnpackedImage;

      beforeAll(async () => {
        const ref = `${registry.host}/builders/from-toml:v1`;
        const built = await cli('build', '-f', await packBuilderToml(), '--tag', ref);
        if (built.code !== 0) throw new Error(`packsmith build -f builder.toml failed:\n${built.out}${built.err}`);
        tomlBuilder = await pullAndUnpack(`docker://${ref}`, registry.skopeoArgs({ role: 'src' }));
        unpacked.push(tomlBuilder);
      }, 600_000);

      it("has pack's buildpack layers label, and pack's order with each version resolved as kpack pins it", () => {
        const label = (image: UnpackedImage, key: string): unknown => JSON.parse(image.config.Labels?.[key] ?? 'null');
        expect(label(tomlBuilder, 'io.buildpacks.buildpack.layers')).toEqual(label(packBuilder, 'io.buildpacks.buildpack.layers'));
        type Order = { group: { id: string; version?: string; optional?: boolean }[] }[];
        const ours = label(tomlBuilder, 'io.buildpacks.buildpack.order') as Order;
        const packs = label(packBuilder, 'io.buildpacks.buildpack.order') as Order;
        // pack leaves a version out where builder.toml does; packsmith writes the one it resolved.
        const unpinned = ours.map((entry, i) => ({
          group: entry.group.map((ref, j) => (packs[i]?.group[j]?.version === undefined ? { ...ref, version: undefined } : ref)),
        }));
        expect(JSON.parse(JSON.stringify(unpinned))).toEqual(packs);
        expect(ours.flatMap((e) => e.group.map((g) => g.version))).toEqual(['0.1.0', '0.1.0', '0.7.0', '1.0.0']);
        expect(tomlBuilder.config.Labels?.['io.buildpacks.stack.id']).toBe(stackId);
      });

      for (const name of ['both', 'procfile'] as const) {
        it(`detects the ${name} app as pack's builder does, and runs it`, async () => {
          const image = `${registry.host}/apps/${name}-from-toml:latest`;
          const outcome = await buildApp(tomlBuilder, apps[name], image);
          expect(outcome.code, outcome.log).toBe(0);
          expect(outcome.group).toEqual(outcomes.get(name)?.group);
          expect(await processTypes(image)).toEqual(await processTypes(`${registry.host}/apps/${name}:latest`));
        }, 600_000);
      }
    });
  });
});
