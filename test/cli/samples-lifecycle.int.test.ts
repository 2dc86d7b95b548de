// The samples are real buildpacks: `packsmith samples` with the provisioned lifecycle, `packsmith
// build -f` on its directory, umoci unpacks the built builder, and the REAL lifecycle runs on the
// unpacked filesystem as an unprivileged user: `detect` against the sample apps selects the
// expected groups (exit 20 when none passes), and the builder's own `cnb/lifecycle/builder` runs
// the selected buildpacks' bin/build, whose launch.toml files become the app's processes.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCaptured, type CliRun } from '../../src/cli/testing/index.ts';
import { UNPRIVILEGED_ID, grantReadAccess, lifecycleBin, runLifecycleDetect, type DetectResult } from '../harness/cnb-tools.ts';
import { removeDir, runCommand, scratchDir } from '../harness/process.ts';
import { umociUnpack, type UnpackedBundle } from '../harness/umoci.ts';

const cli = (...args: string[]): Promise<CliRun> =>
  runCaptured(args, { env: { DOCKER_CONFIG: '/nonexistent', PACKSMITH_LIFECYCLE: lifecycleBin(), PATH: process.env.PATH } });

let root = '';
let buildOutput = '';
let bundle: UnpackedBundle;
const samples = (): string => join(root, 'samples');
const cnb = (...parts: string[]): string => join(bundle.rootfs, 'cnb', ...parts);

beforeAll(async () => {
  root = await scratchDir('samples-lifecycle');
  const written = await cli('samples', samples());
  if (written.code !== 0) throw new Error(`packsmith samples failed: ${written.err}`);
  const built = await cli('build', '-f', samples());
  if (built.code !== 0) throw new Error(`packsmith build failed: ${built.out}${built.err}`);
  buildOutput = built.out + built.err;
  // The sample builder is an index (linux/amd64 and linux/arm64); umoci unpacks one image, so the amd64 member is copied out first.
  const amd64 = join(root, 'amd64');
  const copied = await cli('image', 'copy', `oci:${join(samples(), 'out', 'builder')}:builder-samples-web`, `oci:${amd64}:builder-samples-web`);
  if (copied.code !== 0) throw new Error(`packsmith image copy failed: ${copied.out}${copied.err}`);
  bundle = await umociUnpack({ layout: amd64, tag: 'builder-samples-web' });
}, 300_000);

afterAll(async () => {
  if (bundle) await removeDir(bundle.dir);
  await removeDir(root);
});

/** An app made of the sample apps' files (or a README only). */
async function appWith(name: string, files: Record<string, string>): Promise<string> {
  const app = join(root, 'apps', name);
  await mkdir(app, { recursive: true });
  for (const [file, content] of Object.entries(files)) await writeFile(join(app, file), content);
  return app;
}

function detect(appDir: string): Promise<DetectResult> {
  return runLifecycleDetect({ buildpacksDir: cnb('buildpacks'), orderPath: cnb('order.toml'), appDir });
}

interface Processes {
  'buildpack-default-process-type'?: string;
  processes?: Array<{ type: string; command: string[]; 'buildpack-id': string }>;
}

/** Runs the builder's own `cnb/lifecycle/builder` on the group detect selected; returns config/metadata.toml. */
async function build(appDir: string, detected: DetectResult): Promise<{ code: number; output: string; metadata?: Processes }> {
  const work = await scratchDir('samples-build');
  try {
    const layers = join(work, 'layers');
    const platform = join(work, 'platform');
    await mkdir(layers);
    await mkdir(platform);
    await writeFile(join(layers, 'group.toml'), detected.groupToml ?? '');
    await writeFile(join(layers, 'plan.toml'), detected.planToml ?? '');
    await grantReadAccess([work, appDir]);
    if (process.getuid?.() === 0) await runCommand('chown', ['-R', `${UNPRIVILEGED_ID}:${UNPRIVILEGED_ID}`, layers]);
    const args = ['-buildpacks', cnb('buildpacks'), '-group', join(layers, 'group.toml'), '-plan', join(layers, 'plan.toml')];
    args.push('-app', appDir, '-layers', layers, '-platform', platform, '-no-color');
    const env = { PATH: '/usr/bin:/bin', HOME: work, CNB_PLATFORM_API: '0.15' };
    const id = String(UNPRIVILEGED_ID);
    const result =
      process.getuid?.() === 0
        ? await runCommand('setpriv', ['--reuid', id, '--regid', id, '--clear-groups', '--', cnb('lifecycle', 'builder'), ...args], { env, cwd: work })
        : await runCommand(cnb('lifecycle', 'builder'), args, { env, cwd: work });
    const text = await readFile(join(layers, 'config', 'metadata.toml'), 'utf8').catch(() => undefined);
    return { code: result.code, output: result.stdout + result.stderr, metadata: text === undefined ? undefined : parseToml(text) };
  } finally {
    await removeDir(work);
  }
}

