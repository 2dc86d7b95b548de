import { mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sha256Digest } from '../digest.ts';
import { mediaTypes } from '../media-types.ts';
import { readLayout, writeLayout, writeLayoutIndex } from './index.ts';
import { bytesLayer, collect, fixtureImage, fixtureIndex, imageFromLayers, tarOf, type FixtureSpec } from './testdata/fixture-image.ts';
import { gzipSync } from 'node:zlib';
import { Readable } from 'node:stream';

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'packsmith-layout-'));
});
afterEach(async () => rm(dir, { recursive: true, force: true }));

const twoLayers: FixtureSpec = { layers: [{ 'a.txt': 'alpha' }, { 'b/c.txt': 'charlie' }], labels: { 'io.test.label': 'yes' } };

describe('writeLayout then readLayout', () => {
  it('round-trips manifest, config and layer bytes with the same digests', async () => {
    const image = await fixtureImage(twoLayers);
    const entry = await writeLayout(dir, image, { tag: 'v1' });
    expect(entry.digest).toBe(await image.digest());

    const read = await (await readLayout(dir)).image('v1');
    expect(await read.digest()).toBe(await image.digest());
    expect(Buffer.from(await read.rawManifest())).toEqual(Buffer.from(await image.rawManifest()));
    expect((await read.configFile()).config?.Labels).toEqual({ 'io.test.label': 'yes' });
    const layers = await read.layers();
    expect(layers).toHaveLength(2);
    expect(layers[0]!.locations).toEqual([]);
    expect(await layers[1]!.diffId()).toBe(sha256Digest(await tarOf({ 'b/c.txt': 'charlie' })));
    expect(await collect(await layers[1]!.uncompressed())).toEqual(await tarOf({ 'b/c.txt': 'charlie' }));
    expect(sha256Digest(await collect(await layers[0]!.compressed()))).toBe(await layers[0]!.digest());
  });

  it('writes oci-layout and a deterministic index.json', async () => {
    const image = await fixtureImage(twoLayers);
    await writeLayout(dir, image, { tag: 'v1' });
    const other = join(dir, 'second');
    await writeLayout(other, image, { tag: 'v1' });
    expect(await readFile(join(dir, 'oci-layout'), 'utf8')).toBe('{"imageLayoutVersion":"1.0.0"}');
    const indexJson = await readFile(join(dir, 'index.json'), 'utf8');
    expect(indexJson).toBe(await readFile(join(other, 'index.json'), 'utf8'));
    expect(JSON.parse(indexJson)).toEqual({
      schemaVersion: 2,
      mediaType: mediaTypes.ociIndex,
      manifests: [
        {
          mediaType: mediaTypes.ociManifest,
          digest: await image.digest(),
          size: (await image.rawManifest()).length,
          annotations: { 'org.opencontainers.image.ref.name': 'v1' },
        },
      ],
    });
  });

  it('replaces the entry with the same tag and keeps other tags', async () => {
    const first = await fixtureImage({ layers: [{ x: '1' }] });
    const second = await fixtureImage({ layers: [{ x: '2' }] });
    await writeLayout(dir, first, { tag: 'keep' });
    await writeLayout(dir, first, { tag: 'moving' });
    await writeLayout(dir, second, { tag: 'moving' });
    const layout = await readLayout(dir);
    expect(layout.tags()).toEqual(['keep', 'moving']);
    expect(await (await layout.image('moving')).digest()).toBe(await second.digest());
    expect(await (await layout.image('keep')).digest()).toBe(await first.digest());
  });

  it('skips blobs that are already present', async () => {
    const image = await fixtureImage(twoLayers);
    await writeLayout(dir, image, { tag: 'a' });
    const layerDigest = (await image.manifest()).layers[0]!.digest;
    const blob = join(dir, 'blobs', 'sha256', layerDigest.slice(7));
    // An old mtime on the blob: a rewrite would give it the current time.
    const old = new Date('2020-01-01T00:00:00Z');
    await utimes(blob, old, old);
    await writeLayout(dir, image, { tag: 'b' });
    expect((await stat(blob)).mtimeMs).toBe(old.getTime());
  });

  it('selects by digest and picks the only image without a selector', async () => {
    const image = await fixtureImage(twoLayers);
    await writeLayout(dir, image);
    const layout = await readLayout(dir);
    expect(await (await layout.image()).digest()).toBe(await image.digest());
    expect(await (await layout.image(await image.digest())).digest()).toBe(await image.digest());
  });

  it('writes an index and picks the image for the requested platform', async () => {
    const amd = await fixtureImage({ layers: [{ arch: 'amd64' }], platform: { os: 'linux', architecture: 'amd64' } });
    const arm = await fixtureImage({ layers: [{ arch: 'arm64' }], platform: { os: 'linux', architecture: 'arm64' } });
    const index = await fixtureIndex([amd, arm]);
    await writeLayoutIndex(dir, index, { tag: 'multi' });
    const layout = await readLayout(dir);
    expect(layout.index().manifests[0]!.mediaType).toBe(mediaTypes.ociIndex);
    const picked = await layout.image('multi', { platform: { os: 'linux', architecture: 'arm64' } });
    expect(await picked.digest()).toBe(await arm.digest());
    expect(await (await layout.image(await amd.digest())).digest()).toBe(await amd.digest());
    expect((await (await layout.imageIndex('multi')).indexManifest()).manifests).toHaveLength(2);
    const missing = layout.image('multi', { platform: { os: 'linux', architecture: 's390x' } });
    await expect(missing).rejects.toMatchObject({ code: 'PLATFORM_NOT_FOUND' });
    await expect(missing).rejects.toThrow(/linux\/s390x.*offers linux\/amd64, linux\/arm64/);
    expect(await (await layout.image('multi')).digest()).toBe(await amd.digest());
  });
});

