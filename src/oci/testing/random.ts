/**
 * Seeded random layers and images for tests: the same seed gives the same entries, the same tar
 * bytes and so the same diffIds (and, on one zlib build, the same digests).
 */
import type { Image, Layer, Platform } from '../image.ts';
import { emptyImage } from '../empty.ts';
import { appendLayers } from '../mutate.ts';
import { createTarLayer, type TarEntry, type TarLayerOptions } from '../tar-layer.ts';

/** A deterministic pseudo-random generator (mulberry32) returning floats in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `length` pseudo-random bytes determined by `seed`. */
export function randomBytes(seed: number, length: number): Uint8Array {
  const next = seededRandom(seed);
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = Math.floor(next() * 256);
  return bytes;
}

/** Shape of the random content. */
export interface RandomLayerOptions extends Pick<TarLayerOptions, 'compression' | 'mediaType'> {
  /** Number of files (default 3); each lands in one of a few directories. */
  files?: number;
  /** Largest file size in bytes (default 2048). */
  maxFileSize?: number;
}

/** Seeded tar entries: files with random content under random directories, plus one symlink. */
export function randomEntries(seed: number, options: RandomLayerOptions = {}): TarEntry[] {
  const next = seededRandom(seed);
  const count = options.files ?? 3;
  const maxSize = options.maxFileSize ?? 2048;
  const entries: TarEntry[] = [];
  for (let i = 0; i < count; i++) {
    const dir = `dir-${Math.floor(next() * 4)}/sub-${Math.floor(next() * 3)}`;
    const size = Math.floor(next() * (maxSize + 1));
    const mode = next() < 0.5 ? 0o644 : 0o755;
    entries.push({ path: `${dir}/file-${seed}-${i}`, type: 'file', mode, content: randomBytes(seed * 1000 + i, size) });
  }
  entries.push({ path: `link-${seed}`, type: 'symlink', mode: 0o777, linkTarget: entries[0]?.path ?? 'nowhere' });
  return entries;
}

/** A deterministic tar layer made of `randomEntries(seed, options)`. */
export function randomLayer(seed: number, options: RandomLayerOptions = {}): Layer {
  return createTarLayer(randomEntries(seed, options), { compression: options.compression, mediaType: options.mediaType });
}

/** Options of `randomImage`. */
export interface RandomImageOptions extends RandomLayerOptions {
  /** Number of layers (default 2). */
  layers?: number;
  platform?: Pick<Platform, 'os' | 'architecture' | 'variant'>;
}

/** The empty image of `platform` (linux/amd64) with `layers` random layers seeded from `seed`. */
export function randomImage(seed: number, options: RandomImageOptions = {}): Image {
  const layers = Array.from({ length: options.layers ?? 2 }, (_v, i) => randomLayer(seed * 100 + i, options));
  return appendLayers(emptyImage(options.platform ?? { os: 'linux', architecture: 'amd64' }), layers);
}
