import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anonymousKeychain, appendLayers, createTarLayer, emptyImage, writeCnbFile } from '../oci/index.ts';
import { OciImageAccess } from './image-access.ts';
import { parseLocalReference } from './local-images.ts';

const digest = `sha256:${'a'.repeat(64)}`;
const image = appendLayers(emptyImage({ os: 'linux', architecture: 'amd64' }), [createTarLayer([{ path: 'hello', type: 'file', mode: 0o644, content: 'hi' }])]);

describe('local image references', () => {
  it('reads layouts, .cnb files (optionally pinned by digest) and leaves registry references alone', () => {
    expect(parseLocalReference('oci:/x/y:v1')).toEqual({ kind: 'oci-layout', path: '/x/y', tag: 'v1' });
    expect(parseLocalReference(`oci:/x/y@${digest}`)).toEqual({ kind: 'oci-layout', path: '/x/y', digest });
    expect(parseLocalReference(`/x/p.cnb@${digest}`)).toEqual({ kind: 'cnb-file', path: '/x/p.cnb', digest });
    expect(parseLocalReference(`file:/x/p@${digest}`)).toEqual({ kind: 'cnb-file', path: '/x/p', digest });
    expect(parseLocalReference(`r.test/x@${digest}`)).toBeUndefined();
  });
});

describe('OciImageAccess over local files', () => {
  let dir = '';
  const access = new OciImageAccess();
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'packsmith-adapters-'));
  });
  afterAll(async () => {
    await access.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('pins a .cnb image by digest in an identifier that reads back', async () => {
    const path = join(dir, 'p.cnb');
    await writeCnbFile(path, image);
    const first = await access.readImage(path, { keychain: anonymousKeychain });
    expect(first.identifier).toBe(`${path}@${await image.digest()}`);
    const again = await access.readImage(first.identifier, { keychain: anonymousKeychain });
    expect(await again.image.digest()).toBe(await image.digest());
  });

  it('writes to a layout tag once, then reports the digest unchanged; refuses untagged and .cnb targets', async () => {
    const target = `oci:${join(dir, 'out')}:v1`;
    const written = await access.writeImage(image, target, { keychain: anonymousKeychain, tags: ['extra'] });
    expect(written).toEqual({ identifier: `oci:${join(dir, 'out')}@${await image.digest()}`, digest: await image.digest(), pushed: true });
    expect((await access.writeImage(image, target, { keychain: anonymousKeychain })).pushed).toBe(false);
    expect(await (await access.readImage(`oci:${join(dir, 'out')}:extra`, { keychain: anonymousKeychain })).image.digest()).toBe(await image.digest());
    await expect(access.writeImage(image, join(dir, 'x.cnb'), { keychain: anonymousKeychain })).rejects.toThrow(/oci:PATH:TAG/);
  });

  it('streams a stored blob of a layout lazily, verified against the record', async () => {
    const [layer] = await image.layers();
    const blob = {
      image: `oci:${join(dir, 'out')}:v1`,
      digest: await layer!.digest(),
      diffId: await layer!.diffId(),
      size: await layer!.size(),
      keychain: anonymousKeychain,
    };
    const lazy = access.lazyLayer(blob);
    const chunks: Buffer[] = [];
    for await (const chunk of await lazy.compressed()) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).length).toBe(blob.size);
    const wrong = access.lazyLayer({ ...blob, size: blob.size + 1 });
    await expect(
      (async () => {
        for await (const _chunk of await wrong.compressed()) void _chunk;
      })(),
    ).rejects.toThrow();
  });
});

describe('lazy layers of stored blobs', () => {
  it('refuses a blob whose digest is not a digest, naming the image and field', () => {
    const access = new OciImageAccess();
    const blob = { image: 'oci:/x/y:v1', digest, diffId: 'sha256:short', size: 1, keychain: anonymousKeychain };
    expect(() => access.lazyLayer(blob)).toThrow('layer of oci:/x/y:v1: diffId "sha256:short" is not a digest');
    expect(() => access.lazyLayer({ ...blob, image: 'r.test/x:1' })).toThrow('layer of r.test/x:1: diffId "sha256:short"');
  });
});
