/**
 * Test-only images held in memory: small deterministic gzip layers, an OCI config and manifest.
 * Used by the layout tests until the shared in-memory backing is available; never imported by
 * production code.
 */
import { Readable } from 'node:stream';
import { gunzipSync, gzipSync } from 'node:zlib';
import tar from 'tar-stream';
import { sha256Digest, type Digest } from '../../digest.ts';
import type { ConfigFile, Descriptor, Image, ImageIndex, IndexManifest, Layer, Manifest, Platform } from '../../image.ts';
import { mediaTypes } from '../../media-types.ts';

/** What a fixture image contains: one file map per layer, labels, platform. */
export interface FixtureSpec {
  layers: Array<Record<string, string>>;
  labels?: Record<string, string>;
  platform?: Platform;
}

/** A deterministic uncompressed tar of `files` (sorted names, fixed mtime, root-owned). */
export async function tarOf(files: Record<string, string>): Promise<Buffer> {
  const pack = tar.pack();
  for (const name of Object.keys(files).sort()) {
    const body = Buffer.from(files[name] ?? '');
    pack.entry({ name, size: body.length, mode: 0o644, mtime: new Date(315532801000), uid: 0, gid: 0 }, body);
  }
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of pack as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** A layer whose compressed bytes are held in memory. */
export function bytesLayer(gz: Buffer, mediaType: string = mediaTypes.ociLayerGzip): Layer {
  const uncompressed = gunzipSync(gz);
  return {
    digest: () => Promise.resolve(sha256Digest(gz)),
    diffId: () => Promise.resolve(sha256Digest(uncompressed)),
    size: () => Promise.resolve(gz.length),
    mediaType: () => Promise.resolve(mediaType),
    compressed: () => Promise.resolve(Readable.from([gz])),
    uncompressed: () => Promise.resolve(Readable.from([uncompressed])),
  };
}

/** An image from raw layers, with an OCI manifest and config. */
export async function imageFromLayers(layers: Layer[], spec: Omit<FixtureSpec, 'layers'> = {}): Promise<Image> {
  const platform = spec.platform ?? { os: 'linux', architecture: 'amd64' };
  const config: ConfigFile = {
    architecture: platform.architecture,
    os: platform.os,
    created: '1980-01-01T00:00:01Z',
    config: { Labels: spec.labels ?? {} },
    rootfs: { type: 'layers', diff_ids: await Promise.all(layers.map((l) => l.diffId())) },
  };
  const rawConfig = Buffer.from(JSON.stringify(config));
  const layerDescriptors: Descriptor[] = await Promise.all(
    layers.map(async (l) => ({ mediaType: await l.mediaType(), digest: await l.digest(), size: await l.size() })),
  );
  const manifest: Manifest = {
    schemaVersion: 2,
    mediaType: mediaTypes.ociManifest,
    config: { mediaType: mediaTypes.ociConfig, digest: sha256Digest(rawConfig), size: rawConfig.length },
    layers: layerDescriptors,
  };
  const rawManifest = Buffer.from(JSON.stringify(manifest));
  return {
    mediaType: () => Promise.resolve(mediaTypes.ociManifest),
    rawManifest: () => Promise.resolve(rawManifest),
    manifest: () => Promise.resolve(manifest),
    digest: () => Promise.resolve(sha256Digest(rawManifest)),
    rawConfigFile: () => Promise.resolve(rawConfig),
    configFile: () => Promise.resolve(config),
    layers: () => Promise.resolve(layers),
  };
}

/** An image whose layers hold the given files. */
export async function fixtureImage(spec: FixtureSpec): Promise<Image> {
  const layers = await Promise.all(spec.layers.map(async (files) => bytesLayer(gzipSync(await tarOf(files)))));
  return imageFromLayers(layers, spec);
}

/** An OCI index over `images`, each entry carrying its config's platform. */
export async function fixtureIndex(images: Image[]): Promise<ImageIndex> {
  const byDigest = new Map<Digest, Image>();
  const manifests: Descriptor[] = [];
  for (const image of images) {
    const raw = await image.rawManifest();
    const config = await image.configFile();
    byDigest.set(await image.digest(), image);
    manifests.push({
      mediaType: mediaTypes.ociManifest,
      digest: sha256Digest(raw),
      size: raw.length,
      platform: { os: config.os, architecture: config.architecture },
    });
  }
  const index: IndexManifest = { schemaVersion: 2, mediaType: mediaTypes.ociIndex, manifests };
  const raw = Buffer.from(JSON.stringify(index));
  return {
    mediaType: () => Promise.resolve(mediaTypes.ociIndex),
    rawManifest: () => Promise.resolve(raw),
    indexManifest: () => Promise.resolve(index),
    digest: () => Promise.resolve(sha256Digest(raw)),
    image: (digest) => Promise.resolve(byDigest.get(digest)!),
    imageIndex: () => Promise.reject(new Error('fixture indexes have no nested indexes')),
  };
}

/** Collects a stream into one buffer (test assertions only: tests use small layers). */
export async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}
