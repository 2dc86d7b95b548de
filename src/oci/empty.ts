/**
 * The scratch image: no layers, a minimal config, OCI media types. Its bytes depend only on the
 * platform given, so its digest is stable everywhere.
 */
import type { ConfigFile, Image, Platform } from './image.ts';
import { imageFromData } from './in-memory.ts';
import { mediaTypes } from './media-types.ts';

/** The platform of an empty image. */
export type EmptyImageOptions = Pick<Platform, 'os' | 'architecture' | 'variant'>;

/**
 * An OCI image with no layers: config `{architecture, os, variant?, config: {}, rootfs: {type:
 * 'layers', diff_ids: []}}` without `created` (set one with `withCreated`), encoded canonically.
 */
export function emptyImage(options: EmptyImageOptions): Image {
  const config: ConfigFile = {
    architecture: options.architecture,
    os: options.os,
    variant: options.variant,
    config: {},
    rootfs: { type: 'layers', diff_ids: [] },
  };
  return imageFromData({
    manifest: { schemaVersion: 2, mediaType: mediaTypes.ociManifest, config: { mediaType: mediaTypes.ociConfig }, layers: [] },
    config,
    layers: [],
  });
}
