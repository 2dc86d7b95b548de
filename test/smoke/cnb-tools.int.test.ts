// Smoke test of the CNB tool harness: the provisioned lifecycle and pack run, the lifecycle
// refuses root, and a real `lifecycle detect` (as uid 65534) selects groups from a tiny
// buildpacks directory written here.
import { chmod, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lifecycleBin, packBin, runLifecycleDetect, runnableLifecycleBin, runPack } from '../harness/cnb-tools.ts';
import { removeDir, runCommand, scratchDir } from '../harness/process.ts';

/** Defines a test only where it applies, so that nothing is reported as skipped. */
const itWhere = (applies: boolean): typeof it => (applies ? it : ((() => undefined) as unknown as typeof it));

let dir = '';
const buildpacksDir = (): string => join(dir, 'buildpacks');
const orderPath = (): string => join(dir, 'order.toml');
const appDir = (): string => join(dir, 'app');

// A buildpack whose detect passes when the app has `<file>`.
async function writeBuildpack(id: string, file: string): Promise<void> {
  const root = join(buildpacksDir(), id.replaceAll('/', '_'), '0.0.1');
  await mkdir(join(root, 'bin'), { recursive: true });
  await writeFile(join(root, 'buildpack.toml'), `api = "0.10"\n\n[buildpack]\n  id = "${id}"\n  version = "0.0.1"\n`);
  await writeFile(join(root, 'bin', 'detect'), `#!/bin/sh\n# cwd is the app directory\nif [ -f ${file} ]; then exit 0; fi\necho "no ${file}"\nexit 100\n`);
  await writeFile(join(root, 'bin', 'build'), '#!/bin/sh\nexit 0\n');
  await chmod(join(root, 'bin', 'detect'), 0o755);
  await chmod(join(root, 'bin', 'build'), 0o755);
}

beforeAll(async () => {
  dir = await scratchDir('cnb-smoke');
  await writeBuildpack('test/a', 'a.txt');
  await writeBuildpack('test/b', 'b.txt');
  // The first group needs both; the second only b. Detection tries the groups in order.
  const order = [
    '[[order]]',
    '  [[order.group]]',
    '    id = "test/a"',
    '    version = "0.0.1"',
    '  [[order.group]]',
    '    id = "test/b"',
    '    version = "0.0.1"',
    '',
    '[[order]]',
    '  [[order.group]]',
    '    id = "test/b"',
    '    version = "0.0.1"',
    '',
  ];
  await writeFile(orderPath(), order.join('\n'));
  await mkdir(appDir());
});

afterAll(async () => {
  await removeDir(dir);
});

async function appWith(files: readonly string[]): Promise<void> {
  await rm(appDir(), { recursive: true, force: true });
  await mkdir(appDir());
  for (const file of files) await writeFile(join(appDir(), file), 'x');
}

describe('provisioned CNB tools', () => {
  it('lifecycle and pack print their versions', async () => {
    const lifecycle = await runCommand(lifecycleBin(), ['-version']);
    expect(lifecycle.code).toBe(0);
    expect(lifecycle.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    const pack = await runPack(['--version']);
    expect(pack.code).toBe(0);
    expect(pack.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    expect(packBin()).toMatch(/pack$/);
  });

  itWhere(process.getuid?.() === 0)('lifecycle refuses to run as root', async () => {
    const result = await runCommand(await runnableLifecycleBin(), ['detect', '-buildpacks', buildpacksDir(), '-order', orderPath(), '-app', appDir()], {
      env: { PATH: process.env.PATH, CNB_PLATFORM_API: '0.15', CNB_NO_COLOR: 'true' },
    });
    expect(result.code).toBe(1);
    expect(result.stdout + result.stderr).toMatch(/refusing to run as root/);
  });
});

describe('lifecycle detect as an unprivileged user', () => {
  it('selects the first group whose buildpacks all pass', async () => {
    await appWith(['a.txt', 'b.txt']);
    const result = await runLifecycleDetect({ buildpacksDir: buildpacksDir(), orderPath: orderPath(), appDir: appDir() });
    expect(result.code, result.stdout).toBe(0);
    expect(result.group?.map((entry) => entry.id)).toEqual(['test/a', 'test/b']);
    expect(result.group?.[0]).toMatchObject({ version: '0.0.1', api: '0.10' });
    expect(result.stdout).toMatch(/test\/a\s+0\.0\.1/);
  });

  it('falls back to a later group', async () => {
    await appWith(['b.txt']);
    const result = await runLifecycleDetect({ buildpacksDir: buildpacksDir(), orderPath: orderPath(), appDir: appDir() });
    expect(result.code, result.stdout).toBe(0);
    expect(result.group?.map((entry) => entry.id)).toEqual(['test/b']);
  });

  it('exits 20 when no group passes', async () => {
    await appWith(['a.txt']);
    const result = await runLifecycleDetect({ buildpacksDir: buildpacksDir(), orderPath: orderPath(), appDir: appDir() });
    expect(result.code, result.stdout).toBe(20);
    expect(result.group).toBeUndefined();
    expect(result.stdout).toMatch(/No buildpack groups passed detection/);
  });

  it('checks buildpack targets against the pinned run-image target', async () => {
    await appWith(['b.txt']);
    const onlyArm = join(dir, 'arm-buildpacks');
    await writeBuildpackWithTarget(onlyArm, 'arm64');
    const onlyB = join(dir, 'order-b.toml');
    await writeFile(onlyB, '[[order]]\n  [[order.group]]\n    id = "test/b"\n    version = "0.0.1"\n');
    const base = { buildpacksDir: onlyArm, orderPath: onlyB, appDir: appDir() };
    const amd = await runLifecycleDetect(base);
    expect(amd.code, amd.stdout).toBe(21);
    expect(amd.stdout).toMatch(/unable to satisfy target os\/arch constraints/);
    const arm = await runLifecycleDetect({ ...base, analyzedTarget: { os: 'linux', arch: 'arm64' } });
    expect(arm.code, arm.stdout).toBe(0);
    expect(arm.group?.map((entry) => entry.id)).toEqual(['test/b']);
  });
});

// test/b again, but declaring a single linux/<arch> target.
async function writeBuildpackWithTarget(root: string, arch: string): Promise<void> {
  const bp = join(root, 'test_b', '0.0.1');
  await mkdir(join(bp, 'bin'), { recursive: true });
  await writeFile(
    join(bp, 'buildpack.toml'),
    `api = "0.10"\n\n[buildpack]\n  id = "test/b"\n  version = "0.0.1"\n\n[[targets]]\n  os = "linux"\n  arch = "${arch}"\n`,
  );
  await writeFile(join(bp, 'bin', 'detect'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
  await writeFile(join(bp, 'bin', 'build'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
}
