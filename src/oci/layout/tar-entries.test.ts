import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { indexTarEntries } from './tar-entries.ts';

const run = promisify(execFile);
let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'packsmith-tar-'));
});
afterEach(async () => rm(dir, { recursive: true, force: true }));

const longDir = `blobs/${'d'.repeat(120)}`;
const longName = `${longDir}/${'f'.repeat(120)}`;

async function makeTree(): Promise<void> {
  await mkdir(join(dir, 'src', longDir), { recursive: true });
  await writeFile(join(dir, 'src', longName), 'long-name body');
  await writeFile(join(dir, 'src', 'index.json'), '{"x":1}');
  await writeFile(join(dir, 'src', 'empty'), '');
}

async function entriesOf(path: string): Promise<Map<string, { offset: number; size: number }>> {
  const handle = await open(path, 'r');
  try {
    return await indexTarEntries(handle, path);
  } finally {
    await handle.close();
  }
}

async function bodyOf(path: string, range: { offset: number; size: number } | undefined): Promise<string> {
  const bytes = await readFile(path);
  return bytes.toString('utf8', range!.offset, range!.offset + range!.size);
}

describe('indexTarEntries', () => {
  it.each(['gnu', 'posix', 'ustar'])('finds long names and bodies in a GNU tar --format=%s archive', async (format) => {
    await makeTree();
    const archive = join(dir, `${format}.tar`);
    const members = format === 'ustar' ? ['./index.json', './empty'] : ['.'];
    await run('tar', [`--format=${format}`, '-cf', archive, '-C', join(dir, 'src'), ...members]);
    const entries = await entriesOf(archive);
    expect(await bodyOf(archive, entries.get('index.json'))).toBe('{"x":1}');
    expect(entries.get('empty')?.size).toBe(0);
    if (format !== 'ustar') expect(await bodyOf(archive, entries.get(longName))).toBe('long-name body');
    expect([...entries.keys()].some((k) => k.endsWith('/'))).toBe(false);
  });

  it('tolerates an archive cut right after the last entry, without padding or trailer', async () => {
    await makeTree();
    const archive = join(dir, 'cut.tar');
    await run('tar', ['--format=posix', '-cf', archive, '-C', join(dir, 'src'), 'index.json']);
    const full = await readFile(archive);
    const entries = await entriesOf(archive);
    const range = entries.get('index.json')!;
    await writeFile(archive, full.subarray(0, range.offset + range.size));
    expect(await bodyOf(archive, (await entriesOf(archive)).get('index.json'))).toBe('{"x":1}');
  });

  it('rejects an entry that runs past the end of the file', async () => {
    await makeTree();
    const archive = join(dir, 'short.tar');
    await run('tar', ['--format=posix', '-cf', archive, '-C', join(dir, 'src'), 'index.json']);
    const range = (await entriesOf(archive)).get('index.json')!;
    await writeFile(archive, (await readFile(archive)).subarray(0, range.offset + 3));
    await expect(entriesOf(archive)).rejects.toThrow(/runs past the end of the file/);
  });
});
