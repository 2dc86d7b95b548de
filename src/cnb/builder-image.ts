/**
 * Realises a BuilderPlan as a lazy Image: the build image with the planned layers appended, the
 * planned labels merged in and the working directory set. Stored layers (lifecycle, buildpacks)
 * are reused as they are, never re-compressed, so their digests stay those of their sources and a
 * push can mount them; only the small generated layers and the config are new bytes.
 */
import type { Image, IoOptions, Layer, TarEntry } from '../oci/index.ts';
import { appendLayers, createTarLayer, withLabels, withWorkingDir } from '../oci/index.ts';
import type { BuilderLayerPlan, BuilderPlan } from './builder-plan.ts';
import { CnbFormatError, labelKeys } from './labels.ts';
import type { GeneratedLayerCache } from './generated-layers.ts';
import { lifecycleLayer } from './lifecycle.ts';
import type { BuildpackRecord } from './records.ts';

/** What `assembleBuilderImage` combines. */
export interface AssembleBuilderInput {
  buildImage: Image;
  /** Its last layer becomes the builder's lifecycle layer. */
  lifecycleImage: Image;
  plan: BuilderPlan;
  /**
   * The stored layer of a buildpack, typically lazy (digest, diffID and size from the record, bytes
   * fetched only if a push must upload them). Its diffID must equal `record.diffId`, which the
   * layers label promises; a mismatch fails reads of the builder with CnbFormatError.
   */
  buildpackLayer: (record: BuildpackRecord) => Layer;
  /** Generated layers shared with other builds (none: each is made afresh); the bytes are the same either way. */
  generatedLayers?: GeneratedLayerCache;
}

/**
 * The builder image for `plan`. Reads only the lifecycle image's layer list now (CnbFormatError
 * when it has none); everything else is lazy: the builder's manifest and config are computed on
 * first use, generated layers are hashed then, and no stored layer's bytes are read. Same inputs
 * give the same digest (generated layers use a fixed zlib level; see `createTarLayer`).
 */
export async function assembleBuilderImage(input: AssembleBuilderInput, options: IoOptions = {}): Promise<Image> {
  const lifecycle = await lifecycleLayer(input.lifecycleImage, options);
  const generated = (entries: readonly TarEntry[]): Layer => input.generatedLayers?.layerOf(entries) ?? createTarLayer(entries);
  const layers = input.plan.layers.map((planned) => realiseLayer(planned, { lifecycle, buildpackLayer: input.buildpackLayer, generated }));
  const withContent = appendLayers(input.buildImage, layers);
  return withWorkingDir(withLabels(withContent, input.plan.labels), input.plan.workingDir);
}

interface LayerSources {
  lifecycle: Layer;
  buildpackLayer: (record: BuildpackRecord) => Layer;
  generated: (entries: readonly TarEntry[]) => Layer;
}

function realiseLayer(planned: BuilderLayerPlan, sources: LayerSources): Layer {
  switch (planned.kind) {
    case 'lifecycle':
      return sources.lifecycle;
    case 'buildpack':
      return withCheckedDiffId(sources.buildpackLayer(planned.record), planned.record);
    case 'generated':
      return sources.generated(planned.entries);
  }
}

/** The layer as given, except that `diffId()` fails when it differs from the record's. */
function withCheckedDiffId(layer: Layer, record: BuildpackRecord): Layer {
  return {
    digest: (o) => layer.digest(o),
    size: (o) => layer.size(o),
    mediaType: (o) => layer.mediaType(o),
    compressed: (o) => layer.compressed(o),
    uncompressed: (o) => layer.uncompressed(o),
    locations: layer.locations,
    diffId: async (o) => {
      const diffId = await layer.diffId(o);
      if (diffId !== record.diffId) {
        throw new CnbFormatError(`the layer given for buildpack ${record.id}@${record.version} has diffID ${diffId}, but its record says ${record.diffId}`, {
          label: labelKeys.buildpackLayers,
        });
      }
      return diffId;
    },
  };
}