describe('the built sample builder, unpacked by umoci', () => {
  it('carries the real lifecycle, answering by its phase names', async () => {
    const version = await runCommand(cnb('lifecycle', 'detector'), ['-version'], { env: { ...process.env, CNB_PLATFORM_API: '0.15' } });
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    const readme = await readFile(cnb('lifecycle', 'README'), 'utf8');
    expect(readme).toContain(`lifecycle ${version.stdout.trim()} binary`);
  });

  it('carries the launcher provisioned beside the lifecycle, so the exporter can use it', async () => {
    const launcher = await readFile(cnb('lifecycle', 'launcher'));
    expect(launcher.equals(await readFile(join(dirname(lifecycleBin()), 'launcher')))).toBe(true);
    expect(await readFile(cnb('lifecycle', 'README'), 'utf8')).toContain('cnb/lifecycle/launcher');
  });
});

describe('the run image of a builder in a layout', () => {
  it('is the layout copy, with a warning that the lifecycle cannot pull it (the sample stack is only a layout)', async () => {
    expect(buildOutput).toMatch(/warning: the run image oci:\S+@sha256:[0-9a-f]{64} is a local layout, which the lifecycle cannot pull/);
    const runToml = await readFile(cnb('run.toml'), 'utf8');
    expect(runToml).toMatch(/image = "oci:\S+@sha256:[0-9a-f]{64}"/);
  });
});

describe('the real lifecycle detect on the sample apps', () => {
  it('selects samples/static for the static site (the optional shell drops out)', async () => {
    const result = await detect(join(samples(), 'apps', 'static-site'));
    expect(result.code, result.stdout).toBe(0);
    expect(result.group).toEqual([{ id: 'samples/static', version: '0.1.0', api: '0.10' }]);
  });

  it("falls through to the meta-buildpack's second group for the shell script app", async () => {
    const result = await detect(join(samples(), 'apps', 'shell-script'));
    expect(result.code, result.stdout).toBe(0);
    expect(result.group?.map((g) => `${g.id}@${g.version}`)).toEqual(['samples/shell@0.1.0']);
  });

  it('selects static and shell together when the app has both', async () => {
    const app = await appWith('both', { 'index.html': '<h1>hi</h1>\n', 'start.sh': 'echo hi\n' });
    const result = await detect(app);
    expect(result.code, result.stdout).toBe(0);
    expect(result.group?.map((g) => g.id)).toEqual(['samples/static', 'samples/shell']);
  });

  it("reaches the builder's second group, the Procfile buildpack named by id, for the Procfile app", async () => {
    const result = await detect(join(samples(), 'apps', 'procfile-app'));
    expect(result.code, result.stdout).toBe(0);
    expect(result.group?.map((g) => g.id)).toEqual(['samples/procfile']);
  });

  it('exits 20 when no group passes', async () => {
    const result = await detect(await appWith('nothing', { 'README.md': 'nothing to detect\n' }));
    expect(result.code, result.stdout).toBe(20);
    expect(result.stdout).toContain('No buildpack groups passed detection.');
  });
});

describe("the builder's own lifecycle runs the selected buildpacks' bin/build", () => {
  it('gives the static site a default web process serving it', async () => {
    const app = join(samples(), 'apps', 'static-site');
    const result = await build(app, await detect(app));
    expect(result.code, result.output).toBe(0);
    expect(result.metadata?.['buildpack-default-process-type']).toBe('web');
    expect(result.metadata?.processes?.map((p) => `${p.type} ${p['buildpack-id']}`)).toEqual(['web samples/static']);
    expect(result.metadata?.processes?.[0]?.command[0]).toMatch(/\/samples_static\/web\/bin\/serve-static$/);
  });

  it("turns the Procfile's lines into processes run by sh -c", async () => {
    const app = join(samples(), 'apps', 'procfile-app');
    const result = await build(app, await detect(app));
    expect(result.code, result.output).toBe(0);
    expect(result.metadata?.processes).toEqual([
      expect.objectContaining({ type: 'web', command: ['sh', '-c', 'echo "Hello from a packsmith sample Procfile app"'], 'buildpack-id': 'samples/procfile' }),
    ]);
  });

  it('runs start.sh with sh for the shell script app', async () => {
    const app = join(samples(), 'apps', 'shell-script');
    const result = await build(app, await detect(app));
    expect(result.code, result.output).toBe(0);
    expect(result.metadata?.['buildpack-default-process-type']).toBe('start');
    expect(result.metadata?.processes?.map((p) => [p.type, ...p.command].join(' '))).toEqual(['start sh start.sh']);
  });
});
