/**
 * The files pack's builder.toml names, on this machine: what a path is, and lifecycle release
 * archives unpacked once into packsmith's cache (`${XDG_CACHE_HOME:-$HOME/.cache}/packsmith/
 * lifecycle-archives/<sha256 of the archive>`), so a rerun reads the same files and makes the same
 * lifecycle image. Only `lifecycle.toml` and `lifecycle/…` are kept, as pack keeps them; an entry
 * that would land outside the cache directory is refused.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, readlink, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import tar from 'tar-stream';
import type { PackConfigFiles, UnpackedLifecycleArchive } from '../app/index.ts';
import type { TarLayerEntry } from '../oci/index.ts';
import { ValidationError, asError, isNotFoundError } from '../shared/index.ts';

async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

/** The archive path made safe (`./lifecycle/x` → `lifecycle/x`), or undefined for entries pack ignores. */
function keptPath(name: string): string | undefined {
  const path = posix
    .normalize(name)
    .replace(/^(\.\/)+/, '')
    .replace(/\/$/, '');
  if (path.startsWith('../') || path === '..' || posix.isAbsolute(path))
    throw new ValidationError([{ path: name, message: 'an archive entry outside the archive' }]);
  return path === 'lifecycle.toml' || path === 'lifecycle' || path.startsWith('lifecycle/') ? path : undefined;
}

interface Recorded {
  path: string;
  type: 'file' | 'dir' | 'symlink';
  mode: number;
  linkTarget?: string;
}

/** Unpacks the archive into `dir`, returning what it held. */
async function unpack(archive: string, dir: string): Promise<Recorded[]> {
  const recorded: Recorded[] = [];
  const extract = tar.extract();
  extract.on('entry', (header, stream, next) => {
    const done = (error?: unknown): void => (error === undefined ? next() : next(asError(error)));
    const path = keptPath(header.name);
    const target = path === undefined ? undefined : join(dir, path);
    const mode = (header.mode ?? 0o644) & 0o7777;
    if (path === undefined || target === undefined || (header.type !== 'file' && header.type !== 'directory' && header.type !== 'symlink')) {
      stream.on('end', () => done()).resume();
      return;
    }
    const write = async (): Promise<void> => {
      if (header.type === 'directory') {
        await mkdir(target, { recursive: true });
        stream.resume();
        recorded.push({ path, type: 'dir', mode: mode || 0o755 });
        return;
      }
      await mkdir(join(target, '..'), { recursive: true });
      if (header.type === 'symlink') {
        stream.resume();
        await symlink(header.linkname ?? '', target);
        recorded.push({ path, type: 'symlink', mode: 0o777, linkTarget: header.linkname ?? '' });
        return;
      }
      await pipeline(stream, createWriteStream(target, { mode: 0o644 }));
      recorded.push({ path, type: 'file', mode: mode || 0o644 });
    };
    write().then(() => done(), done);
  });
  await pipeline(createReadStream(archive), createGunzip(), extract);
  return recorded;
}

async function entriesOf(dir: string, recorded: readonly Recorded[]): Promise<TarLayerEntry[]> {
  const entries: TarLayerEntry[] = [];
  for (const entry of recorded) {
    if (entry.path === 'lifecycle.toml' || entry.type === 'dir') continue;
    const full = join(dir, entry.path);
    if (entry.type === 'symlink') {
      entries.push({ path: entry.path, type: 'symlink', mode: 0o777, linkTarget: await readlink(full) });
      continue;
    }
    const { size } = await stat(full);
    entries.push({ path: entry.path, type: 'file', mode: entry.mode, size, open: () => Promise.resolve(createReadStream(full)) });
  }
  return entries;
}

const manifestFile = 'entries.json';

/** Reads a finished unpack back: the list written last, so its presence means the files are all there. */
async function finished(cacheDir: string): Promise<Recorded[] | undefined> {
  try {
    const text = await readFile(join(cacheDir, manifestFile), 'utf8');
    const parsed: unknown = JSON.parse(text);
    return Array.isArray(parsed) ? parsed.filter(isRecorded) : undefined;
  } catch (error) {
    if (isNotFoundError(error)) return undefined;
    throw error;
  }
}

function isRecorded(value: unknown): value is Recorded {
  return typeof value === 'object' && value !== null && 'path' in value && typeof value.path === 'string' && 'type' in value && 'mode' in value;
}

/** The local files port of `packBuilderResources`, with the cache under `cacheRoot`. */
export function packConfigFiles(cacheRoot: string): PackConfigFiles {
  return {
    kindOf: async (path) => {
      try {
        const info = await stat(path);
        return info.isDirectory() ? 'directory' : 'file';
      } catch (error) {
        if (isNotFoundError(error)) return undefined;
        throw error;
      }
    },
    unpackLifecycleArchive: async (path): Promise<UnpackedLifecycleArchive> => {
      const digest = await sha256Of(path);
      const cacheDir = join(cacheRoot, 'lifecycle-archives', digest);
      const files = join(cacheDir, 'files');
      let recorded = await finished(cacheDir);
      if (recorded === undefined) {
        const partial = `${files}.partial-${process.pid}`;
        await rm(partial, { recursive: true, force: true });
        await mkdir(partial, { recursive: true });
        recorded = await unpack(path, partial);
        await rm(files, { recursive: true, force: true });
        await rename(partial, files);
        await writeFile(join(cacheDir, manifestFile), JSON.stringify(recorded));
      }
      if (!recorded.some((e) => e.path === 'lifecycle.toml')) {
        throw new ValidationError([{ path, message: 'not a lifecycle release archive: it has no lifecycle.toml' }]);
      }
      const descriptor = await readFile(join(files, 'lifecycle.toml'), 'utf8');
      return { digest, descriptor, entries: await entriesOf(files, recorded), cacheDir };
    },
  };
}
