/**
 * The real CNB tools for integration tests: `lifecycle detect` run as an unprivileged user on
 * host directories (it refuses uid 0), and `pack` with a private HOME and DOCKER_CONFIG. Both
 * binaries come from scripts/provision.sh; see the CNB formats reference, section 6.
 */
import { constants } from 'node:fs';
import { access, chmod, chown, copyFile, mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { HarnessError } from './harness-error.ts';
import { removeDir, runCommand, scratchDir, toolsBinDir } from './process.ts';

/** Exit code and output of one tool run. */
export interface ToolResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The provisioned lifecycle binary (not executable by other users while it sits under /root). */
export function lifecycleBin(): string {
  return join(toolsBinDir(), 'lifecycle');
}

/** The provisioned pack binary. */
export function packBin(): string {
  return join(toolsBinDir(), 'pack');
}

/** uid and gid of `nobody`, the user the lifecycle runs as when the tests run as root. */
export const UNPRIVILEGED_ID = 65534;

const runningAsRoot = (): boolean => process.getuid?.() === 0;

let reachableLifecycle: Promise<string> | undefined;

// Root's home is private (0700), so uid 65534 cannot execute the provisioned binary in place.
// The copy's directory is named after the binary's size and mtime: every test process shares
// it, and a rebuilt lifecycle gets a new one.
async function copyLifecycle(): Promise<string> {
  const source = lifecycleBin();
  const info = await stat(source).catch((error: unknown) => {
    throw new HarnessError(`lifecycle not provisioned at ${source}: run scripts/provision.sh`, { cause: error });
  });
  const dir = join(tmpdir(), `packsmith-lifecycle-${info.size}-${Math.trunc(info.mtimeMs)}`);
  const target = join(dir, 'lifecycle');
  if (
    await stat(target).then(
      (s) => s.size === info.size,
      () => false,
    )
  )
    return target;
  await mkdir(dir, { recursive: true, mode: 0o755 });
  const partial = `${target}.${process.pid}.partial`;
  await copyFile(source, partial);
  await runCommand('chmod', ['755', dir, partial]);
  // rename is atomic: a concurrent worker sees either no binary or a complete one.
  await rename(partial, target);
  return target;
}

/**
 * A lifecycle binary the lifecycle's user can execute: the provisioned one when the tests do
 * not run as root, else a world-readable copy made once per machine and binary version.
 */
export async function runnableLifecycleBin(): Promise<string> {
  if (!runningAsRoot()) return lifecycleBin();
  reachableLifecycle ??= copyLifecycle();
  return reachableLifecycle;
}

/** The run-image target written to analyzed.toml; target checks apply from Platform API 0.12. */
export interface RunImageTarget {
  os: string;
  arch: string;
  distro?: { name: string; version: string };
}

/** Inputs of one `lifecycle detect` run. */
export interface DetectOptions {
  /** Holds `<escaped id>/<version>/buildpack.toml` (ids with `/` escaped as `_`). */
  buildpacksDir: string;
  orderPath: string;
  appDir: string;
  /** Run-image target pinned in analyzed.toml; default linux/amd64. `false` writes no analyzed.toml (host defaults apply). */
  analyzedTarget?: RunImageTarget | false;
  /** CNB_PLATFORM_API; default 0.15. */
  platformApi?: string;
  /** Extra lifecycle flags, e.g. ['-log-level', 'debug']. */
  extraArgs?: readonly string[];
}

/** One `[[group]]` entry of group.toml. */
export interface GroupEntry {
  id: string;
  version: string;
  api?: string;
  optional?: boolean;
}

/** Outcome of `lifecycle detect`: exit code, its output (all on stdout), and the files it wrote. */
export interface DetectResult extends ToolResult {
  /** The selected group, when group.toml was written (exit 0). */
  group?: GroupEntry[];
  /** group.toml and plan.toml as written, when present. */
  groupToml?: string;
  planToml?: string;
}

function analyzedToml(target: RunImageTarget): string {
  const lines = ['[run-image]', '  reference = ""', '  image = "x"', '  [run-image.target]', `    os = "${target.os}"`, `    arch = "${target.arch}"`];
  if (target.distro) {
    lines.push('    [run-image.target.distro]', `      name = "${target.distro.name}"`, `      version = "${target.distro.version}"`);
  }
  return `${lines.join('\n')}\n`;
}

// Scratch directories (mkdtemp makes them 0700) between the temp dir and `path` are opened for
// passing through; a private directory anywhere else is reported instead of changed.
async function openAncestors(path: string): Promise<void> {
  const temp = tmpdir();
  for (let parent = dirname(path); parent !== dirname(parent); parent = dirname(parent)) {
    const mode = (await stat(parent)).mode;
    if ((mode & 0o001) !== 0) continue;
    if (!parent.startsWith(`${temp}/`)) {
      throw new HarnessError(`${path} is inside ${parent}, which other users cannot enter; use a directory under ${temp}`);
    }
    await chmod(parent, (mode & 0o7777) | 0o111);
  }
}

/**
 * Lets every user read `paths` (recursively) and enter their directories (chmod -R a+rX), and
 * makes sure they can reach them: the lifecycle's unprivileged user must read these trees.
 */
export async function grantReadAccess(paths: readonly string[]): Promise<void> {
  for (const path of paths) {
    const result = await runCommand('chmod', ['-R', 'a+rX', path]);
    if (result.code !== 0) throw new HarnessError(`chmod -R a+rX ${path}: ${result.stderr.trim()}`);
    await openAncestors(path);
  }
}

interface DetectWorkspace {
  dir: string;
  layers: string;
  platform: string;
  home: string;
}

async function makeWorkspace(): Promise<DetectWorkspace> {
  const dir = await scratchDir('detect');
  const workspace = { dir, layers: join(dir, 'layers'), platform: join(dir, 'platform'), home: join(dir, 'home') };
  for (const sub of [workspace.layers, workspace.platform, workspace.home]) await mkdir(sub);
  await runCommand('chmod', ['755', dir]);
  if (runningAsRoot()) {
    for (const sub of [workspace.layers, workspace.home]) await chown(sub, UNPRIVILEGED_ID, UNPRIVILEGED_ID);
  }
  return workspace;
}

function detectArgs(options: DetectOptions, workspace: DetectWorkspace, analyzed: string | undefined): string[] {
  const args = ['detect', '-buildpacks', options.buildpacksDir, '-order', options.orderPath, '-app', options.appDir];
  args.push('-layers', workspace.layers, '-platform', workspace.platform, '-no-color');
  if (analyzed !== undefined) args.push('-analyzed', analyzed);
  return [...args, ...(options.extraArgs ?? [])];
}

async function readIfPresent(path: string): Promise<string | undefined> {
  return readFile(path, 'utf8').catch(() => undefined);
}

/**
 * Runs `lifecycle detect` on host directories, as uid/gid 65534 when the tests run as root
 * (via setpriv), in a fresh scratch workspace (layers, platform and HOME) removed afterwards.
 * Makes `buildpacksDir`, `orderPath` and `appDir` readable by everyone first. Never throws on
 * a non-zero exit: 0 = group selected, 20 = no group passed, 21 = none passed and some errored.
 */
export async function runLifecycleDetect(options: DetectOptions): Promise<DetectResult> {
  const lifecycle = await runnableLifecycleBin();
  await grantReadAccess([options.buildpacksDir, options.orderPath, options.appDir]);
  const workspace = await makeWorkspace();
  try {
    let analyzed: string | undefined;
    if (options.analyzedTarget !== false) {
      analyzed = join(workspace.dir, 'analyzed.toml');
      await writeFile(analyzed, analyzedToml(options.analyzedTarget ?? { os: 'linux', arch: 'amd64' }), { mode: 0o644 });
    }
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: workspace.home, CNB_PLATFORM_API: options.platformApi ?? '0.15', CNB_NO_COLOR: 'true' };
    const args = detectArgs(options, workspace, analyzed);
    const dropPrivileges = ['--reuid', String(UNPRIVILEGED_ID), '--regid', String(UNPRIVILEGED_ID), '--clear-groups', '--', lifecycle];
    const result = runningAsRoot()
      ? await runCommand('setpriv', [...dropPrivileges, ...args], { env, cwd: workspace.dir })
      : await runCommand(lifecycle, args, { env, cwd: workspace.dir });
    const groupToml = await readIfPresent(join(workspace.layers, 'group.toml'));
    const planToml = await readIfPresent(join(workspace.layers, 'plan.toml'));
    const group = groupToml === undefined ? undefined : ((parseToml(groupToml).group ?? []) as unknown as GroupEntry[]);
    return { ...result, group, groupToml, planToml };
  } finally {
    await removeDir(workspace.dir);
  }
}

