/**
 * Deterministic tar layers from a list of entries: the same entries always give the same tar bytes
 * (and so the same diffId), following the CNB reproducibility conventions: paths sorted, missing
 * parent directories added, mtime 1980-01-01T00:00:01Z, numeric owners only (no uname/gname).
 */
import { once } from 'node:events';
import { Readable } from 'node:stream';
import { pack, type Header, type Pack } from 'tar-stream';
import { ValidationError, asError, byteChunk, type ValidationIssue } from '../shared/index.ts';
import { DigestMismatchError } from './errors.ts';
import type { IoOptions, Layer } from './image.ts';
import { mediaTypes, type MediaType } from './media-types.ts';
import { compressionOf, layerFromUncompressed } from './partial.ts';

/** The mtime of every entry: the CNB tools' "normalized" time, 1980-01-01T00:00:01Z (315532801 s). */
export const normalizedModTime: Date = new Date('1980-01-01T00:00:01Z');

/** The largest uid/gid the ustar header holds in tar-stream (six octal digits); it clamps larger ones silently. */
export const maxTarOwnerId = 0o777777;

/** An entry whose content (if any) is held in memory. */
export interface TarEntry {
  /** Slash-separated; a leading `/` and `.` segments are dropped, `..` is refused. */
  path: string;
  type: 'file' | 'dir' | 'symlink';
  /** Permission bits (1 to 0o7777); tar-stream would replace 0 by a default, so 0 is refused. */
  mode: number;
  /** Owner ids; default to `defaults.uid` / `defaults.gid` (0). */
  uid?: number;
  gid?: number;
  /** File content (UTF-8 for strings); files only. */
  content?: Uint8Array | string;
  /** Target of a symlink; symlinks only. */
  linkTarget?: string;
}

/** A file entry whose content is streamed, for big files: `open` must yield exactly `size` bytes, identical on every call. */
export interface TarStreamEntry {
  path: string;
  type: 'file';
  mode: number;
  uid?: number;
  gid?: number;
  size: number;
  /** Called each time the tar is produced (once for the digests, once per stream handed out). */
  open(options: IoOptions): Promise<Readable>;
}

/** Any entry `createTarLayer` accepts. */
export type TarLayerEntry = TarEntry | TarStreamEntry;

/** Owner and mode for the parent directories that are added, and owners for entries that give none. */
export interface TarDefaults {
  uid?: number;
  gid?: number;
  /** Mode of added parent directories; 0o755. */
  dirMode?: number;
}

/** An entry after validation: normalised path, owners filled in. */
export type PlannedTarEntry = (Omit<TarEntry, 'uid' | 'gid'> | Omit<TarStreamEntry, 'uid' | 'gid'>) & { uid: number; gid: number };

/**
 * Validates and normalises `entries`, adds missing parent directories, and sorts by path (bytewise
 * UTF-8 order, so a directory always precedes its contents). Throws ValidationError listing every
 * problem (bad path, duplicate, bad mode or owner, content on a non-file, a parent that is not a directory).
 */
export function planTarEntries(entries: readonly TarLayerEntry[], defaults: TarDefaults = {}): PlannedTarEntry[] {
  const issues: ValidationIssue[] = [];
  const uid = checkOwner(defaults.uid ?? 0, 'defaults.uid', issues);
  const gid = checkOwner(defaults.gid ?? 0, 'defaults.gid', issues);
  const dirMode = checkMode(defaults.dirMode ?? 0o755, 'defaults.dirMode', issues);
  const byPath = new Map<string, { entry: PlannedTarEntry; index: number }>();
  entries.forEach((entry, index) => {
    const planned = planEntry(entry, `entries[${index}]`, { uid, gid }, issues);
    if (planned === undefined) return;
    const earlier = byPath.get(planned.path);
    if (earlier !== undefined) {
      issues.push({ path: `entries[${index}].path`, message: `"${planned.path}" is also entries[${earlier.index}]` });
      return;
    }
    byPath.set(planned.path, { entry: planned, index });
  });
  for (const { entry, index } of [...byPath.values()]) {
    for (const parent of parentsOf(entry.path)) {
      const existing = byPath.get(parent);
      if (existing === undefined) {
        byPath.set(parent, { entry: { path: parent, type: 'dir', mode: dirMode, uid, gid }, index: -1 });
      } else if (existing.entry.type !== 'dir') {
        issues.push({ path: `entries[${index}].path`, message: `parent "${parent}" is a ${existing.entry.type}, not a directory` });
      }
    }
  }
  if (issues.length > 0) throw new ValidationError(issues);
  return [...byPath.values()].map((v) => v.entry).sort((a, b) => Buffer.compare(Buffer.from(a.path), Buffer.from(b.path)));
}

