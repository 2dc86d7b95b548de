import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import tar from 'tar-stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sha256Digest } from '../digest.ts';
import { readCnbFile, readCnbLayout, readLayout, writeCnbFile, writeLayout } from './index.ts';
import { collect, fixtureImage, tarOf, type FixtureSpec } from './testdata/fixture-image.ts';

const run = promisify(execFile);
let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'packsmith-cnb-'));
});
afterEach(async () => rm(dir, { recursive: true, force: true }));

const spec: FixtureSpec = { layers: [{ 'cnb/buildpacks/x/1/buildpack.toml': 'api = "0.10"' }, { 'b.txt': 'bravo' }], labels: { l: 'v' } };

describe('writeCnbFile', () => {
  it('gives the same bytes for the same image', async () => {
    await writeCnbFile(join(dir, 'a.cnb'), await fixtureImage(spec));
    await writeCnbFile(join(dir, 'b.cnb'), await fixtureImage(spec));
    const a = await readFile(join(dir, 'a.cnb'));
    expect(a.equals(await readFile(join(dir, 'b.cnb')))).toBe(true);
  });

  it('writes sorted entries with a fixed mtime that GNU tar lists', async () => {
    const image = await fixtureImage(spec);
    await writeCnbFile(join(dir, 'a.cnb'), image);
    const { stdout } = await run('tar', ['-tvf', join(dir, 'a.cnb'), '--utc']);
    const lines = stdout.trim().split('\n');
    const names = lines.map((l) => l.split(/\s+/).at(-1));
    expect(names).toEqual([...names].sort());
    expect(names.slice(0, 2)).toEqual(['blobs/', 'blobs/sha256/']);
    expect(names.slice(-2)).toEqual(['index.json', 'oci-layout']);
    expect(names).toHaveLength(2 + 4 + 2); // two layers, config, manifest
    expect(lines.every((l) => l.includes('1980-01-01 00:00'))).toBe(true);
  });
});

describe('readCnbFile', () => {
  it('reads back the image written, streaming layers out of the tar', async () => {
    const image = await fixtureImage(spec);
    await writeCnbFile(join(dir, 'a.cnb'), image, { tag: 'bp' });
    const read = await readCnbFile(join(dir, 'a.cnb'));
    expect(await read.digest()).toBe(await image.digest());
    expect((await read.configFile()).config?.Labels).toEqual({ l: 'v' });
    const [first] = await read.layers();
    expect(await collect(await first!.uncompressed())).toEqual(await tarOf(spec.layers[0]!));
    expect((await readCnbLayout(join(dir, 'a.cnb'))).tags()).toEqual(['bp']);
  });

  it('reads what pack writes: leading "/" names, a root entry, and no trailer', async () => {
    const image = await fixtureImage(spec);
    const layoutDir = join(dir, 'layout');
    await writeLayout(layoutDir, image);
    const names = ['index.json', 'oci-layout', ...(await blobNames(image))];
    const pack = tar.pack();
    pack.entry({ name: '/', type: 'directory', mode: 0o755 });
    for (const name of names) {
      const body = await readFile(join(layoutDir, name));
      pack.entry({ name: `/${name}`, size: body.length, mode: 0o755 }, body);
    }
    pack.finalize();
    const bytes = await collect(pack as never);
    // Drop the two zero blocks of the end-of-archive marker, as some writers do.
    await writeFile(join(dir, 'pack.cnb'), bytes.subarray(0, bytes.length - 1024));
    const read = await readCnbFile(join(dir, 'pack.cnb'));
    expect(await read.digest()).toBe(await image.digest());
    const layers = await read.layers();
    expect(sha256Digest(await collect(await layers[1]!.compressed()))).toBe(await layers[1]!.digest());
  });

  it('rejects a gzip-compressed file with a clear message', async () => {
    await writeFile(join(dir, 'x.cnb'), Buffer.concat([Buffer.from([0x1f, 0x8b]), Buffer.alloc(1022)]));
    await expect(readCnbFile(join(dir, 'x.cnb'))).rejects.toThrow(/not an uncompressed tar archive/);
  });

  it('reports a missing file as not found', async () => {
    await expect(readCnbFile(join(dir, 'missing.cnb'))).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('agrees with a layout directory extracted by GNU tar', async () => {
    const image = await fixtureImage(spec);
    await writeCnbFile(join(dir, 'a.cnb'), image, { tag: 'x' });
    await run('mkdir', [join(dir, 'out')]);
    await run('tar', ['-xf', join(dir, 'a.cnb'), '-C', join(dir, 'out')]);
    const fromDir = await (await readLayout(join(dir, 'out'))).image('x');
    expect(await fromDir.digest()).toBe(await image.digest());
  });
});

async function blobNames(image: Awaited<ReturnType<typeof fixtureImage>>): Promise<string[]> {
  const manifest = await image.manifest();
  const digests = [await image.digest(), manifest.config.digest, ...manifest.layers.map((l) => l.digest)];
  return digests.map((d) => `blobs/sha256/${d.slice(7)}`);
}
