/**
 * A real operating system for CNB tests: stack images made from the Debian minbase root
 * filesystem that scripts/provision.sh caches, images pulled (skopeo) and unpacked as root
 * (GNU tar, keeping ownership), and commands run inside an unpacked root filesystem: `chroot` in
 * private mount and pid namespaces (`unshare --mount --pid --fork`, a fresh /proc, /dev bound
 * from the host), as the CNB user via the root filesystem's own `setpriv`, with a given
 * environment and working directory. Everything here needs root.
 */
import { access, chmod, chown, copyFile, mkdir, readFile, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { labelKeys } from '../../src/cnb/index.ts';
import {
  appendLayers,
  createTarLayer,
  emptyImage,
  layerFromFile,
  mediaTypes,
  withEnv,
  withLabels,
  withUser,
  withWorkingDir,
  type Image,
  type Layer,
} from '../../src/oci/index.ts';
import { HarnessError } from './harness-error.ts';
import { runCommand, scratchDir } from './process.ts';
import { skopeoCopy } from './skopeo.ts';

/** uid and gid of the CNB user in the real-OS stack. */
export const cnbUserId = 1000;

/** The cached debootstrap tree; throws with the provisioning hint when it is missing or unfinished. */
export async function debianRootfs(): Promise<string> {
  const cacheRoot = process.env.XDG_CACHE_HOME ?? join(process.env.HOME ?? '/root', '.cache');
  const dir = join(cacheRoot, 'packsmith', 'rootfs', 'debian-bookworm-minbase');
  await access(`${dir}.complete`).catch((error: unknown) => {
    throw new HarnessError(`no finished Debian root filesystem at ${dir}: run scripts/provision.sh as root`, { cause: error });
  });
  return dir;
}

/** Fails early, with the reason, when the tests cannot chroot or make namespaces. */
export function requireRoot(): void {
  if (process.getuid?.() !== 0) throw new HarnessError('the real-OS tests need root (chroot, mount and pid namespaces); run them as root');
}

/** The stack's labels and environment, as a real CNB stack sets them. */
export interface StackImageOptions {
  stackId: string;
  /** Extra labels (for example `io.buildpacks.base.*`). */
  labels?: Readonly<Record<string, string>>;
}

/** The build and run images: the root filesystem as one gzip layer, then the CNB user's layer. */
export interface StackImages {
  build: Image;
  run: Image;
}

// GNU tar over the top-level entries (no "./" prefixes), numeric owners, sorted: the same tree
// gives the same bytes. gzip -1 keeps the push small without spending the machine's two cores.
async function rootfsLayer(rootfs: string, work: string): Promise<Layer> {
  const blob = join(work, 'rootfs.tar.gz');
  const script = 'cd "$1" && tar --numeric-owner --sort=name -cf - $(ls -A) | gzip -1 -n > "$2"';
  const result = await runCommand('sh', ['-c', script, 'sh', rootfs, blob], {
    timeoutMs: 300_000,
  });
  if (result.code !== 0) throw new HarnessError(`packing ${rootfs} failed: ${result.stderr.trim()}`);
  return layerFromFile(blob, { mediaType: mediaTypes.ociLayerGzip });
}

// The CNB user and group appended to the distribution's own passwd and group files.
async function userLayer(rootfs: string): Promise<Layer> {
  const passwd = await readFile(join(rootfs, 'etc', 'passwd'), 'utf8');
  const group = await readFile(join(rootfs, 'etc', 'group'), 'utf8');
  return createTarLayer([
    {
      path: 'etc/passwd',
      type: 'file',
      mode: 0o644,
      content: `${passwd}cnb:x:${cnbUserId}:${cnbUserId}:CNB user:/home/cnb:/bin/bash\n`,
    },
    {
      path: 'etc/group',
      type: 'file',
      mode: 0o644,
      content: `${group}cnb:x:${cnbUserId}:\n`,
    },
    {
      path: 'home/cnb',
      type: 'dir',
      mode: 0o755,
      uid: cnbUserId,
      gid: cnbUserId,
    },
  ]);
}

/** Build and run images from `rootfs` (the same layers; both run as the CNB user). */
export async function stackImages(rootfs: string, work: string, options: StackImageOptions): Promise<StackImages> {
  const layers = [await rootfsLayer(rootfs, work), await userLayer(rootfs)];
  const image = (kind: 'build' | 'run'): Image => {
    const base = appendLayers(emptyImage({ os: 'linux', architecture: 'amd64' }), layers);
    const labelled = withLabels(base, {
      [labelKeys.stackId]: options.stackId,
      'org.opencontainers.image.description': `packsmith real-OS test ${kind} image`,
      ...options.labels,
    });
    const env = {
      CNB_USER_ID: String(cnbUserId),
      CNB_GROUP_ID: String(cnbUserId),
      PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
      HOME: '/home/cnb',
    };
    return withWorkingDir(withUser(withEnv(labelled, env), `${cnbUserId}:${cnbUserId}`), '/home/cnb');
  };
  return { build: image('build'), run: image('run') };
}

/** An image unpacked with its owners kept: `rootfs` is what a container would see; `config` its config. */
export interface UnpackedImage {
  dir: string;
  rootfs: string;
  config: {
    Env?: string[];
    WorkingDir?: string;
    Entrypoint?: string[];
    User?: string;
    Labels?: Record<string, string>;
  };
}

interface LayoutManifest {
  config: { digest: string };
  layers: Array<{ digest: string; mediaType: string }>;
}

const blobPath = (layout: string, digest: string): string => join(layout, 'blobs', ...digest.split(':'));

// One layer onto `rootfs` with GNU tar as root (owners and modes kept). Whiteouts first: `.wh.X`
// removes X from the lower layers, `.wh..wh..opq` empties its directory; then the rest is
// extracted without the whiteout files themselves.
async function applyLayer(rootfs: string, blob: string): Promise<void> {
  const listed = await runCommand('tar', ['-tf', blob], { timeoutMs: 300_000 });
  if (listed.code !== 0) throw new HarnessError(`tar -tf ${blob}: ${listed.stderr.trim()}`);
  for (const entry of listed.stdout.split('\n')) {
    const name = entry.replace(/^\.\//, '');
    const base = name.slice(name.lastIndexOf('/') + 1);
    if (!base.startsWith('.wh.')) continue;
    const parent = join(rootfs, dirname(name));
    if (base === '.wh..wh..opq') await runCommand('find', [parent, '-mindepth', '1', '-maxdepth', '1', '-exec', 'rm', '-rf', '{}', '+']);
    else
      await rm(join(parent, base.slice('.wh.'.length)), {
        recursive: true,
        force: true,
      });
  }
  const result = await runCommand('tar', ['-xf', blob, '-C', rootfs, '--numeric-owner', '--same-permissions', '--same-owner', '--exclude=.wh.*'], {
    timeoutMs: 300_000,
  });
  if (result.code !== 0) throw new HarnessError(`extracting ${blob}: ${result.stderr.trim()}`);
}

/**
 * Pulls `reference` (a `docker://…` skopeo reference) into a layout and unpacks its layers as
 * root with GNU tar, keeping owners (umoci 0.4 rejects the Docker media types the lifecycle's
 * exporter writes, and its rootless mode would hand every file to one user).
 */
export async function pullAndUnpack(reference: string, flags: readonly string[]): Promise<UnpackedImage> {
  const dir = await scratchDir('realos-image');
  try {
    await chmod(dir, 0o755);
    const layout = join(dir, 'layout');
    await skopeoCopy({ src: reference, dest: `oci:${layout}:image`, flags });
    const index = JSON.parse(await readFile(join(layout, 'index.json'), 'utf8')) as { manifests: Array<{ digest: string }> };
    const manifestDigest = index.manifests[0]?.digest;
    if (!manifestDigest) throw new HarnessError(`${reference}: the pulled layout has no manifest`);
    const manifest = JSON.parse(await readFile(blobPath(layout, manifestDigest), 'utf8')) as LayoutManifest;
    const rootfs = join(dir, 'rootfs');
    await mkdir(rootfs, { mode: 0o755 });
    for (const layer of manifest.layers) await applyLayer(rootfs, blobPath(layout, layer.digest));
    const config = (JSON.parse(await readFile(blobPath(layout, manifest.config.digest), 'utf8')) as { config?: UnpackedImage['config'] }).config ?? {};
    // The layer blobs are not needed once unpacked; the images are a few hundred MB.
    await rm(layout, { recursive: true, force: true });
    return { dir, rootfs, config };
  } catch (error) {
    // The caller never sees the directory, so nobody else would remove it.
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

/** Puts a file into an unpacked root filesystem (e.g. a CA certificate), owned by root, mode 0644. */
export async function addFile(rootfs: string, path: string, source: string): Promise<void> {
  const target = join(rootfs, path);
  await mkdir(join(target, '..'), { recursive: true });
  await copyFile(source, target);
  await chmod(target, 0o644);
  await chown(target, 0, 0);
}

/** Makes `path` (inside `rootfs`) an empty directory owned by the CNB user; leaves one that exists alone. */
export async function cnbDir(rootfs: string, path: string): Promise<string> {
  const full = join(rootfs, path);
  await mkdir(full, { recursive: true });
  await chown(full, cnbUserId, cnbUserId);
  return full;
}

/** Options of `runInRootfs`. */
export interface RootfsRunOptions {
  /** The whole environment, as `KEY=value` entries (an image's Env plus additions). */
  env: readonly string[];
  /** The working directory inside the root filesystem. */
  cwd: string;
  /** Run as this uid/gid (default the CNB user); root is never used for the lifecycle. */
  user?: number;
  timeoutMs?: number;
}

/**
 * Runs `args` (a path inside `rootfs` and its arguments) in `rootfs`: a child in new mount and
 * pid namespaces mounts a fresh /proc and binds /dev into the tree (both vanish with the
 * namespace), chroots, and drops to the user with the tree's own setpriv; `env -i -C` gives it
 * exactly `env` and `cwd`. Never throws on a non-zero exit.
 */
export async function runInRootfs(
  rootfs: string,
  args: readonly string[],
  options: RootfsRunOptions,
): Promise<{ code: number; stdout: string; stderr: string }> {
  requireRoot();
  await stat(join(rootfs, 'usr', 'bin', 'setpriv'));
  const id = String(options.user ?? cnbUserId);
  const script = [
    'set -e',
    'root="$1"; shift',
    'mount --make-rprivate /',
    'mount -t proc proc "$root/proc"',
    'mount --rbind /dev "$root/dev"',
    'exec chroot "$root" "$@"',
  ].join('\n');
  const inner = [
    '/usr/bin/setpriv',
    `--reuid=${id}`,
    `--regid=${id}`,
    '--clear-groups',
    '--',
    '/usr/bin/env',
    '-i',
    '-C',
    options.cwd,
    ...options.env,
    ...args,
  ];
  return runCommand('unshare', ['--mount', '--pid', '--fork', '--', 'sh', '-c', script, 'sh', rootfs, ...inner], {
    env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' },
    timeoutMs: options.timeoutMs ?? 300_000,
  });
}