/** Options for `runPack`. */
export interface PackOptions {
  /** Added to (and overriding) the environment; HOME, PACK_HOME and DOCKER_CONFIG point into a scratch directory unless given here. */
  env?: NodeJS.ProcessEnv;
  /** Written as the scratch DOCKER_CONFIG's config.json (e.g. registry `auths`); default `{}`. */
  dockerConfig?: unknown;
  cwd?: string;
  timeoutMs?: number;
}

/** Runs the provisioned pack with a private HOME, PACK_HOME and DOCKER_CONFIG; never throws on a non-zero exit. */
export async function runPack(args: readonly string[], options: PackOptions = {}): Promise<ToolResult> {
  await access(packBin(), constants.X_OK).catch((error: unknown) => {
    throw new HarnessError(`pack not provisioned at ${packBin()}: run scripts/provision.sh`, { cause: error });
  });
  const home = await scratchDir('pack');
  try {
    const dockerConfig = join(home, '.docker');
    await mkdir(dockerConfig);
    await writeFile(join(dockerConfig, 'config.json'), JSON.stringify(options.dockerConfig ?? {}));
    const env = { ...process.env, HOME: home, PACK_HOME: join(home, '.pack'), DOCKER_CONFIG: dockerConfig, ...options.env };
    return await runCommand(packBin(), args, { env, cwd: options.cwd, timeoutMs: options.timeoutMs ?? 300_000 });
  } finally {
    await removeDir(home);
  }
}
