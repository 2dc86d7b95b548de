import { describe, expect, it } from 'vitest';
import { ValidationError } from '../shared/index.ts';
import { OciFormatError } from './errors.ts';
import { emptyImage } from './empty.ts';
import type { Image } from './image.ts';
import { mediaTypes } from './media-types.ts';
import { appendLayers, withConfig, withCreated, withEnv, withLabels, withMediaTypes, withUser, withWorkingDir } from './mutate.ts';
import { createTarLayer } from './tar-layer.ts';
import { describeImageConformance, randomImage, randomLayer } from './testing/index.ts';

const linux = { os: 'linux', architecture: 'amd64' };

/** Wraps an image and counts every call made on it (to prove mutations are lazy). */
function counting(image: Image): { image: Image; calls: string[] } {
  const calls: string[] = [];
  const wrap = <K extends keyof Image>(key: K): Image[K] =>
    ((...args: Parameters<Image[K]>) => {
      calls.push(key);
      return (image[key] as (...a: Parameters<Image[K]>) => ReturnType<Image[K]>)(...args);
    }) as Image[K];
  const keys = ['mediaType', 'rawManifest', 'manifest', 'digest', 'rawConfigFile', 'configFile', 'layers'] as const;
  return { image: Object.fromEntries(keys.map((k) => [k, wrap(k)])) as unknown as Image, calls };
}

describeImageConformance('appendLayers on emptyImage', () => randomImage(1, { layers: 3 }));
describeImageConformance('composed mutations over a Docker base', () =>
  withCreated(withEnv(withLabels(appendLayers(withMediaTypes(randomImage(2), 'docker'), [randomLayer(9)]), { a: 'b' }), { PATH: '/cnb' }), new Date(0)),
);
describeImageConformance('appendLayers of an uncompressed layer', () => appendLayers(emptyImage(linux), [randomLayer(3, { compression: 'none' })]));

describe('appendLayers', () => {
  it('reads nothing from the base until asked, and leaves the base unchanged', async () => {
    const base = emptyImage(linux);
    const before = await base.digest();
    const spy = counting(base);
    const layer = randomLayer(4);
    const result = withUser(appendLayers(spy.image, [layer]), 'cnb');
    expect(spy.calls).toEqual([]);
    const manifest = await result.manifest();
    expect(spy.calls.sort()).toEqual(['configFile', 'layers', 'manifest']);
    expect(manifest.layers).toEqual([{ mediaType: mediaTypes.ociLayerGzip, digest: await layer.digest(), size: await layer.size() }]);
    expect((await result.configFile()).rootfs.diff_ids).toEqual([await layer.diffId()]);
    expect(await base.digest()).toBe(before);
    expect((await base.manifest()).layers).toEqual([]);
  });

  it('gives the same digest for the same base and layers built twice', async () => {
    const build = (): Image => withLabels(appendLayers(emptyImage(linux), [randomLayer(5), randomLayer(6)]), { 'io.x': '1', 'io.a': '2' });
    expect(await build().digest()).toBe(await build().digest());
    expect(await withLabels(appendLayers(emptyImage(linux), [randomLayer(6), randomLayer(5)]), { 'io.x': '1' }).digest()).not.toBe(await build().digest());
  });

  it('keeps the Docker family: appended gzip layers get the Docker layer media type', async () => {
    const docker = withMediaTypes(emptyImage(linux), 'docker');
    const result = appendLayers(docker, [randomLayer(7)]);
    expect(await result.mediaType()).toBe(mediaTypes.dockerManifest);
    expect((await result.manifest()).config.mediaType).toBe(mediaTypes.dockerConfig);
    expect((await result.manifest()).layers[0]?.mediaType).toBe(mediaTypes.dockerLayerGzip);
    expect(await (await result.layers())[0]!.mediaType()).toBe(mediaTypes.dockerLayerGzip);
    await expect(appendLayers(docker, [randomLayer(8, { compression: 'none' })]).manifest()).rejects.toThrow(OciFormatError);
  });

  it('adds history entries: given ones, or empty ones when the base keeps a history', async () => {
    const withHistory = appendLayers(emptyImage(linux), [randomLayer(1)], { history: [{ created_by: 'test' }] });
    expect((await withHistory.configFile()).history).toEqual([{ created_by: 'test' }]);
    expect((await appendLayers(withHistory, [randomLayer(2)]).configFile()).history).toEqual([{ created_by: 'test' }, {}]);
    expect((await appendLayers(emptyImage(linux), [randomLayer(2)]).configFile()).history).toBeUndefined();
    const later = appendLayers(appendLayers(emptyImage(linux), [randomLayer(1)]), [randomLayer(2)], { history: [{ comment: 'x' }] });
    expect((await later.configFile()).history).toEqual([{}, { comment: 'x' }]);
    expect(() => appendLayers(emptyImage(linux), [randomLayer(1)], { history: [] })).toThrow(ValidationError);
  });
});

