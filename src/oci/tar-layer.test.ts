import { Readable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../shared/index.ts';
import { sha256Digest } from './digest.ts';
import { DigestMismatchError } from './errors.ts';
import { mediaTypes } from './media-types.ts';
import { createTarLayer, normalizedModTime, planTarEntries, writeTar, type TarLayerEntry } from './tar-layer.ts';
import { readTarEntries } from './testing/index.ts';

async function bytesOf(stream: Readable): Promise<Buffer> {
  return Buffer.concat((await stream.toArray()) as Buffer[]);
}

const sample: TarLayerEntry[] = [
  { path: '/cnb/order.toml', type: 'file', mode: 0o644, content: '[[order]]\n' },
  { path: 'cnb/lifecycle/launcher', type: 'file', mode: 0o755, content: new Uint8Array([1, 2, 3]) },
  { path: 'cnb/lifecycle/current', type: 'symlink', mode: 0o777, linkTarget: 'launcher' },
  { path: 'layers/', type: 'dir', mode: 0o755, uid: 1000, gid: 1001 },
];

describe('planTarEntries', () => {
  it('normalises paths, adds missing parents with the default owner and 0755, and sorts bytewise', () => {
    const planned = planTarEntries(sample, { uid: 7, gid: 8 });
    expect(planned.map((e) => e.path)).toEqual(['cnb', 'cnb/lifecycle', 'cnb/lifecycle/current', 'cnb/lifecycle/launcher', 'cnb/order.toml', 'layers']);
    expect(planned[0]).toEqual({ path: 'cnb', type: 'dir', mode: 0o755, uid: 7, gid: 8 });
    expect(planned.find((e) => e.path === 'layers')).toMatchObject({ uid: 1000, gid: 1001 });
    expect(planned.find((e) => e.path === 'cnb/order.toml')).toMatchObject({ uid: 7, gid: 8 });
  });

  it('keeps a directory before its contents even when a sibling sorts between them', () => {
    const planned = planTarEntries([
      { path: 'a/b/c', type: 'file', mode: 0o644 },
      { path: 'a/b-x', type: 'file', mode: 0o644 },
    ]);
    expect(planned.map((e) => e.path)).toEqual(['a', 'a/b', 'a/b-x', 'a/b/c']);
  });

  it('reports every problem at once, with the index of the entry', () => {
    const entries: TarLayerEntry[] = [
      { path: 'a/../etc/passwd', type: 'file', mode: 0o644 },
      { path: '/', type: 'dir', mode: 0o755 },
      { path: 'x', type: 'file', mode: 0o644 },
      { path: '/x', type: 'file', mode: 0o644 },
      { path: 'big-uid', type: 'file', mode: 0o644, uid: 0o777777 + 1 },
      { path: 'mode0', type: 'file', mode: 0 },
      { path: 'dir', type: 'dir', mode: 0o755, content: 'oops' },
      { path: 'link', type: 'symlink', mode: 0o777 },
    ];
    const error = (() => {
      try {
        planTarEntries(entries);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ValidationError);
    const paths = (error as ValidationError).issues.map((i) => i.path);
    expect(paths).toEqual([
      'entries[0].path',
      'entries[1].path',
      'entries[3].path',
      'entries[4].uid',
      'entries[5].mode',
      'entries[6].content',
      'entries[7].linkTarget',
    ]);
    expect((error as ValidationError).message).toMatch(/"x" is also entries\[2\]/);
  });

  it('accepts the largest owner id the ustar header holds and refuses a parent that is a file', () => {
    expect(planTarEntries([{ path: 'f', type: 'file', mode: 0o644, uid: 0o777777, gid: 0o777777 }])[0]).toMatchObject({ uid: 262143 });
    expect(() =>
      planTarEntries([
        { path: 'a', type: 'file', mode: 0o644 },
        { path: 'a/b', type: 'file', mode: 0o644 },
      ]),
    ).toThrow(/parent "a" is a file/);
  });
});

describe('writeTar', () => {
  it('writes fixed mtime, numeric owners without names, modes, link targets and long paths', async () => {
    const long = `deep/${'d'.repeat(150)}/${'f'.repeat(90)}`;
    const tar = await bytesOf(writeTar(planTarEntries([...sample, { path: long, type: 'file', mode: 0o600, content: 'long' }])));
    const entries = await readTarEntries(tar);
    expect(entries.map((e) => e.header.name)).toEqual([
      'cnb',
      'cnb/lifecycle',
      'cnb/lifecycle/current',
      'cnb/lifecycle/launcher',
      'cnb/order.toml',
      'deep',
      `deep/${'d'.repeat(150)}`,
      long,
      'layers',
    ]);
    for (const { header } of entries) {
      expect(header.mtime.getTime()).toBe(normalizedModTime.getTime());
      expect(header.uname).toBe('');
      expect(header.gname).toBe('');
    }
    const byName = new Map(entries.map((e) => [e.header.name, e]));
    expect(byName.get('cnb/lifecycle/current')?.header).toMatchObject({ type: 'symlink', linkname: 'launcher', mode: 0o777 });
    expect(byName.get('cnb/order.toml')).toMatchObject({ content: '[[order]]\n', header: { type: 'file', mode: 0o644, uid: 0, gid: 0 } });
    expect(byName.get(long)).toMatchObject({ content: 'long', header: { mode: 0o600 } });
    expect(byName.get('layers')?.header).toMatchObject({ type: 'directory', uid: 1000, gid: 1001 });
    expect(normalizedModTime.getTime() / 1000).toBe(315532801);
  });

  it('gives identical bytes whatever the input order', async () => {
    const a = await bytesOf(writeTar(planTarEntries(sample)));
    const b = await bytesOf(writeTar(planTarEntries([...sample].reverse())));
    expect(sha256Digest(b)).toBe(sha256Digest(a));
  });

  it('streams a big file entry and fails when the source yields a different size', async () => {
    const chunk = Buffer.alloc(256 * 1024, 7);
    const big = {
      path: 'big.bin',
      type: 'file' as const,
      mode: 0o644,
      size: 4 * chunk.length,
      open: () => Promise.resolve(Readable.from([chunk, chunk, chunk, chunk])),
    };
    const entries = await readTarEntries(await bytesOf(writeTar(planTarEntries([big]))));
    expect(entries[0]?.header.size).toBe(4 * chunk.length);
    const short = { ...big, size: big.size + 1 };
    await expect(bytesOf(writeTar(planTarEntries([short])))).rejects.toThrow(/tar entry "big.bin" size: expected 1048577, got 1048576/);
    const long = { ...big, size: big.size - 1 };
    await expect(bytesOf(writeTar(planTarEntries([long])))).rejects.toBeInstanceOf(DigestMismatchError);
  });
});

describe('createTarLayer', () => {
  it('computes digest, size and diffId once and regenerates identical verified bytes', async () => {
    const layer = createTarLayer(sample);
    expect(await layer.mediaType()).toBe(mediaTypes.ociLayerGzip);
    const compressed = await bytesOf(await layer.compressed());
    const tar = await bytesOf(await layer.uncompressed());
    expect(await layer.digest()).toBe(sha256Digest(compressed));
    expect(await layer.size()).toBe(compressed.length);
    expect(await layer.diffId()).toBe(sha256Digest(tar));
    expect(sha256Digest(gunzipSync(compressed))).toBe(await layer.diffId());
    // gzip header: no mtime, no file name (FLG 0), OS byte 3 (Unix) as Node's zlib writes it.
    expect([...compressed.subarray(0, 10)]).toEqual([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]);
    expect(await createTarLayer([...sample].reverse()).digest()).toBe(await layer.digest());
  });

  it('with compression none, the blob is the tar and digest equals diffId', async () => {
    const layer = createTarLayer(sample, { compression: 'none' });
    expect(await layer.mediaType()).toBe(mediaTypes.ociLayer);
    expect(await layer.digest()).toBe(await layer.diffId());
    expect(await layer.diffId()).toBe(await createTarLayer(sample).diffId());
  });

  it('accepts a Docker gzip media type and refuses one that names another compression', () => {
    expect(() => createTarLayer(sample, { mediaType: mediaTypes.dockerLayerGzip })).not.toThrow();
    expect(() => createTarLayer(sample, { compression: 'none', mediaType: mediaTypes.ociLayerGzip })).toThrow(ValidationError);
    expect(() => createTarLayer(sample, { level: 11 })).toThrow(/options.level: must be 0-9/);
  });

  it('fails with DigestMismatchError when a streamed entry changes between reads', async () => {
    let generation = 0;
    const layer = createTarLayer([
      { path: 'changing', type: 'file', mode: 0o644, size: 1, open: () => Promise.resolve(Readable.from([Buffer.from([generation++])])) },
    ]);
    await layer.digest();
    await expect(bytesOf(await layer.compressed())).rejects.toBeInstanceOf(DigestMismatchError);
  });

  it('changes its diffId when an owner or mode changes', async () => {
    const base = await createTarLayer([{ path: 'f', type: 'file', mode: 0o644 }]).diffId();
    expect(await createTarLayer([{ path: 'f', type: 'file', mode: 0o755 }]).diffId()).not.toBe(base);
    expect(await createTarLayer([{ path: 'f', type: 'file', mode: 0o644, uid: 1 }]).diffId()).not.toBe(base);
  });
});

describe('writeTar when the reader stops early', () => {
  it('destroys the streamed source and settles', async () => {
    let destroyed!: () => void;
    const destroyedSource = new Promise<void>((resolve) => (destroyed = resolve));
    const chunk = Buffer.alloc(64 * 1024, 1);
    const source = new Readable({
      read() {
        this.push(chunk);
      },
      destroy(error, callback) {
        destroyed();
        callback(error);
      },
    });
    const tar = writeTar(planTarEntries([{ path: 'endless', type: 'file', mode: 0o644, size: 1024 * chunk.length, open: () => Promise.resolve(source) }]));
    for await (const _piece of tar) break;
    // Settles once the source is destroyed; a source left open would end this test at its timeout.
    await destroyedSource;
    expect(tar.destroyed).toBe(true);
  });
});

describe('createTarLayer with an abort signal', () => {
  it('rejects the metadata pass and fails a stream when aborted', async () => {
    const layer = createTarLayer(sample);
    await expect(layer.digest({ signal: AbortSignal.abort() })).rejects.toThrow(/abort/i);
    expect(await layer.digest()).toMatch(/^sha256:/);
    const controller = new AbortController();
    const stream = await layer.uncompressed({ signal: controller.signal });
    controller.abort();
    await expect(bytesOf(stream)).rejects.toThrow(/abort/i);
  });
});
