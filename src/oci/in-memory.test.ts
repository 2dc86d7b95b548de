import { describe, expect, it } from 'vitest';
import { sha256Digest } from './digest.ts';
import { DigestMismatchError, OciFormatError } from './errors.ts';
import type { ConfigFile, Layer, Manifest } from './image.ts';
import { encodeConfigFile, encodeManifest, findLayerByDiffId, findLayerByDigest, imageFromData, imageFromParts } from './in-memory.ts';
import { mediaTypes } from './media-types.ts';
import { checkImageConformance, describeImageConformance, randomLayer } from './testing/index.ts';

const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

async function partsOf(layers: Layer[]): Promise<{ rawManifest: Uint8Array; rawConfig: Uint8Array; layers: Layer[] }> {
  const config: ConfigFile = { architecture: 'arm64', os: 'linux', rootfs: { type: 'layers', diff_ids: await Promise.all(layers.map((l) => l.diffId())) } };
  const rawConfig = new TextEncoder().encode(JSON.stringify(config, null, 2));
  const manifest: Manifest = {
    schemaVersion: 2,
    mediaType: mediaTypes.ociManifest,
    config: { mediaType: mediaTypes.ociConfig, digest: sha256Digest(rawConfig), size: rawConfig.length },
    layers: await Promise.all(layers.map(async (l) => ({ mediaType: await l.mediaType(), digest: await l.digest(), size: await l.size() }))),
  };
  return { rawManifest: new TextEncoder().encode(JSON.stringify(manifest, null, 3)), rawConfig, layers };
}

describeImageConformance('imageFromParts over hand-written JSON', async () =>
  imageFromParts(await partsOf([randomLayer(1), randomLayer(2, { compression: 'none' })])),
);

describe('imageFromParts', () => {
  it('keeps the bytes exactly as given and hands out copies', async () => {
    const parts = await partsOf([randomLayer(3)]);
    const image = imageFromParts(parts);
    expect(text(await image.rawManifest())).toBe(text(parts.rawManifest));
    expect(await image.digest()).toBe(sha256Digest(parts.rawManifest));
    (await image.manifest()).layers.pop();
    (await image.configFile()).rootfs.diff_ids.pop();
    expect((await image.manifest()).layers).toHaveLength(1);
    expect((await image.configFile()).rootfs.diff_ids).toHaveLength(1);
  });

  it('refuses config bytes that the manifest does not name', async () => {
    const parts = await partsOf([]);
    expect(() => imageFromParts({ ...parts, rawConfig: new TextEncoder().encode('{}') })).toThrow(DigestMismatchError);
  });

  it('refuses layer counts that disagree and malformed JSON', async () => {
    const parts = await partsOf([randomLayer(4)]);
    expect(() => imageFromParts({ ...parts, layers: [] })).toThrow(/1 manifest layers, 1 diff_ids and 0 layer handles/);
    expect(() => imageFromParts({ ...parts, rawManifest: new TextEncoder().encode('{"schemaVersion":2') })).toThrow(OciFormatError);
    expect(() => imageFromParts({ ...parts, rawManifest: new TextEncoder().encode('{"schemaVersion":1,"layers":[]}') })).toThrow(/schemaVersion/);
  });
});

describe('checkImageConformance', () => {
  it('finds a layer handle that does not match the manifest', async () => {
    const parts = await partsOf([randomLayer(5)]);
    const broken = imageFromParts({ ...parts, layers: [randomLayer(6)] });
    const issues = await checkImageConformance(broken);
    expect(issues.some((i) => i.startsWith('layer 0: digest()'))).toBe(true);
    expect(issues.some((i) => i.startsWith('layer 0: diffId()'))).toBe(true);
    expect(await checkImageConformance(imageFromParts(parts))).toEqual([]);
  });
});

describe('canonical encoding', () => {
  it('writes known keys in a fixed order, other keys and maps sorted, and drops undefined', () => {
    const config = {
      rootfs: { diff_ids: [], type: 'layers' },
      zeta: 1,
      os: 'linux',
      alpha: { b: 1, a: 2 },
      architecture: 'amd64',
      variant: undefined,
      config: { Labels: { z: '1', a: '2' }, Env: ['B=1', 'A=2'], User: 'cnb' },
    } as unknown as ConfigFile;
    expect(text(encodeConfigFile(config))).toBe(
      '{"architecture":"amd64","os":"linux","config":{"User":"cnb","Env":["B=1","A=2"],"Labels":{"a":"2","z":"1"}},"rootfs":{"type":"layers","diff_ids":[]},"alpha":{"b":1,"a":2},"zeta":1}',
    );
    const digest = sha256Digest('x');
    const manifest = {
      layers: [{ size: 1, digest, mediaType: 'm' }],
      config: { size: 2, digest, mediaType: 'c' },
      mediaType: 'mt',
      schemaVersion: 2,
    } as Manifest;
    expect(text(encodeManifest(manifest))).toBe(
      `{"schemaVersion":2,"mediaType":"mt","config":{"mediaType":"c","digest":"${digest}","size":2},"layers":[{"mediaType":"m","digest":"${digest}","size":1}]}`,
    );
  });

  it('keeps the nulls Docker writes for empty Labels, Env and history', () => {
    const config: ConfigFile = {
      architecture: 'amd64',
      os: 'linux',
      config: { Labels: null, Env: null },
      rootfs: { type: 'layers', diff_ids: [] },
      history: null,
    };
    expect(text(encodeConfigFile(config))).toBe(
      '{"architecture":"amd64","os":"linux","config":{"Env":null,"Labels":null},"rootfs":{"type":"layers","diff_ids":[]},"history":null}',
    );
  });

  it('gives the same digest for the same objects built in another key order', async () => {
    const a = imageFromData({
      manifest: { schemaVersion: 2, mediaType: mediaTypes.ociManifest, config: { mediaType: mediaTypes.ociConfig }, layers: [] },
      config: { os: 'linux', architecture: 'amd64', rootfs: { type: 'layers', diff_ids: [] } },
      layers: [],
    });
    const b = imageFromData({
      manifest: { layers: [], config: { mediaType: mediaTypes.ociConfig }, mediaType: mediaTypes.ociManifest, schemaVersion: 2 },
      config: { rootfs: { diff_ids: [], type: 'layers' }, architecture: 'amd64', os: 'linux' },
      layers: [],
    });
    expect(await b.digest()).toBe(await a.digest());
  });
});

describe('findLayerByDiffId / findLayerByDigest', () => {
  it('find the layer at the matching position, or undefined', async () => {
    const layers = [randomLayer(7), randomLayer(8)];
    const image = imageFromParts(await partsOf(layers));
    expect(await findLayerByDiffId(image, await layers[1]!.diffId())).toBe(layers[1]);
    expect(await findLayerByDigest(image, await layers[0]!.digest())).toBe(layers[0]);
    expect(await findLayerByDiffId(image, sha256Digest('none'))).toBeUndefined();
    expect(await findLayerByDigest(image, sha256Digest('none'))).toBeUndefined();
  });
});
