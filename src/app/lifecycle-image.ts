/**
 * A lifecycle image shaped like `buildpacksio/lifecycle`: one layer holding everything under `cnb/`,
 * the version and API labels, linux/amd64, created at the normalised time so that the same files
 * give the same digest. Used for the sample lifecycle and for lifecycle release archives that pack's
 * builder.toml names (kpack's builders take a lifecycle image, never an archive).
 */
import { labelKeys } from '../cnb/index.ts';
import type { Image, TarLayerEntry } from '../oci/index.ts';
import { appendLayers, createTarLayer, emptyImage, normalizedModTime, withCreated, withLabels } from '../oci/index.ts';

/** Buildpack and Platform API lists, as the `io.buildpacks.lifecycle.apis` label holds them. */
export interface LifecycleApis {
  buildpack: { deprecated: string[]; supported: string[] };
  platform: { deprecated: string[]; supported: string[] };
}

/** What goes into a lifecycle image. */
export interface LifecycleImageInput {
  /** The layer's files, at paths under `cnb/` (`cnb/lifecycle/lifecycle`, `cnb/lifecycle.toml`). */
  entries: readonly TarLayerEntry[];
  version: string;
  apis: LifecycleApis;
  /** The legacy single APIs of the builder metadata label (default 0.7, what every lifecycle from 0.18 on keeps). */
  api?: { buildpack?: string; platform?: string };
  /** Extra labels (a description, say). */
  labels?: Readonly<Record<string, string>>;
  /** The history line of the layer. */
  createdBy: string;
  /** The config's architecture (default amd64). */
  architecture?: string;
}

/** The lifecycle image for `input`. */
export function lifecycleImage(input: LifecycleImageInput): Image {
  const created = normalizedModTime.toISOString().replace('.000Z', 'Z');
  const base = withCreated(emptyImage({ os: 'linux', architecture: input.architecture ?? 'amd64' }), normalizedModTime);
  const image = appendLayers(base, [createTarLayer(input.entries)], { history: [{ created, created_by: input.createdBy }] });
  const api = { buildpack: input.api?.buildpack ?? '0.7', platform: input.api?.platform ?? '0.7' };
  return withLabels(image, {
    [labelKeys.lifecycleVersion]: input.version,
    [labelKeys.lifecycleApis]: JSON.stringify(input.apis),
    [labelKeys.builderMetadata]: JSON.stringify({ lifecycle: { version: input.version }, api }),
    ...input.labels,
  });
}
