import { describe, expect, it } from 'vitest';
import { emptyImage } from './empty.ts';
import { OciFormatError } from './errors.ts';
import { indexFromImages } from './image-index.ts';
import { mediaTypes } from './media-types.ts';
import { appendLayers } from './mutate.ts';
import { parsePlatform } from './platform.ts';
import { randomLayer } from './testing/index.ts';

const amd64 = appendLayers(emptyImage({ os: 'linux', architecture: 'amd64' }), [randomLayer(1)]);
const arm64 = appendLayers(emptyImage({ os: 'linux', architecture: 'arm64' }), [randomLayer(2)]);

describe('indexFromImages', () => {
  it('lists each member with its media type, digest, size and platform, in the order given', async () => {
    const index = await indexFromImages([
      { platform: parsePlatform('linux/amd64'), image: amd64 },
      { platform: parsePlatform('linux/arm64/v8'), image: arm64 },
    ]);
    const manifest = await index.indexManifest();
    expect(manifest.mediaType).toBe(mediaTypes.ociIndex);
    expect(manifest.manifests).toEqual([
      {
        mediaType: await amd64.mediaType(),
        digest: await amd64.digest(),
        size: (await amd64.rawManifest()).length,
        platform: { architecture: 'amd64', os: 'linux' },
      },
      {
        mediaType: await arm64.mediaType(),
        digest: await arm64.digest(),
        size: (await arm64.rawManifest()).length,
        platform: { architecture: 'arm64', os: 'linux', variant: 'v8' },
      },
    ]);
    expect(await index.image(await arm64.digest())).toBe(arm64);
    await expect(index.image('sha256:00')).rejects.toThrow(/has no image/);
  });

  it('gives the same digest for the same members however the platform objects were spelled', async () => {
    const first = await indexFromImages([{ platform: { os: 'linux', architecture: 'amd64' }, image: amd64 }]);
    const second = await indexFromImages([{ platform: { architecture: 'amd64', os: 'linux', variant: '' }, image: amd64 }]);
    expect(await second.digest()).toBe(await first.digest());
    expect(await first.rawManifest()).toEqual(await second.rawManifest());
  });

  it('refuses an empty list and a platform listed twice', async () => {
    await expect(indexFromImages([])).rejects.toThrow(OciFormatError);
    await expect(
      indexFromImages([
        { platform: parsePlatform('linux/arm64'), image: amd64 },
        { platform: parsePlatform('linux/arm64/v8'), image: arm64 },
      ]),
    ).rejects.toThrow('platform linux/arm64/v8 is listed twice in the index');
  });
});
