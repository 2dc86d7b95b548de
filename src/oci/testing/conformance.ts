/**
 * The shared conformance checks every Image backing must pass (in-memory, mutated, OCI layout,
 * registry): digests and sizes agree with the bytes, layers agree with the manifest and with
 * `rootfs.diff_ids`, in order. `checkImageConformance` returns the problems found;
 * `describeImageConformance` wraps the checks in vitest tests.
 */
import { createHash } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { Readable } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { sha256Digest } from '../digest.ts';
import type { Image } from '../image.ts';

/** The sha256 digest and byte count of everything a stream yields. */
export async function digestOfStream(stream: Readable): Promise<{ digest: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of stream) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { digest: `sha256:${hash.digest('hex')}`, size };
}

function parse(bytes: Uint8Array): unknown {
  return JSON.parse(new TextDecoder().decode(bytes));
}

/** Manifest checks: digest = sha256(rawManifest); manifest() = parsed bytes; mediaType() matches the manifest's field. */
export async function checkManifest(image: Image): Promise<string[]> {
  const issues: string[] = [];
  const raw = await image.rawManifest();
  const manifest = await image.manifest();
  if ((await image.digest()) !== sha256Digest(raw)) issues.push(`digest() is not sha256(rawManifest()) = ${sha256Digest(raw)}`);
  if (!isDeepStrictEqual(parse(raw), manifest)) issues.push('manifest() differs from the parsed rawManifest()');
  const mediaType = await image.mediaType();
  if (manifest.mediaType !== undefined && manifest.mediaType !== mediaType)
    issues.push(`mediaType() ${mediaType} differs from manifest.mediaType ${manifest.mediaType}`);
  return issues;
}

/** Config checks: the manifest's config descriptor names rawConfigFile() (digest and size); configFile() = parsed bytes. */
export async function checkConfig(image: Image): Promise<string[]> {
  const issues: string[] = [];
  const raw = await image.rawConfigFile();
  const { config } = await image.manifest();
  if (config.digest !== sha256Digest(raw)) issues.push(`config descriptor digest ${config.digest} is not sha256(rawConfigFile()) = ${sha256Digest(raw)}`);
  if (config.size !== raw.length) issues.push(`config descriptor size ${config.size} is not ${raw.length}`);
  if (!isDeepStrictEqual(parse(raw), await image.configFile())) issues.push('configFile() differs from the parsed rawConfigFile()');
  return issues;
}

/** Count check: layers(), manifest layers and rootfs.diff_ids have the same length. */
export async function checkLayerCount(image: Image): Promise<string[]> {
  const layers = await image.layers();
  const manifestLayers = (await image.manifest()).layers.length;
  const diffIds = (await image.configFile()).rootfs.diff_ids.length;
  if (layers.length === manifestLayers && manifestLayers === diffIds) return [];
  return [`layers() has ${layers.length}, the manifest ${manifestLayers}, rootfs.diff_ids ${diffIds}`];
}

/**
 * Per-layer checks, in order: digest/size/mediaType agree with the manifest descriptor and with the
 * compressed stream; diffId agrees with rootfs.diff_ids and with the sha256 of the uncompressed stream.
 */
export async function checkLayers(image: Image): Promise<string[]> {
  const issues: string[] = [];
  const layers = await image.layers();
  const descriptors = (await image.manifest()).layers;
  const diffIds = (await image.configFile()).rootfs.diff_ids;
  for (const [i, layer] of layers.entries()) {
    const at = `layer ${i}`;
    const [digest, size, mediaType, diffId] = await Promise.all([layer.digest(), layer.size(), layer.mediaType(), layer.diffId()]);
    const actual = { digest, size, mediaType, diffId };
    issues.push(...compareLayer(at, actual, { ...descriptors[i], diffId: diffIds[i] }));
    issues.push(...(await checkStreams(layer, at, actual)));
  }
  return issues;
}

type LayerFacts = { digest: string; size: number; mediaType: string; diffId: string };

function compareLayer(at: string, actual: LayerFacts, recorded: Partial<LayerFacts>): string[] {
  return (['digest', 'size', 'mediaType', 'diffId'] as const)
    .filter((key) => actual[key] !== recorded[key])
    .map((key) => `${at}: ${key}() ${actual[key]} differs from the image's record ${String(recorded[key])}`);
}

async function checkStreams(
  layer: Awaited<ReturnType<Image['layers']>>[number],
  at: string,
  expected: { digest: string; size: number; diffId: string },
): Promise<string[]> {
  const issues: string[] = [];
  try {
    const compressed = await digestOfStream(await layer.compressed());
    if (compressed.digest !== expected.digest) issues.push(`${at}: compressed stream hashes to ${compressed.digest}, not ${expected.digest}`);
    if (compressed.size !== expected.size) issues.push(`${at}: compressed stream has ${compressed.size} bytes, not ${expected.size}`);
  } catch (error) {
    issues.push(`${at}: compressed stream failed: ${(error as Error).message}`);
  }
  try {
    const uncompressed = await digestOfStream(await layer.uncompressed());
    if (uncompressed.digest !== expected.diffId) issues.push(`${at}: uncompressed stream hashes to ${uncompressed.digest}, not diffId ${expected.diffId}`);
  } catch (error) {
    issues.push(`${at}: uncompressed stream failed: ${(error as Error).message}`);
  }
  return issues;
}

/** Every conformance problem of `image`; an empty list means it conforms. Reads every layer once compressed and once uncompressed. */
export async function checkImageConformance(image: Image): Promise<string[]> {
  return [...(await checkManifest(image)), ...(await checkConfig(image)), ...(await checkLayerCount(image)), ...(await checkLayers(image))];
}

/** Registers a vitest `describe` block named `name` that runs each conformance check on the image `makeImage` returns (made once). */
export function describeImageConformance(name: string, makeImage: () => Image | Promise<Image>): void {
  describe(`Image conformance: ${name}`, () => {
    let image: Image;
    beforeAll(async () => {
      image = await makeImage();
    });
    it('has a digest equal to the sha256 of its manifest bytes', async () => {
      expect(await checkManifest(image)).toEqual([]);
    });
    it('has a config descriptor that names its config bytes', async () => {
      expect(await checkConfig(image)).toEqual([]);
    });
    it('has as many layers as manifest entries and diff_ids', async () => {
      expect(await checkLayerCount(image)).toEqual([]);
    });
    it('has layers whose streams match their digests, sizes and diff_ids, in order', async () => {
      expect(await checkLayers(image)).toEqual([]);
    });
  });
}
