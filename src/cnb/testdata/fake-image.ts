/**
 * A hand-written in-memory Image for the pure cnb unit tests: manifest and config are real JSON
 * with correct digests, while layer bytes are unavailable, which proves the code under test reads
 * manifests and configs only.
 */
import type { ConfigFile, Digest, Image, Layer, Manifest } from '../../oci/index.ts';
import { mediaTypes, sha256Digest } from '../../oci/index.ts';

/** A layer as the manifest and config describe it. */
export interface FakeLayer {
  digest: Digest;
  diffId: Digest;
  size: number;
}

/** What a fake image is made of; anything left out gets a plain linux/amd64 default. */
export interface FakeImageSpec {
  labels?: Record<string, string>;
  env?: string[];
  os?: string;
  architecture?: string;
  variant?: string;
  layers?: FakeLayer[];
  /** Replaces `rootfs.diff_ids` to build inconsistent images. */
  diffIds?: Digest[];
}

/** A deterministic fake digest from a seed string. */
export function fakeDigest(seed: string): Digest {
  return sha256Digest(seed);
}

/** A layer whose digest and diffID derive from `seed`. */
export function fakeLayer(seed: string, size = 100): FakeLayer {
  return { digest: fakeDigest(`compressed:${seed}`), diffId: fakeDigest(`uncompressed:${seed}`), size };
}

function unreadable(): Promise<never> {
  return Promise.reject(new Error('layer bytes must not be read by pure cnb code'));
}

/** Builds the fake Image. */
export function fakeImage(spec: FakeImageSpec = {}): Image {
  const layers = spec.layers ?? [];
  const config: ConfigFile = {
    architecture: spec.architecture ?? 'amd64',
    os: spec.os ?? 'linux',
    ...(spec.variant === undefined ? {} : { variant: spec.variant }),
    config: { Labels: spec.labels ?? {}, Env: spec.env ?? [] },
    rootfs: { type: 'layers', diff_ids: spec.diffIds ?? layers.map((l) => l.diffId) },
  };
  const rawConfig = new TextEncoder().encode(JSON.stringify(config));
  const manifest: Manifest = {
    schemaVersion: 2,
    mediaType: mediaTypes.ociManifest,
    config: { mediaType: mediaTypes.ociConfig, digest: sha256Digest(rawConfig), size: rawConfig.length },
    layers: layers.map((l) => ({ mediaType: mediaTypes.ociLayerGzip, digest: l.digest, size: l.size })),
  };
  const rawManifest = new TextEncoder().encode(JSON.stringify(manifest));
  const layerHandles: Layer[] = layers.map((l) => ({
    digest: () => Promise.resolve(l.digest),
    diffId: () => Promise.resolve(l.diffId),
    size: () => Promise.resolve(l.size),
    mediaType: () => Promise.resolve(mediaTypes.ociLayerGzip),
    compressed: unreadable,
    uncompressed: unreadable,
  }));
  return {
    mediaType: () => Promise.resolve(mediaTypes.ociManifest),
    rawManifest: () => Promise.resolve(rawManifest),
    manifest: () => Promise.resolve(structuredClone(manifest)),
    digest: () => Promise.resolve(sha256Digest(rawManifest)),
    rawConfigFile: () => Promise.resolve(rawConfig),
    configFile: () => Promise.resolve(structuredClone(config)),
    layers: () => Promise.resolve(layerHandles),
  };
}