function planEntry(entry: TarLayerEntry, at: string, owners: { uid: number; gid: number }, issues: ValidationIssue[]): PlannedTarEntry | undefined {
  const before = issues.length;
  const path = normalizePath(entry.path, `${at}.path`, issues);
  checkMode(entry.mode, `${at}.mode`, issues);
  const uid = checkOwner(entry.uid ?? owners.uid, `${at}.uid`, issues);
  const gid = checkOwner(entry.gid ?? owners.gid, `${at}.gid`, issues);
  checkShape(entry, at, issues);
  if (issues.length > before) return undefined;
  return { ...entry, path, uid, gid };
}

function checkShape(entry: TarLayerEntry, at: string, issues: ValidationIssue[]): void {
  if ('open' in entry) checkStreamShape(entry, at, issues);
  else checkMemoryShape(entry, at, issues);
}

function checkStreamShape(entry: TarStreamEntry, at: string, issues: ValidationIssue[]): void {
  if (entry.type !== 'file') issues.push({ path: `${at}.type`, message: 'only files can stream their content' });
  if (!Number.isSafeInteger(entry.size) || entry.size < 0) issues.push({ path: `${at}.size`, message: 'must be a non-negative integer' });
}

function checkMemoryShape(entry: TarEntry, at: string, issues: ValidationIssue[]): void {
  if (!['file', 'dir', 'symlink'].includes(entry.type)) issues.push({ path: `${at}.type`, message: `unknown type "${String(entry.type)}"` });
  if (entry.type !== 'file' && entry.content !== undefined) issues.push({ path: `${at}.content`, message: `a ${entry.type} has no content` });
  if (entry.type === 'symlink' && !entry.linkTarget) issues.push({ path: `${at}.linkTarget`, message: 'a symlink needs a target' });
  if (entry.type !== 'symlink' && entry.linkTarget !== undefined) issues.push({ path: `${at}.linkTarget`, message: 'only symlinks have a target' });
  if (entry.linkTarget?.includes('\0')) issues.push({ path: `${at}.linkTarget`, message: 'contains a NUL character' });
}

function normalizePath(raw: string, at: string, issues: ValidationIssue[]): string {
  if (raw.includes('\0')) issues.push({ path: at, message: 'contains a NUL character' });
  const segments = raw.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.includes('..')) issues.push({ path: at, message: `"${raw}" contains "..": layer paths must stay inside the root` });
  if (segments.length === 0) issues.push({ path: at, message: `"${raw}" names the root directory` });
  return segments.join('/');
}

function checkMode(mode: number, at: string, issues: ValidationIssue[]): number {
  if (!Number.isInteger(mode) || mode < 1 || mode > 0o7777) issues.push({ path: at, message: `mode must be an integer from 1 to 0o7777, got ${mode}` });
  return mode;
}

function checkOwner(id: number, at: string, issues: ValidationIssue[]): number {
  if (!Number.isInteger(id) || id < 0 || id > maxTarOwnerId) {
    issues.push({ path: at, message: `must be an integer from 0 to ${maxTarOwnerId} (ustar limit), got ${id}` });
  }
  return id;
}

function parentsOf(path: string): string[] {
  const segments = path.split('/');
  return segments.slice(0, -1).map((_s, i) => segments.slice(0, i + 1).join('/'));
}

/**
 * Writes planned entries (see `planTarEntries`) as a tar stream: ustar headers, PAX records for
 * long or non-ASCII names and link targets, no uname/gname, directories without a trailing `/`.
 */
export function writeTar(entries: readonly PlannedTarEntry[], options: IoOptions = {}): Readable {
  const tar = pack();
  const out = bridge(tar);
  writeEntries(tar, entries, options).then(
    () => tar.finalize(),
    (error: unknown) => out.destroy(error instanceof Error ? error : new Error(String(error))),
  );
  return out;
}

type TarHeader = Partial<Header> & Pick<Header, 'name'>;

/**
 * A Node Readable over tar-stream's streamx Readable, with backpressure both ways; destroying it
 * destroys the pack (and so the entry being written). Readable.from() over streamx's iterator left
 * the pack running and an AbortError unhandled when a reader stopped early.
 */
function bridge(tar: Pack): Readable {
  const out = new Readable({
    read: () => void tar.resume(),
    destroy: (error, callback) => {
      tar.destroy();
      callback(error);
    },
  });
  tar.on('data', (chunk: unknown) => {
    if (!out.push(chunk)) tar.pause();
  });
  tar.on('end', () => out.push(null));
  tar.on('error', (error: Error) => out.destroy(error));
  return out;
}

