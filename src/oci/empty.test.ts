import { describe, expect, it } from 'vitest';
import { sha256Digest } from './digest.ts';
import { emptyImage } from './empty.ts';
import { mediaTypes } from './media-types.ts';
import { describeImageConformance } from './testing/index.ts';

const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

describeImageConformance('emptyImage', () => emptyImage({ os: 'linux', architecture: 'arm64', variant: 'v8' }));

describe('emptyImage', () => {
  it('has fixed, canonical manifest and config bytes with no layers and no created time', async () => {
    const image = emptyImage({ os: 'linux', architecture: 'amd64' });
    const config = '{"architecture":"amd64","os":"linux","config":{},"rootfs":{"type":"layers","diff_ids":[]}}';
    expect(text(await image.rawConfigFile())).toBe(config);
    expect(text(await image.rawManifest())).toBe(
      `{"schemaVersion":2,"mediaType":"${mediaTypes.ociManifest}","config":{"mediaType":"${mediaTypes.ociConfig}","digest":"${sha256Digest(config)}","size":${config.length}},"layers":[]}`,
    );
    expect(await image.mediaType()).toBe(mediaTypes.ociManifest);
    expect(await image.layers()).toEqual([]);
  });

  it('depends only on the platform', async () => {
    const a = await emptyImage({ os: 'linux', architecture: 'arm64', variant: 'v8' }).digest();
    expect(await emptyImage({ variant: 'v8', architecture: 'arm64', os: 'linux' }).digest()).toBe(a);
    expect(await emptyImage({ os: 'linux', architecture: 'arm64' }).digest()).not.toBe(a);
    expect((await emptyImage({ os: 'linux', architecture: 'arm64', variant: 'v8' }).configFile()).variant).toBe('v8');
  });
});
