import { describe, expect, it } from 'vitest';
import { readBuildpackRecords, sortBuildpackRecords } from './buildpackage.ts';
import { CnbFormatError, labelKeys } from './labels.ts';
import type { BuildpackRecord } from './records.ts';
import { fakeImage, fakeLayer } from './testdata/fake-image.ts';

const metaLayer = fakeLayer('meta', 10);
const multi1Layer = fakeLayer('multi1', 20);
const multi2Layer = fakeLayer('multi2', 30);
const simpleLayer = fakeLayer('simple', 40);
const unrelated = fakeLayer('base', 999);

const stacks = [{ id: 'org.some.stack', mixins: ['meta:mixin'] }, { id: 'org.meta.only.stack' }];
const order = [{ group: [{ id: 'org.buildpack.multi', version: '0.0.1' }] }, { group: [{ id: 'org.buildpack.multi', version: '0.0.2' }] }];

// kpack's remote_store_reader_test fixture: image A holds a meta-buildpack and the two versions it
// orders, with a buildpackage label; image B holds one simple buildpack.
const imageA = fakeImage({
  layers: [unrelated, multi2Layer, metaLayer, multi1Layer],
  labels: {
    [labelKeys.buildpackageMetadata]: JSON.stringify({ id: 'org.buildpack.meta', version: '0.0.2', homepage: 'some-homepage', stacks }),
    [labelKeys.buildpackLayers]: JSON.stringify({
      'org.buildpack.meta': { '0.0.2': { api: '0.2', layerDiffID: metaLayer.diffId, order, stacks, homepage: 'buildpack.meta.com' } },
      'org.buildpack.multi': {
        '0.0.1': { api: '0.2', layerDiffID: multi1Layer.diffId, stacks, homepage: 'buildpack.multi.com' },
        '0.0.2': { api: '0.2', layerDiffID: multi2Layer.diffId, stacks, homepage: 'buildpack.multi.com' },
      },
    }),
  },
});
const imageB = fakeImage({
  layers: [simpleLayer],
  labels: {
    [labelKeys.buildpackLayers]: JSON.stringify({
      'org.buildpack.simple': {
        '0.0.1': { api: '0.10', layerDiffID: simpleLayer.diffId, targets: [{ os: 'linux', arch: 'amd64' }], homepage: 'buildpack.simple.com' },
      },
    }),
  },
});
const packageInfo = { id: 'org.buildpack.meta', version: '0.0.2', homepage: 'some-homepage' };

async function readAll(sources: Array<[ReturnType<typeof fakeImage>, string]>): Promise<BuildpackRecord[]> {
  const perSource = await Promise.all(sources.map(([image, source]) => readBuildpackRecords(image, source)));
  return sortBuildpackRecords(perSource.flat());
}

async function failure(promise: Promise<unknown>): Promise<CnbFormatError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof CnbFormatError)) throw new Error(`expected a CnbFormatError, got ${String(error)}`);
  return error;
}

