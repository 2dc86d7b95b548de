/**
 * Reads the buildpacks a store source image offers (a buildpackage or a builder) from its manifest
 * and config only: the layers label says which buildpacks exist and which diffID holds each, the
 * manifest gives that layer's compressed digest and size. Layer bytes are never read.
 */
import type { ConfigFile, Descriptor, Image, IoOptions, Manifest } from '../oci/index.ts';
import { parseDigest } from '../oci/index.ts';
import { isArray, messageOf } from '../shared/index.ts';
import {
  CnbFormatError,
  dropUndefined,
  labelKeys,
  parseBuildpackageMetadata,
  parseBuildpackLayers,
  readLabel,
  requireLabel,
  type BuildpackLayerEntry,
} from './labels.ts';
import type { BuildpackageInfo, BuildpackRecord } from './records.ts';

/**
 * One record per id/version in the image's `io.buildpacks.buildpack.layers` label, sorted with
 * `sortBuildpackRecords`. `source` is the image as the resource spec wrote it (kept as
 * `storeImage.image`). The buildpackage metadata label is optional, so builder images are valid
 * sources. Throws CnbFormatError for a missing or malformed label, listing every entry whose layer
 * is unusable (each named `id@version`).
 */
export async function readBuildpackRecords(image: Image, source: string, options: IoOptions = {}): Promise<BuildpackRecord[]> {
  const [config, manifest] = await Promise.all([image.configFile(options), image.manifest(options)]);
  const packageText = readLabel(config, labelKeys.buildpackageMetadata);
  const buildpackage = packageText === undefined ? undefined : parseBuildpackageMetadata(packageText);
  const entries = parseBuildpackLayers(requireLabel(config, labelKeys.buildpackLayers));
  const layers = layersByDiffId(config, manifest);
  const records: BuildpackRecord[] = [];
  const problems: string[] = [];
  for (const entry of entries) {
    const found = findLayer(entry, layers);
    if (typeof found === 'string') problems.push(found);
    else records.push(toRecord({ entry, layer: found, source, buildpackage }));
  }
  if (problems.length > 0) throw new CnbFormatError(problems.join('\n'), { label: labelKeys.buildpackLayers });
  return sortBuildpackRecords(records);
}

/** The manifest descriptor of each layer, keyed by the diffID the config lists at the same position. */
function layersByDiffId(config: ConfigFile, manifest: Manifest): Map<string, Descriptor> {
  const diffIds: unknown = config.rootfs?.diff_ids;
  const list = isArray(diffIds) ? diffIds : [];
  if (list.length !== manifest.layers.length) {
    throw new CnbFormatError(`image config lists ${list.length} diff_ids but the manifest has ${manifest.layers.length} layers`);
  }
  const byDiffId = new Map<string, Descriptor>();
  list.forEach((diffId, i) => {
    const layer = manifest.layers[i];
    // The first layer wins when an image repeats identical content.
    if (typeof diffId === 'string' && layer && !byDiffId.has(diffId)) byDiffId.set(diffId, layer);
  });
  return byDiffId;
}

/** The layer holding `entry`, or kpack's message for why there is none. */
function findLayer(entry: BuildpackLayerEntry, layers: Map<string, Descriptor>): { diffId: string; layer: Descriptor } | string {
  const name = `${entry.id}@${entry.version}`;
  let diffId: string;
  try {
    diffId = parseDigest(entry.layerDiffID);
  } catch (cause) {
    return `unable to parse layer diffId for ${name}: ${messageOf(cause)}`;
  }
  const layer = layers.get(diffId);
  return layer ? { diffId, layer } : `unable to get layer ${name}: the image has no layer with diffID ${diffId}`;
}

function toRecord(input: {
  entry: BuildpackLayerEntry;
  layer: { diffId: string; layer: Descriptor };
  source: string;
  buildpackage: BuildpackageInfo | undefined;
}): BuildpackRecord {
  const { entry, layer } = input;
  return dropUndefined({
    id: entry.id,
    version: entry.version,
    api: entry.api,
    homepage: entry.homepage,
    buildpackage: input.buildpackage,
    storeImage: { image: input.source },
    diffId: layer.diffId,
    digest: layer.layer.digest,
    size: layer.layer.size,
    order: entry.order,
    stacks: entry.stacks,
    targets: entry.targets,
  });
}

const encoder = new TextEncoder();

// Go compares strings byte by byte (UTF-8); JS `<` compares UTF-16 units, which differs beyond the BMP.
function compareBytes(a: string, b: string): number {
  return Buffer.compare(encoder.encode(a), encoder.encode(b));
}

/**
 * A sorted copy in kpack's store order: by the plain string `id@version` (byte-wise, not semver),
 * then by `storeImage.image`. Duplicates are kept, adjacent.
 */
export function sortBuildpackRecords(records: readonly BuildpackRecord[]): BuildpackRecord[] {
  return [...records].sort((a, b) => compareBytes(`${a.id}@${a.version}`, `${b.id}@${b.version}`) || compareBytes(a.storeImage.image, b.storeImage.image));
}