async function writeEntries(tar: Pack, entries: readonly PlannedTarEntry[], options: IoOptions): Promise<void> {
  for (const entry of entries) {
    options.signal?.throwIfAborted();
    const header: TarHeader = { name: entry.path, mode: entry.mode, uid: entry.uid, gid: entry.gid, mtime: normalizedModTime };
    if ('open' in entry) {
      await streamEntry(tar, { ...header, type: 'file', size: entry.size }, await entry.open(options));
    } else if (entry.type === 'file') {
      await addEntry(tar, { ...header, type: 'file' }, Buffer.from(entry.content ?? ''));
    } else if (entry.type === 'dir') {
      await addEntry(tar, { ...header, type: 'directory' });
    } else {
      await addEntry(tar, { ...header, type: 'symlink', linkname: entry.linkTarget ?? '' });
    }
  }
}

/** Waits until `sink` drains or closes, removing both listeners afterwards (they would pile up per chunk). */
async function drainOrClose(sink: NodeJS.EventEmitter): Promise<void> {
  const stop = new AbortController();
  try {
    await Promise.race([once(sink, 'drain', { signal: stop.signal }), once(sink, 'close', { signal: stop.signal })]);
  } finally {
    stop.abort();
  }
}

/** Copies `source` into a new entry, failing with DigestMismatchError as soon as it yields more or fewer bytes than `header.size`. */
async function streamEntry(tar: Pack, header: TarHeader & { size: number }, source: Readable): Promise<void> {
  const { promise: finished, resolve, reject } = Promise.withResolvers<void>();
  const sink = tar.entry(header, (error) => (error ? reject(error) : resolve()));
  // Awaited below; the entry may fail while the source is still being read.
  finished.catch(() => undefined);
  // The entry callback above reports the failure; without a listener the same error would be uncaught.
  sink.on('error', () => undefined);
  let written = 0;
  const mismatch = (actual: string): DigestMismatchError => new DigestMismatchError(`tar entry "${header.name}" size`, String(header.size), actual);
  try {
    for await (const part of source) {
      const chunk = byteChunk(part);
      written += chunk.length;
      if (written > header.size) throw mismatch(`more than ${header.size} bytes`);
      // A reader that stops early destroys the pack and this sink, which then closes instead of draining.
      if (sink.destroying) throw new Error(`tar entry "${header.name}": the tar stream was closed`);
      if (!sink.write(chunk) && !sink.destroying) await drainOrClose(sink);
    }
    if (written !== header.size) throw mismatch(String(written));
    // streamx's end() takes an optional last chunk; there is none.
    sink.end(undefined);
  } catch (error) {
    source.destroy();
    sink.destroy(asError(error));
  }
  await finished;
}

function addEntry(tar: Pack, header: TarHeader, content?: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (error?: Error | null): void => (error ? reject(error) : resolve());
    if (content === undefined) tar.entry(header, done);
    else tar.entry(header, content, done);
  });
}

/** Options of `createTarLayer`. */
export interface TarLayerOptions {
  /** 'gzip' (default) or 'none' (an uncompressed tar blob whose digest equals its diffId). */
  compression?: 'gzip' | 'none';
  /** zlib level 0-9; 6 by default, zlib's own balance of speed and size. */
  level?: number;
  defaults?: TarDefaults;
  /** Overrides the media type (e.g. Docker's gzip layer type); it must name the same compression. */
  mediaType?: MediaType;
}

/**
 * A Layer holding `entries` as a deterministic tar. Entries are validated now (ValidationError).
 * The digest, size and diffId are computed by streaming once, on first use, and memoised; the
 * bytes are never kept: each stream regenerates them and is verified against those digests. The
 * diffId is stable everywhere; the gzip digest is stable only per zlib build and level.
 */
export function createTarLayer(entries: readonly TarLayerEntry[], options: TarLayerOptions = {}): Layer {
  const { compression, level, mediaType } = checkLayerOptions(options);
  const planned = planTarEntries(entries, options.defaults);
  return layerFromUncompressed({ openTar: (io) => Promise.resolve(writeTar(planned, io)), compression, level, mediaType });
}

function checkLayerOptions(options: TarLayerOptions): { compression: 'gzip' | 'none'; level: number; mediaType: MediaType } {
  const compression = options.compression ?? 'gzip';
  const level = options.level ?? 6;
  const mediaType = options.mediaType ?? (compression === 'gzip' ? mediaTypes.ociLayerGzip : mediaTypes.ociLayer);
  const issues: ValidationIssue[] = [];
  checkLevel(level, issues);
  if (compression !== 'gzip' && compression !== 'none') issues.push({ path: 'options.compression', message: `must be gzip or none` });
  else if (compressionOf(mediaType) !== compression) issues.push({ path: 'options.mediaType', message: `"${mediaType}" is not a ${compression} layer` });
  if (issues.length > 0) throw new ValidationError(issues);
  return { compression, level, mediaType };
}

function checkLevel(level: number, issues: ValidationIssue[]): void {
  if (!Number.isInteger(level) || level < 0 || level > 9) issues.push({ path: 'options.level', message: `must be 0-9, got ${level}` });
}
