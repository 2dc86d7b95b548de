import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import * as zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Digest, type Digest } from './digest.ts';
import { DigestMismatchError, OciFormatError } from './errors.ts';
import { layerFromDescriptor, layerFromFile } from './layers.ts';
import { mediaTypes } from './media-types.ts';
import { compressionOf } from './partial.ts';
import { createTarLayer } from './tar-layer.ts';
import { emptyImage } from './empty.ts';
import { appendLayers } from './mutate.ts';
import { describeImageConformance, randomBytes } from './testing/index.ts';

async function bytesOf(stream: Readable): Promise<Buffer> {
  return Buffer.concat((await stream.toArray()) as Buffer[]);
}

let dir = '';
let tar: Buffer;
let gz: Buffer;
let gzPath = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'packsmith-layers-'));
  const layer = createTarLayer([{ path: 'data.bin', type: 'file', mode: 0o644, content: randomBytes(1, 300_000) }], { compression: 'none' });
  tar = await bytesOf(await layer.uncompressed());
  gz = zlib.gzipSync(tar, { level: 1 });
  gzPath = join(dir, 'layer.tar.gz');
  await writeFile(gzPath, gz);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describeImageConformance('appendLayers of layerFromFile and layerFromDescriptor layers', () =>
  appendLayers(emptyImage({ os: 'linux', architecture: 'amd64' }), [
    layerFromFile(gzPath, { mediaType: mediaTypes.ociLayerGzip }),
    layerFromDescriptor({
      descriptor: { mediaType: mediaTypes.ociLayerGzip, digest: sha256Digest(gz), size: gz.length },
      diffId: sha256Digest(tar),
      open: () => Promise.resolve(Readable.from([gz.subarray(0, 1000), gz.subarray(1000)])),
    }),
  ]),
);

describe('compressionOf', () => {
  it('maps layer media types to their compression and refuses non-layer types', () => {
    expect(compressionOf(mediaTypes.ociLayerGzip)).toBe('gzip');
    expect(compressionOf(mediaTypes.dockerLayerGzip)).toBe('gzip');
    expect(compressionOf(mediaTypes.dockerForeignLayerGzip)).toBe('gzip');
    expect(compressionOf(mediaTypes.ociLayerZstd)).toBe('zstd');
    expect(compressionOf(mediaTypes.ociLayer)).toBe('none');
    expect(() => compressionOf(mediaTypes.ociConfig)).toThrow(OciFormatError);
  });
});

describe('layerFromFile', () => {
  it('computes digest, size and diffId by streaming the file once when none are given', async () => {
    const layer = layerFromFile(gzPath, { mediaType: mediaTypes.ociLayerGzip });
    expect(await layer.digest()).toBe(sha256Digest(gz));
    expect(await layer.size()).toBe(gz.length);
    expect(await layer.diffId()).toBe(sha256Digest(tar));
    expect((await bytesOf(await layer.compressed())).equals(gz)).toBe(true);
    expect((await bytesOf(await layer.uncompressed())).equals(tar)).toBe(true);
    expect(layer.locations).toEqual([]);
  });

  it('fails metadata reads and streams when a given digest is wrong', async () => {
    const wrong = sha256Digest('something else');
    const layer = layerFromFile(gzPath, { mediaType: mediaTypes.ociLayerGzip, digest: wrong, size: gz.length, diffId: sha256Digest(tar) });
    expect(await layer.digest()).toBe(wrong);
    await expect(bytesOf(await layer.compressed())).rejects.toThrow(DigestMismatchError);
    await expect(bytesOf(await layer.uncompressed())).rejects.toThrow(DigestMismatchError);
    const unknownDiffId = layerFromFile(gzPath, { mediaType: mediaTypes.ociLayerGzip, digest: wrong });
    await expect(unknownDiffId.diffId()).rejects.toThrow(/digest: expected sha256:/);
  });

  it('fails the uncompressed stream when the given diffId is wrong', async () => {
    const layer = layerFromFile(gzPath, { mediaType: mediaTypes.ociLayerGzip, digest: sha256Digest(gz), size: gz.length, diffId: sha256Digest('x') });
    await expect(bytesOf(await layer.uncompressed())).rejects.toThrow(/uncompressed\) digest/);
  });

  it('reports a blob that is not gzip as OciFormatError', async () => {
    const path = join(dir, 'not-gzip');
    await writeFile(path, 'plain text');
    await expect(layerFromFile(path, { mediaType: mediaTypes.ociLayerGzip }).diffId()).rejects.toThrow(OciFormatError);
  });

  it('passes an uncompressed tar through: digest equals diffId', async () => {
    const path = join(dir, 'layer.tar');
    await writeFile(path, tar);
    const layer = layerFromFile(path, { mediaType: mediaTypes.ociLayer });
    expect(await layer.digest()).toBe(sha256Digest(tar));
    expect(await layer.diffId()).toBe(sha256Digest(tar));
    expect((await bytesOf(await layer.uncompressed())).equals(tar)).toBe(true);
  });

  it('decompresses zstd layers', async () => {
    const path = join(dir, 'layer.tar.zst');
    const zst = zlib.zstdCompressSync(tar);
    await writeFile(path, zst);
    const layer = layerFromFile(path, { mediaType: mediaTypes.ociLayerZstd });
    expect(await layer.digest()).toBe(sha256Digest(zst));
    expect(await layer.diffId()).toBe(sha256Digest(tar));
  });

  it('stops a stream when the signal is aborted', async () => {
    const controller = new AbortController();
    const stream = await layerFromFile(gzPath, { mediaType: mediaTypes.ociLayerGzip }).uncompressed({ signal: controller.signal });
    controller.abort();
    await expect(bytesOf(stream)).rejects.toThrow(/abort/i);
  });
});

