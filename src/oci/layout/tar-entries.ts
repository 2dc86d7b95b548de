/**
 * An index of the regular files in an uncompressed tar, built by reading only the 512-byte headers
 * (positioned reads that skip over file data), so a 1 GiB archive costs a few kilobytes of I/O to
 * index. Entry bodies are then read as byte ranges of the file. Understands ustar (with the prefix
 * field), PAX `path`/`size` records, GNU long names and base-256 sizes; an archive that stops after
 * a complete entry without end-of-archive blocks is accepted.
 */
import type { FileHandle } from 'node:fs/promises';
import { OciFormatError, LimitExceededError } from '../errors.ts';

/** Where a regular file's bytes lie inside the archive. */
export interface TarEntryRange {
  /** Byte offset of the first data byte. */
  offset: number;
  /** Data length in bytes. */
  size: number;
}

const blockSize = 512;
/** Bounds the work a hostile archive can cause; an OCI layout has a handful of entries per layer. */
const maxEntries = 100_000;
/** PAX and GNU long-name records are read into memory; real ones are a few hundred bytes. */
const maxMetaSize = 1024 * 1024;

interface PendingMeta {
  path?: string;
  size?: number;
}

/** Scans the headers of the tar open in `handle`; keys are entry names without a leading `/` or `./`. */
export async function indexTarEntries(handle: FileHandle, where: string): Promise<Map<string, TarEntryRange>> {
  const { size: fileSize } = await handle.stat();
  const entries = new Map<string, TarEntryRange>();
  const header = Buffer.alloc(blockSize);
  let position = 0;
  let pending: PendingMeta = {};
  for (let count = 0; position + blockSize <= fileSize; count++) {
    if (count > maxEntries) throw new LimitExceededError(`${where}: more than ${maxEntries} tar entries`);
    await readExactly(handle, header, position);
    if (header.every((b) => b === 0)) break;
    checkChecksum(header, position, where);
    const type = String.fromCharCode(header[156] ?? 0);
    const size = pending.size ?? readNumber(header.subarray(124, 136), position, where);
    const offset = position + blockSize;
    if (offset + size > fileSize) throw new OciFormatError(`${where}: tar entry at offset ${position} runs past the end of the file`);
    pending = await applyEntry({ handle, header, type, range: { offset, size }, pending, entries, where });
    position = offset + Math.ceil(size / blockSize) * blockSize;
  }
  return entries;
}

interface EntryContext {
  handle: FileHandle;
  header: Buffer;
  type: string;
  range: TarEntryRange;
  pending: PendingMeta;
  entries: Map<string, TarEntryRange>;
  where: string;
}

/** Records a regular file, or collects metadata that applies to the next entry; returns the metadata for the next entry. */
async function applyEntry(context: EntryContext): Promise<PendingMeta> {
  const { type, range, pending } = context;
  if (type === 'x') return { ...pending, ...parsePax(await readMeta(context)) };
  if (type === 'L') return { ...pending, path: (await readMeta(context)).toString('utf8').replace(/\0+$/, '') };
  // Global PAX headers, long link names and other metadata-only types carry nothing a layout needs.
  if (type === 'g' || type === 'K') return pending;
  if (type === '0' || type === '\0' || type === '7') {
    const name = normalizeName(pending.path ?? headerName(context.header));
    context.entries.set(name, range);
  }
  return {};
}

async function readMeta(context: EntryContext): Promise<Buffer> {
  if (context.range.size > maxMetaSize) {
    throw new LimitExceededError(`${context.where}: tar metadata record over ${maxMetaSize} bytes`);
  }
  const data = Buffer.alloc(context.range.size);
  await readExactly(context.handle, data, context.range.offset);
  return data;
}

/** PAX records are `<length> <key>=<value>\n`; only `path` and `size` matter here. */
function parsePax(data: Buffer): PendingMeta {
  const meta: PendingMeta = {};
  let at = 0;
  while (at < data.length) {
    const space = data.indexOf(0x20, at);
    const length = Number.parseInt(data.toString('ascii', at, space), 10);
    if (space < 0 || !Number.isSafeInteger(length) || length <= 0) break;
    const record = data.toString('utf8', space + 1, at + length - 1);
    const eq = record.indexOf('=');
    const key = record.slice(0, eq);
    const value = record.slice(eq + 1);
    if (key === 'path') meta.path = value;
    if (key === 'size') meta.size = Number.parseInt(value, 10);
    at += length;
  }
  return meta;
}

function headerName(header: Buffer): string {
  const name = cString(header.subarray(0, 100));
  const isUstar = header.toString('ascii', 257, 262) === 'ustar';
  const prefix = isUstar ? cString(header.subarray(345, 500)) : '';
  return prefix ? `${prefix}/${name}` : name;
}

function cString(field: Buffer): string {
  const end = field.indexOf(0);
  return field.toString('utf8', 0, end < 0 ? field.length : end);
}

/** Entry names as keys: pack writes `/blobs/...`, other tools `./blobs/...` or `blobs/...`. */
export function normalizeName(name: string): string {
  return name.replace(/^(\.?\/)+/, '');
}

/** Numeric header fields are octal text, or big-endian base-256 when the top bit of the first byte is set. */
function readNumber(field: Buffer, position: number, where: string): number {
  const first = field[0] ?? 0;
  if (first & 0x80) {
    let value = first & 0x7f;
    for (const byte of field.subarray(1)) value = value * 256 + byte;
    if (!Number.isSafeInteger(value)) throw new OciFormatError(`${where}: tar entry size at offset ${position} is too large`);
    return value;
  }
  const text = field
    .toString('ascii')
    .replace(/[\0 ]+$/, '')
    .trim();
  const value = text === '' ? 0 : Number.parseInt(text, 8);
  if (!/^[0-7]*$/.test(text) || !Number.isSafeInteger(value)) {
    throw new OciFormatError(`${where}: bad numeric field in tar header at offset ${position}`);
  }
  return value;
}

function checkChecksum(header: Buffer, position: number, where: string): void {
  let sum = 0;
  for (let i = 0; i < blockSize; i++) sum += i >= 148 && i < 156 ? 0x20 : (header[i] ?? 0);
  const recorded = Number.parseInt(header.toString('ascii', 148, 156).replace(/[\0 ]/g, ''), 8);
  if (recorded !== sum) {
    throw new OciFormatError(`${where} is not an uncompressed tar archive (bad header checksum at offset ${position})`);
  }
}

async function readExactly(handle: FileHandle, into: Buffer, position: number): Promise<void> {
  let done = 0;
  while (done < into.length) {
    const { bytesRead } = await handle.read(into, done, into.length - done, position + done);
    if (bytesRead === 0) throw new OciFormatError(`unexpected end of tar file at offset ${position + done}`);
    done += bytesRead;
  }
}
