import { describe, expect, it } from 'vitest';
import { ValidationError } from '../shared/index.ts';
import { CnbFormatError, labelKeys } from './labels.ts';
import { lifecycleLayer, lifecyclePlatform, readLifecycleRecord } from './lifecycle.ts';
import { fakeImage, fakeLayer } from './testdata/fake-image.ts';

const refs = { image: 'buildpacksio/lifecycle:0.21.0', latestImage: 'index.docker.io/buildpacksio/lifecycle@sha256:abc' };

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e,
  );
}

describe('readLifecycleRecord', () => {
  it('reads image, version, api and apis (kpack remote_lifecycle_reader case)', async () => {
    const image = fakeImage({
      labels: {
        [labelKeys.builderMetadata]: '{"lifecycle":{"version":"some-version"},"api":{"buildpack":"0.7","platform":"0.7"}}',
        [labelKeys.lifecycleApis]: JSON.stringify({
          buildpack: { deprecated: [], supported: ['0.7', '0.8'] },
          platform: { deprecated: [], supported: ['0.7', '0.8', '0.13'] },
        }),
      },
    });
    expect(await readLifecycleRecord(image, refs)).toStrictEqual({
      image: { latestImage: refs.latestImage, image: refs.image },
      version: 'some-version',
      api: { buildpack: '0.7', platform: '0.7' },
      apis: { buildpack: { supported: ['0.7', '0.8'] }, platform: { supported: ['0.7', '0.8', '0.13'] } },
    });
  });

  it('reports both missing labels at once', async () => {
    const error = await rejection(readLifecycleRecord(fakeImage(), refs));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues).toStrictEqual([
      { path: 'image', message: 'could not find label io.buildpacks.builder.metadata' },
      { path: 'image', message: 'could not find label io.buildpacks.lifecycle.apis' },
    ]);
  });

  it('reports malformed labels with the label and field', async () => {
    const image = fakeImage({ labels: { [labelKeys.builderMetadata]: '{"lifecycle":"x"}', [labelKeys.lifecycleApis]: '[' } });
    const error = (await rejection(readLifecycleRecord(image, refs))) as ValidationError;
    expect(error.issues.map((i) => i.message)).toEqual([
      'label io.buildpacks.builder.metadata: lifecycle: expected object, received string',
      expect.stringMatching(/^label io\.buildpacks\.lifecycle\.apis is not valid JSON: /),
    ]);
  });

  it('falls back to the version label, and fails without any version', async () => {
    const labels = { [labelKeys.builderMetadata]: '{"api":{"buildpack":"0.7"}}', [labelKeys.lifecycleApis]: '{}' };
    const withLabel = fakeImage({ labels: { ...labels, [labelKeys.lifecycleVersion]: '0.21.1' } });
    expect((await readLifecycleRecord(withLabel, refs)).version).toBe('0.21.1');
    const error = (await rejection(readLifecycleRecord(fakeImage({ labels }), refs))) as ValidationError;
    expect(error.issues).toStrictEqual([
      { path: 'image', message: 'label io.buildpacks.builder.metadata has no lifecycle.version and label io.buildpacks.lifecycle.version is missing' },
    ]);
  });
});

describe('lifecycleLayer', () => {
  it('is the last layer, returned without reading bytes', async () => {
    const image = fakeImage({ layers: [fakeLayer('a'), fakeLayer('b'), fakeLayer('lifecycle')] });
    expect(await (await lifecycleLayer(image)).diffId()).toBe(fakeLayer('lifecycle').diffId);
  });

  it("fails for an image without layers, in kpack's words", async () => {
    const error = await rejection(lifecycleLayer(fakeImage()));
    expect(error).toBeInstanceOf(CnbFormatError);
    expect((error as Error).message).toBe('failed to find lifecycle layer: failed to find lifecycle image layers');
  });
});

describe('lifecyclePlatform', () => {
  it('reads os, architecture and variant from the config', async () => {
    expect(await lifecyclePlatform(fakeImage({ architecture: 'arm64', variant: 'v8' }))).toStrictEqual({ os: 'linux', architecture: 'arm64', variant: 'v8' });
    expect(await lifecyclePlatform(fakeImage())).toStrictEqual({ os: 'linux', architecture: 'amd64' });
  });
});