describe('writeLayout failures', () => {
  it('refuses a layer whose bytes do not match its digest and leaves no blob or temp file behind', async () => {
    const honest = bytesLayer(gzipSync(await tarOf({ a: 'honest' })));
    const liar = { ...honest, compressed: () => Promise.resolve(Readable.from([gzipSync(Buffer.from('something else'))])) };
    const image = await imageFromLayers([liar]);
    await expect(writeLayout(dir, image, { tag: 'bad' })).rejects.toMatchObject({ code: 'DIGEST_MISMATCH' });
    const blobs = await readdir(join(dir, 'blobs', 'sha256'));
    const hex = (await honest.digest()).slice(7);
    expect(blobs.filter((name) => name.startsWith(hex))).toEqual([]);
    await expect(readFile(join(dir, 'index.json'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('stops when its signal is aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('stop now'));
    await expect(writeLayout(dir, await fixtureImage(twoLayers), { signal: controller.signal })).rejects.toThrow(/stop now|abort/i);
  });
});

describe('readLayout errors', () => {
  it('names the missing oci-layout file', async () => {
    const error = await readLayout(dir).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'NOT_FOUND' });
    expect(String(error)).toMatch(/oci-layout is missing/);
  });

  it('rejects an unknown layout version', async () => {
    await writeFile(join(dir, 'oci-layout'), '{"imageLayoutVersion":"2.0.0"}');
    await writeFile(join(dir, 'index.json'), '{"schemaVersion":2,"manifests":[]}');
    const error = await readLayout(dir).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'OCI_FORMAT' });
    expect(String(error)).toMatch(/unsupported imageLayoutVersion "2\.0\.0"/);
  });

  it('names the file and the JSON path of a malformed index.json', async () => {
    await writeFile(join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
    await writeFile(join(dir, 'index.json'), '{"schemaVersion":2,"manifests":[{"mediaType":"x","digest":"sha256:00","size":1}]}');
    await expect(readLayout(dir)).rejects.toThrow(`${dir}/index.json: invalid image index: manifests[0].digest`);
  });

  it('lists the existing tags for an unknown tag, and refuses to guess among several images', async () => {
    await writeLayout(dir, await fixtureImage({ layers: [{ a: '1' }] }), { tag: 'one' });
    await writeLayout(dir, await fixtureImage({ layers: [{ a: '2' }] }), { tag: 'two' });
    const layout = await readLayout(dir);
    await expect(layout.image('three')).rejects.toThrow('no image tagged "three" in ' + dir + '; tags: "one", "two"');
    await expect(layout.image()).rejects.toThrow(/holds 2 entries; name one by tag or digest/);
  });

  it('fails a layer read whose blob does not match its digest', async () => {
    const image = await fixtureImage(twoLayers);
    await writeLayout(dir, image, { tag: 'v1' });
    const layer = (await image.manifest()).layers[0]!;
    const path = join(dir, 'blobs', 'sha256', layer.digest.slice(7));
    const bytes = await readFile(path);
    bytes.writeUInt8(bytes.readUInt8(bytes.length - 1) ^ 0xff, bytes.length - 1);
    await writeFile(path, bytes);
    const [read] = await (await (await readLayout(dir)).image('v1')).layers();
    await expect(collect(await read!.compressed())).rejects.toMatchObject({ code: 'DIGEST_MISMATCH' });
  });

  it('reports a missing blob as not found', async () => {
    const image = await fixtureImage(twoLayers);
    await writeLayout(dir, image, { tag: 'v1' });
    await rm(join(dir, 'blobs', 'sha256', (await image.manifest()).config.digest.slice(7)));
    const read = await (await readLayout(dir)).image('v1');
    await expect(read.configFile()).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