describe('readBuildpackRecords', () => {
  it('returns one record per id/version with digest and size of the layer matching the diffID', async () => {
    expect(
      await readAll([
        [imageA, 'build/package_a'],
        [imageB, 'build/package_b'],
      ]),
    ).toStrictEqual([
      {
        id: 'org.buildpack.meta',
        version: '0.0.2',
        api: '0.2',
        homepage: 'buildpack.meta.com',
        buildpackage: packageInfo,
        storeImage: { image: 'build/package_a' },
        diffId: metaLayer.diffId,
        digest: metaLayer.digest,
        size: 10,
        order,
        stacks,
      },
      {
        id: 'org.buildpack.multi',
        version: '0.0.1',
        api: '0.2',
        homepage: 'buildpack.multi.com',
        buildpackage: packageInfo,
        storeImage: { image: 'build/package_a' },
        diffId: multi1Layer.diffId,
        digest: multi1Layer.digest,
        size: 20,
        stacks,
      },
      {
        id: 'org.buildpack.multi',
        version: '0.0.2',
        api: '0.2',
        homepage: 'buildpack.multi.com',
        buildpackage: packageInfo,
        storeImage: { image: 'build/package_a' },
        diffId: multi2Layer.diffId,
        digest: multi2Layer.digest,
        size: 30,
        stacks,
      },
      {
        // A source without the buildpackage label (a builder image) is accepted; targets are kept (D-g).
        id: 'org.buildpack.simple',
        version: '0.0.1',
        api: '0.10',
        homepage: 'buildpack.simple.com',
        storeImage: { image: 'build/package_b' },
        diffId: simpleLayer.diffId,
        digest: simpleLayer.digest,
        size: 40,
        targets: [{ os: 'linux', arch: 'amd64' }],
      },
    ]);
  });

  it('gives the same order whatever order the sources finish in, keeping duplicates', async () => {
    const expected = await readAll([
      [imageA, 'a'],
      [imageB, 'b'],
      [imageB, 'c'],
    ]);
    expect(expected.map((r) => `${r.id}@${r.version} ${r.storeImage.image}`)).toEqual([
      'org.buildpack.meta@0.0.2 a',
      'org.buildpack.multi@0.0.1 a',
      'org.buildpack.multi@0.0.2 a',
      'org.buildpack.simple@0.0.1 b',
      'org.buildpack.simple@0.0.1 c',
    ]);
    for (let i = 0; i < 50; i++) {
      const shuffled = [
        [imageB, 'c'],
        [imageA, 'a'],
        [imageB, 'b'],
      ] as Array<[ReturnType<typeof fakeImage>, string]>;
      if (i % 2) shuffled.reverse();
      expect(await readAll(shuffled)).toStrictEqual(expected);
    }
  });

  it('requires the layers label', async () => {
    const error = await failure(readBuildpackRecords(fakeImage({ labels: {} }), 'x'));
    expect(error.message).toBe('could not find label io.buildpacks.buildpack.layers');
  });

  it('reports every entry whose layer is unusable, each named id@version', async () => {
    const missing = fakeLayer('missing');
    const image = fakeImage({
      layers: [simpleLayer],
      labels: {
        [labelKeys.buildpackLayers]: JSON.stringify({
          good: { '1': { api: '0.10', layerDiffID: simpleLayer.diffId } },
          'bad.digest': { '1.0.0': { api: '0.10', layerDiffID: 'sha256:nothex' } },
          absent: { '2.0.0': { api: '0.10', layerDiffID: missing.diffId } },
        }),
      },
    });
    const error = await failure(readBuildpackRecords(image, 'x'));
    expect(error.message.split('\n')).toEqual([
      'unable to parse layer diffId for bad.digest@1.0.0: invalid digest "sha256:nothex": expected sha256:<64 lowercase hex characters>',
      `unable to get layer absent@2.0.0: the image has no layer with diffID ${missing.diffId}`,
    ]);
  });

  it('rejects an image whose config and manifest disagree on the layer count', async () => {
    const image = fakeImage({
      layers: [simpleLayer],
      diffIds: [],
      labels: { [labelKeys.buildpackLayers]: JSON.stringify({ a: { '1': { layerDiffID: simpleLayer.diffId } } }) },
    });
    expect((await failure(readBuildpackRecords(image, 'x'))).message).toBe('image config lists 0 diff_ids but the manifest has 1 layers');
  });

  it('points a flattened package (shared diffID) at the same layer for each buildpack', async () => {
    const image = fakeImage({
      layers: [simpleLayer],
      labels: {
        [labelKeys.buildpackLayers]: JSON.stringify({
          a: { '1': { api: '0.10', layerDiffID: simpleLayer.diffId } },
          b: { '1': { api: '0.10', layerDiffID: simpleLayer.diffId } },
        }),
      },
    });
    const records = await readBuildpackRecords(image, 'x');
    expect(records.map((r) => [r.id, r.digest, r.size])).toEqual([
      ['a', simpleLayer.digest, 40],
      ['b', simpleLayer.digest, 40],
    ]);
  });
});

describe('sortBuildpackRecords', () => {
  const record = (id: string, version: string, image: string): BuildpackRecord => ({
    id,
    version,
    storeImage: { image },
    diffId: 'd',
    digest: 'g',
    size: 1,
  });

  it('compares id@version as plain strings, not semver, then the store image', () => {
    const sorted = sortBuildpackRecords([record('a', '10.0.0', 'x'), record('a', '9.0.0', 'x'), record('a', '10.0.0', 'b'), record('a-b', '1', 'x')]);
    // '-' (0x2d) sorts before '@' (0x40), so `a-b@1` comes first.
    expect(sorted.map((r) => `${r.id}@${r.version}/${r.storeImage.image}`)).toEqual(['a-b@1/x', 'a@10.0.0/b', 'a@10.0.0/x', 'a@9.0.0/x']);
  });

  it('returns a new array and leaves the input alone', () => {
    const input = [record('b', '1', 'x'), record('a', '1', 'x')];
    const sorted = sortBuildpackRecords(input);
    expect(sorted).not.toBe(input);
    expect(input.map((r) => r.id)).toEqual(['b', 'a']);
  });
});
