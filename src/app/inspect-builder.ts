/**
 * Describes a builder image the way `pack builder inspect` does, from its labels only: stack id,
 * run images, lifecycle version and APIs, the buildpacks it contains, and its detection order
 * with meta-buildpacks expanded into their own orders.
 */
import * as z from 'zod/mini';
import type { BuildpackLayerEntry, OrderEntry } from '../cnb/index.ts';
import { checkShape, CnbFormatError, labelKeys, parseBuildpackLayers, parseBuildpackOrder, parseJsonLabel, readLabel } from '../cnb/index.ts';
import { defaultPlatform, formatPlatform, PlatformNotFoundError, samePlatform, type ConfigFile } from '../oci/index.ts';
import type { FetchedImage } from './ports.ts';
import type { ImageDeps } from './inspect-image.ts';

/** Deprecated and supported API versions, as a builder label lists them (Go writers give `null` for none). */
export interface ApiVersionList {
  deprecated?: string[] | null | undefined;
  supported?: string[] | null | undefined;
}

/** One node of the detection order tree. */
export interface OrderNode {
  id: string;
  version?: string;
  optional?: boolean;
  /** The meta-buildpack's own order, expanded (empty for plain buildpacks; cut at cycles). */
  groups: OrderNode[][];
}

/** What `inspect builder` shows. */
export interface BuilderDescription {
  reference: string;
  identifier: string;
  description?: string;
  createdBy?: { name?: string; version?: string };
  stackId?: string;
  runImages: string[];
  lifecycle: { version?: string; apis: { buildpack: ApiVersionList; platform: ApiVersionList } };
  buildpacks: Array<{ id: string; version: string; api?: string; homepage?: string }>;
  order: OrderNode[][];
  /** For a builder index: every platform it has (`os/arch[/variant]`) and the one described. */
  platforms?: { available: string[]; shown: string };
}

// The fields read, checked; objects may have other fields (the description passes them on) and
// nulls stay as written, so `-o json` shows the label as it is.
const runImage = z.looseObject({ image: z.optional(z.string()), mirrors: z.nullish(z.array(z.string())) });
const apiVersions = z.looseObject({ deprecated: z.nullish(z.array(z.string())), supported: z.nullish(z.array(z.string())) });
const metadataLabel = z.looseObject({
  description: z.optional(z.string()),
  createdBy: z.optional(z.looseObject({ name: z.optional(z.string()), version: z.optional(z.string()) })),
  stack: z.optional(z.looseObject({ runImage: z.optional(runImage) })),
  images: z.nullish(z.array(runImage)),
  lifecycle: z.optional(
    z.looseObject({
      version: z.optional(z.string()),
      apis: z.optional(z.looseObject({ buildpack: z.optional(apiVersions), platform: z.optional(apiVersions) })),
    }),
  ),
  buildpacks: z.nullish(z.array(z.looseObject({ id: z.string(), version: z.string(), homepage: z.optional(z.string()) }))),
});
type MetadataLabel = z.infer<typeof metadataLabel>;

// The label itself is kept rather than zod's copy, which would reorder keys: the schema has no
// transforms or defaults, so a value that passes is a MetadataLabel as it is.
function assertMetadataLabel(value: unknown): asserts value is MetadataLabel {
  checkShape(metadataLabel, value, labelKeys.builderMetadata);
}

function metadataOf(config: ConfigFile): MetadataLabel {
  const text = readLabel(config, labelKeys.builderMetadata);
  if (text === undefined) throw new CnbFormatError(`not a builder: the image has no ${labelKeys.builderMetadata} label`, { label: labelKeys.builderMetadata });
  const label = parseJsonLabel(labelKeys.builderMetadata, text);
  assertMetadataLabel(label);
  return label;
}

function runImagesOf(metadata: MetadataLabel): string[] {
  const entries = metadata.images?.length ? metadata.images : [metadata.stack?.runImage ?? {}];
  return [...new Set(entries.flatMap((e) => [e.image ?? '', ...(e.mirrors ?? [])]).filter((i) => i !== ''))];
}

function expandOrder(order: readonly OrderEntry[], layers: readonly BuildpackLayerEntry[], trail: readonly string[]): OrderNode[][] {
  return order.map((entry) =>
    entry.group.map((g) => {
      const key = `${g.id}@${g.version ?? ''}`;
      const layer = layers.find((l) => l.id === g.id && (g.version === undefined || l.version === g.version));
      const nested = layer?.order && !trail.includes(key) ? expandOrder(layer.order, layers, [...trail, key]) : [];
      return { id: g.id, ...(g.version ? { version: g.version } : {}), ...(g.optional ? { optional: true } : {}), groups: nested };
    }),
  );
}

function optionalLabel<T>(config: ConfigFile, key: string, parse: (text: string) => T[]): T[] {
  const text = readLabel(config, key);
  return text === undefined ? [] : parse(text);
}

function lifecycleOf(metadata: MetadataLabel, config: ConfigFile): BuilderDescription['lifecycle'] {
  const apis = metadata.lifecycle?.apis;
  return {
    version: metadata.lifecycle?.version ?? readLabel(config, labelKeys.lifecycleVersion),
    apis: { buildpack: apis?.buildpack ?? {}, platform: apis?.platform ?? {} },
  };
}

/** The member to describe: the one image, or the index's image for `deps.platform` (linux/amd64 by default). */
async function chosenImage(reference: string, deps: ImageDeps): Promise<{ fetched: FetchedImage; platforms?: BuilderDescription['platforms'] }> {
  const members = await deps.images.readImages(reference, { keychain: deps.keychain, signal: deps.signal });
  const [only] = members;
  if (members.length === 1 && only) return { fetched: only };
  const wanted = deps.platform ?? defaultPlatform;
  const chosen = members.find((m) => samePlatform(m.platform, wanted));
  if (!chosen)
    throw new PlatformNotFoundError(
      wanted,
      members.map((m) => m.platform),
    );
  return { fetched: chosen, platforms: { available: members.map((m) => formatPlatform(m.platform)), shown: formatPlatform(chosen.platform) } };
}

/** Reads the builder `reference` names and describes it; CnbFormatError when it is not a builder. */
export async function inspectBuilder(reference: string, deps: ImageDeps): Promise<BuilderDescription> {
  const { fetched, platforms } = await chosenImage(reference, deps);
  const { image, identifier } = fetched;
  const config = await image.configFile({ signal: deps.signal });
  const metadata = metadataOf(config);
  const layers = optionalLabel(config, labelKeys.buildpackLayers, parseBuildpackLayers);
  const order = optionalLabel(config, labelKeys.buildpackOrder, parseBuildpackOrder);
  const listed = metadata.buildpacks ?? layers.map((l) => ({ id: l.id, version: l.version, homepage: l.homepage }));
  return {
    reference,
    identifier,
    description: metadata.description,
    createdBy: metadata.createdBy,
    stackId: readLabel(config, labelKeys.stackId),
    runImages: runImagesOf(metadata),
    lifecycle: lifecycleOf(metadata, config),
    buildpacks: listed.map((b) => ({ ...b, api: layers.find((l) => l.id === b.id && l.version === b.version)?.api })),
    order: expandOrder(order, layers, []),
    ...(platforms ? { platforms } : {}),
  };
}
