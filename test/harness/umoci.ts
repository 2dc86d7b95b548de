/**
 * Thin wrappers over the `umoci` CLI, which unpacks OCI layouts into root filesystems so tests
 * can check layer contents with a tool that is not ours. Unpacking runs as an unprivileged user
 * (uid/gid 65534 via `setpriv`) with `--rootless`, as a non-root CI would.
 */
import { chmod, chown, mkdir, readdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { HarnessError } from './harness-error.ts';
import { runCommand, scratchDir } from './process.ts';
import type { CommandResult } from './skopeo.ts';

/** The uid and gid `nobody`, which unprivileged tool runs use. */
export const unprivilegedId = 65534;

function runsAsRoot(): boolean {
  return process.getuid?.() === 0;
}

/** Options for `umoci`. */
export interface UmociOptions {
  /** Run as uid/gid 65534 with `HOME=home` (only when we are root; otherwise we already are unprivileged). */
  readonly unprivileged?: { readonly home: string };
  readonly timeoutMs?: number;
}

/** Runs `umoci <args>` and returns its result without judging it. */
export async function umoci(args: readonly string[], options: UmociOptions = {}): Promise<CommandResult> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  if (!options.unprivileged || !runsAsRoot()) return runCommand('umoci', args, { timeoutMs });
  const id = String(unprivilegedId);
  const wrapper = ['--reuid', id, '--regid', id, '--clear-groups', 'env', `HOME=${options.unprivileged.home}`, 'umoci', ...args];
  return runCommand('setpriv', wrapper, { timeoutMs });
}

/** Makes a tree readable (and its directories searchable) by every user, so unprivileged tools can read it. */
export async function makeReadableByAll(path: string): Promise<void> {
  await chmod(path, 0o755);
  for (const entry of await readdir(path, { withFileTypes: true, recursive: true })) {
    const full = join(entry.parentPath, entry.name);
    if (entry.isDirectory()) await chmod(full, 0o755);
    else if (entry.isFile()) await chmod(full, 0o644);
  }
}

/** Lets every user pass through the directories between the temp dir and `path` (mkdtemp makes them 0700). */
async function openScratchAncestors(path: string): Promise<void> {
  const root = resolve(tmpdir());
  for (let dir = dirname(resolve(path)); dir.startsWith(`${root}/`); dir = dirname(dir)) {
    const { mode } = await stat(dir);
    await chmod(dir, (mode & 0o7777) | 0o011);
  }
}

/** Options for `umociUnpack`. */
export interface UmociUnpackOptions {
  /** The OCI layout directory. */
  readonly layout: string;
  readonly tag: string;
}

/** Where an unpacked image went: `rootfs` holds the merged layers (files owned by the unprivileged user). */
export interface UnpackedBundle {
  readonly dir: string;
  readonly bundle: string;
  readonly rootfs: string;
}

/** Unpacks `layout:tag` with `umoci unpack --rootless` as an unprivileged user into a fresh scratch dir it owns. */
export async function umociUnpack(options: UmociUnpackOptions): Promise<UnpackedBundle> {
  const dir = await scratchDir('umoci');
  const home = join(dir, 'home');
  await mkdir(home);
  await makeReadableByAll(options.layout);
  await openScratchAncestors(options.layout);
  if (runsAsRoot()) {
    await chown(dir, unprivilegedId, unprivilegedId);
    await chown(home, unprivilegedId, unprivilegedId);
  }
  const bundle = join(dir, 'bundle');
  const result = await umoci(['unpack', '--rootless', '--image', `${options.layout}:${options.tag}`, bundle], { unprivileged: { home } });
  if (result.code !== 0) throw new HarnessError(`umoci unpack failed (exit ${result.code}): ${result.stderr.trim()}`);
  return { dir, bundle, rootfs: join(bundle, 'rootfs') };
}