describe('config mutations', () => {
  const base = withEnv(emptyImage(linux), { PATH: '/usr/bin', HOME: '/root' });

  it('withEnv replaces a variable in place and appends new ones in order', async () => {
    const env = (await withEnv(base, { PATH: '/cnb/bin', CNB_X: '1' }).configFile()).config?.Env;
    expect(env).toEqual(['PATH=/cnb/bin', 'HOME=/root', 'CNB_X=1']);
    expect(() => withEnv(base, { 'A=B': 'x' })).toThrow(ValidationError);
  });

  it('withLabels merges, new values winning, encoded in sorted order', async () => {
    const image = withLabels(withLabels(base, { b: '1', a: '1' }), { b: '2', c: '3' });
    expect((await image.configFile()).config?.Labels).toEqual({ a: '1', b: '2', c: '3' });
    expect(new TextDecoder().decode(await image.rawConfigFile())).toContain('"Labels":{"a":"1","b":"2","c":"3"}');
  });

  it('withWorkingDir, withUser and withCreated set their fields; created has no milliseconds when zero', async () => {
    const image = withCreated(withUser(withWorkingDir(base, '/workspace'), '1000:1000'), new Date('1980-01-01T00:00:01Z'));
    const config = await image.configFile();
    expect(config.config).toMatchObject({ WorkingDir: '/workspace', User: '1000:1000' });
    expect(config.created).toBe('1980-01-01T00:00:01Z');
    expect((await withCreated(base, new Date(1500)).configFile()).created).toBe('1970-01-01T00:00:01.500Z');
    expect(() => withCreated(base, new Date('nope'))).toThrow(ValidationError);
  });

  it('withConfig applies a generic edit but refuses one that changes diff_ids', async () => {
    expect((await withConfig(base, (c) => ({ ...c, author: 'me' })).configFile()).author).toBe('me');
    const bad = withConfig(base, (c) => ({ ...c, rootfs: { type: 'layers', diff_ids: [...c.rootfs.diff_ids, c.rootfs.diff_ids[0] ?? 'sha256:00'] as never } }));
    await expect(bad.digest()).rejects.toThrow(/changed rootfs.diff_ids/);
  });
});

describe('withMediaTypes', () => {
  it('round-trips OCI → Docker → OCI to the same digest, and keeps layer bytes', async () => {
    const oci = randomImage(11);
    const docker = withMediaTypes(oci, 'docker');
    expect((await docker.manifest()).layers.map((l) => l.mediaType)).toEqual([mediaTypes.dockerLayerGzip, mediaTypes.dockerLayerGzip]);
    expect((await docker.manifest()).layers.map((l) => l.digest)).toEqual((await oci.manifest()).layers.map((l) => l.digest));
    expect(await withMediaTypes(docker, 'oci').digest()).toBe(await oci.digest());
  });

  it('maps foreign layers and refuses types Docker v2s2 cannot name', async () => {
    const foreign = createTarLayer([{ path: 'f', type: 'file', mode: 0o644 }], { mediaType: mediaTypes.ociLayerNondistributableGzip });
    const docker = withMediaTypes(appendLayers(emptyImage(linux), [foreign]), 'docker');
    expect((await docker.manifest()).layers[0]?.mediaType).toBe(mediaTypes.dockerForeignLayerGzip);
    await expect(withMediaTypes(appendLayers(emptyImage(linux), [randomLayer(1, { compression: 'none' })]), 'docker').manifest()).rejects.toThrow(
      /no Docker v2 schema 2 equivalent/,
    );
  });
});