describe('layerFromDescriptor', () => {
  function lazyLayer(body: () => Buffer, diffId: Digest = sha256Digest(tar)) {
    let opens = 0;
    const layer = layerFromDescriptor({
      descriptor: { mediaType: mediaTypes.dockerLayerGzip, digest: sha256Digest(gz), size: gz.length },
      diffId,
      locations: [{ registry: '127.0.0.1:5000', repository: 'store/bp' }],
      open: () => {
        opens++;
        return Promise.resolve(Readable.from([body()]));
      },
    });
    return { layer, opens: () => opens };
  }

  it('answers metadata without opening the blob', async () => {
    const { layer, opens } = lazyLayer(() => gz);
    expect(await layer.digest()).toBe(sha256Digest(gz));
    expect(await layer.size()).toBe(gz.length);
    expect(await layer.diffId()).toBe(sha256Digest(tar));
    expect(await layer.mediaType()).toBe(mediaTypes.dockerLayerGzip);
    expect(layer.locations).toEqual([{ registry: '127.0.0.1:5000', repository: 'store/bp' }]);
    expect(opens()).toBe(0);
    expect((await bytesOf(await layer.uncompressed())).equals(tar)).toBe(true);
    expect(opens()).toBe(1);
  });

  it('fails with DigestMismatchError on altered, truncated or overlong bytes', async () => {
    const altered = Buffer.from(gz);
    altered[altered.length - 20] = (altered[altered.length - 20] ?? 0) ^ 0xff;
    await expect(bytesOf(await lazyLayer(() => altered).layer.compressed())).rejects.toThrow(/compressed\) digest: expected/);
    await expect(bytesOf(await lazyLayer(() => gz.subarray(0, 1000)).layer.compressed())).rejects.toThrow(/size: expected \d+, got 1000/);
    const overlong = Buffer.concat([gz, Buffer.alloc(10)]);
    await expect(bytesOf(await lazyLayer(() => overlong).layer.compressed())).rejects.toThrow(/got more than/);
  });

  it('fails the uncompressed stream when the recorded diffId is wrong', async () => {
    const { layer } = lazyLayer(() => gz, sha256Digest('not the tar'));
    const error: unknown = await bytesOf(await layer.uncompressed()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DigestMismatchError);
    expect((error as DigestMismatchError).actual).toBe(sha256Digest(tar));
  });
});

describe('layers whose media type names no tar (artifact payloads)', () => {
  const payload = Buffer.from('{"critical":{}}');
  const descriptor = { mediaType: 'application/vnd.dev.cosign.simplesigning.v1+json', digest: sha256Digest(payload), size: payload.length };
  const layer = layerFromDescriptor({ descriptor, diffId: descriptor.digest, open: () => Promise.resolve(Readable.from([payload])) });

  it('answers metadata and streams the stored bytes, verified', async () => {
    expect(await layer.digest()).toBe(descriptor.digest);
    expect(await layer.diffId()).toBe(descriptor.digest);
    expect(await layer.mediaType()).toBe(descriptor.mediaType);
    expect((await bytesOf(await layer.compressed())).equals(payload)).toBe(true);
  });

  it('has no uncompressed form', async () => {
    await expect(layer.uncompressed()).rejects.toThrow(OciFormatError);
  });
});
