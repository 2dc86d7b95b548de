/**
 * Plans a builder image without any I/O: which layers go on top of the build image and in what
 * order (kpack's: default directories, the lifecycle, buildpacks largest first, then the TOML
 * files), the working directory, and every label, rendered as byte-deterministic JSON. The plan is
 * realised by `assembleBuilderImage`; because it is a plain value it can be compared and tested.
 */
import type { TarEntry } from '../oci/index.ts';
import { compareApiVersions, parseApiVersion } from './api-version.ts';
import type { SourceRef } from './buildpack-lookup.ts';
import { labelKeys } from './labels.ts';
import type { ApiVersions, BuildpackRecord, LifecycleRecord, OrderEntry, StackRecord } from './records.ts';
import type { ResolvedOrder } from './resolve.ts';
import { renderOrderToml, renderRunToml, renderStackToml } from './toml.ts';

/** Everything a builder plan is made from: validated, resolved records only. */
export interface BuilderPlanInput {
  stack: StackRecord;
  lifecycle: LifecycleRecord;
  resolved: ResolvedOrder;
  /** The relocated run image, pinned by digest (`<tag>-run-image@sha256:…`). */
  runImage: string;
  /** Labels from the builder spec; the CNB labels computed here win over them on a clash (as in kpack). */
  additionalLabels?: Readonly<Record<string, string>>;
  /** `description` of the builder metadata label; default `Custom Builder built with packsmith`. */
  description?: string;
  /** Mirrors of the run image, written where pack writes them (stack.toml, run.toml, the metadata label). */
  runImageMirrors?: readonly string[];
  /** `createdBy` of the builder metadata label; default name `packsmith`, version empty. */
  createdBy?: { name?: string; version?: string };
}

/** The generated layers, each a handful of in-memory tar entries. */
export type GeneratedLayerName = 'directories' | 'stack.toml' | 'run.toml' | 'order.toml';

/** One layer to append on top of the build image. */
export type BuilderLayerPlan =
  /** A small layer built from `entries` (deterministic tar, root-owned unless an entry says otherwise). */
  | { kind: 'generated'; name: GeneratedLayerName; entries: readonly TarEntry[] }
  /** The lifecycle image's last layer, reused as it is. */
  | { kind: 'lifecycle' }
  /** A stored buildpack layer, reused as it is; `buildpacks` lists every `id@version` it provides (diffID dedup). */
  | { kind: 'buildpack'; record: BuildpackRecord; source: SourceRef; buildpacks: readonly string[] };

/** A buildpack as the builder metadata label and `status.builderMetadata` list it. */
export interface BuilderBuildpack {
  id: string;
  version: string;
  homepage?: string;
}

/** A complete, pure description of a builder image relative to its build image. */
export interface BuilderPlan {
  /** Layers to append, bottom to top. */
  layers: readonly BuilderLayerPlan[];
  /** The config's WorkingDir. */
  workingDir: string;
  /** Labels to merge into the build image's labels (later sources already applied: see `planBuilder`). */
  labels: Readonly<Record<string, string>>;
  /** Every buildpack in the builder, in layer order (size descending, then `id@version` descending). */
  builderMetadata: readonly BuilderBuildpack[];
}

/** The builder's working directory, as pack and kpack set it. */
export const builderWorkingDir = '/layers';

const defaultDescription = 'Custom Builder built with packsmith';

/**
 * The plan for a builder. Layers: the default directories (`/workspace`, `/layers` owned by the
 * stack's uid/gid; `/cnb`, `/cnb/buildpacks`, `/platform`, `/platform/env` root; all 0755), the
 * lifecycle, one layer per distinct buildpack diffID (buildpacks sorted by compressed size
 * descending, then `id@version` descending, byte order; the first of a shared diffID keeps it),
 * then `/cnb/stack.toml`, `/cnb/run.toml` (D-h) and `/cnb/order.toml`, each 0644 root.
 * Labels, later winning: `io.buildpacks.lifecycle.version`, `additionalLabels`, then the order,
 * layers, lifecycle APIs and builder metadata labels. No env is set: the build image's
 * `CNB_USER_ID`/`CNB_GROUP_ID` carry over, as in kpack and pack.
 */
export function planBuilder(input: BuilderPlanInput): BuilderPlan {
  const sorted = sortForLayers(input.resolved.buildpacks);
  const builderMetadata = sorted.map(({ record }) => buildpackInfo(record));
  const layers: BuilderLayerPlan[] = [
    { kind: 'generated', name: 'directories', entries: directoryEntries(input.stack) },
    { kind: 'lifecycle' },
    ...buildpackLayers(sorted),
    tomlLayer('stack.toml', renderStackToml({ image: input.runImage, mirrors: input.runImageMirrors ?? [] })),
    tomlLayer('run.toml', renderRunToml([{ image: input.runImage, mirrors: input.runImageMirrors ?? [] }])),
    tomlLayer('order.toml', renderOrderToml(input.resolved.order)),
  ];
  const labels: Record<string, string> = {
    [labelKeys.lifecycleVersion]: input.lifecycle.version,
    ...input.additionalLabels,
    [labelKeys.buildpackOrder]: goJson(orderJson(input.resolved.order)),
    [labelKeys.buildpackLayers]: renderBuildpackLayersLabel(sorted.map((c) => c.record)),
    [labelKeys.lifecycleApis]: goJson(lifecycleApis(input.lifecycle)),
    [labelKeys.builderMetadata]: goJson(builderMetadataLabel(input, builderMetadata)),
  };
  return { layers, workingDir: builderWorkingDir, labels, builderMetadata };
}

interface Sortable {
  record: BuildpackRecord;
  source: SourceRef;
}

const encoder = new TextEncoder();

/** Compares strings as Go does (UTF-8 bytes), not by UTF-16 units. */
function compareBytes(a: string, b: string): number {
  return Buffer.compare(encoder.encode(a), encoder.encode(b));
}

function sortForLayers<T extends Sortable>(buildpacks: readonly T[]): T[] {
  const name = (c: Sortable): string => `${c.record.id}@${c.record.version}`;
  return [...buildpacks].sort((a, b) => b.record.size - a.record.size || compareBytes(name(b), name(a)));
}

function buildpackLayers(sorted: readonly Sortable[]): BuilderLayerPlan[] {
  const byDiffId = new Map<string, { record: BuildpackRecord; source: SourceRef; buildpacks: string[] }>();
  for (const { record, source } of sorted) {
    const name = `${record.id}@${record.version}`;
    const existing = byDiffId.get(record.diffId);
    if (existing) existing.buildpacks.push(name);
    else byDiffId.set(record.diffId, { record, source, buildpacks: [name] });
  }
  return [...byDiffId.values()].map((layer) => ({ kind: 'buildpack', ...layer }));
}

function buildpackInfo(record: BuildpackRecord): BuilderBuildpack {
  return record.homepage ? { id: record.id, version: record.version, homepage: record.homepage } : { id: record.id, version: record.version };
}

function directoryEntries(stack: StackRecord): TarEntry[] {
  const user = { uid: stack.userId, gid: stack.groupId };
  const dir = (path: string, owner = { uid: 0, gid: 0 }): TarEntry => ({ path, type: 'dir', mode: 0o755, ...owner });
  return [dir('/workspace', user), dir('/layers', user), dir('/cnb'), dir('/cnb/buildpacks'), dir('/platform'), dir('/platform/env')];
}

function tomlLayer(name: 'stack.toml' | 'run.toml' | 'order.toml', content: string): BuilderLayerPlan {
  return { kind: 'generated', name, entries: [{ path: `/cnb/${name}`, type: 'file', mode: 0o644, uid: 0, gid: 0, content }] };
}

function fullApis(apis: ApiVersions): { deprecated: string[]; supported: string[] } {
  return { deprecated: [...(apis.deprecated ?? [])], supported: [...(apis.supported ?? [])] };
}

function lifecycleApis(lifecycle: LifecycleRecord): { buildpack: ApiVersions; platform: ApiVersions } {
  return { buildpack: fullApis(lifecycle.apis.buildpack), platform: fullApis(lifecycle.apis.platform) };
}

/** The oldest parseable version a lifecycle declares: pack's choice for the legacy single `api`. */
function earliestApi(apis: ApiVersions): string | undefined {
  let best: { text: string; parsed: NonNullable<ReturnType<typeof parseApiVersion>> } | undefined;
  for (const text of [...(apis.deprecated ?? []), ...(apis.supported ?? [])]) {
    const parsed = parseApiVersion(text);
    if (parsed && (!best || compareApiVersions(parsed, best.parsed) < 0)) best = { text, parsed };
  }
  return best?.text;
}

function builderMetadataLabel(input: BuilderPlanInput, buildpacks: readonly BuilderBuildpack[]): unknown {
  const { lifecycle } = input;
  const runImage = { image: input.runImage, mirrors: [...(input.runImageMirrors ?? [])] };
  return {
    description: input.description ?? defaultDescription,
    buildpacks,
    stack: { runImage },
    lifecycle: {
      version: lifecycle.version,
      api: {
        buildpack: lifecycle.api.buildpack ?? earliestApi(lifecycle.apis.buildpack),
        platform: lifecycle.api.platform ?? earliestApi(lifecycle.apis.platform),
      },
      apis: lifecycleApis(lifecycle),
    },
    createdBy: { name: input.createdBy?.name ?? 'packsmith', version: input.createdBy?.version ?? '' },
    images: [runImage],
  };
}

// Go's encoder escapes these even inside strings; matching it keeps labels byte-identical to Go tools'.
const goEscapes: Record<string, string> = { '<': '\\u003c', '>': '\\u003e', '&': '\\u0026', '\u2028': '\\u2028', '\u2029': '\\u2029' };

/**
 * JSON text the way Go's encoding/json writes it: no whitespace, `<`, `>`, `&`, U+2028 and U+2029
 * escaped, undefined fields left out. Object keys keep insertion order, so callers build objects
 * with fixed field order; maps with data-dependent keys go through `jsonObject` instead.
 */
export function goJson(value: unknown): string {
  return (JSON.stringify(value) ?? 'null').replace(/[<>&\u2028\u2029]/g, (c) => goEscapes[c] ?? c);
}

/** A JSON object from pre-rendered values, keys sorted bytewise (Go's map order); immune to JS integer-key reordering. */
function jsonObject(entries: ReadonlyArray<readonly [string, string]>): string {
  const sorted = [...entries].sort(([a], [b]) => compareBytes(a, b));
  return `{${sorted.map(([key, value]) => `${goJson(key)}:${value}`).join(',')}}`;
}

/** What the layers label says about one buildpack. */
export type LayersLabelRecord = Pick<BuildpackRecord, 'id' | 'version' | 'api' | 'homepage' | 'diffId' | 'order' | 'stacks' | 'targets'>;

/**
 * `io.buildpacks.buildpack.layers` for `records`: id → version → `{api, layerDiffID, order?,
 * stacks?, targets?, homepage?}` with ids and versions sorted bytewise. Byte-deterministic. A
 * repeated id@version keeps its first record.
 */
export function renderBuildpackLayersLabel(records: readonly LayersLabelRecord[]): string {
  const byId = new Map<string, Map<string, string>>();
  for (const record of records) {
    const versions = byId.get(record.id) ?? new Map<string, string>();
    byId.set(record.id, versions);
    if (versions.has(record.version)) continue;
    const info = layerInfoJson(record);
    versions.set(record.version, goJson(info));
  }
  return jsonObject([...byId].map(([id, versions]) => [id, jsonObject([...versions])] as const));
}

function layerInfoJson(record: LayersLabelRecord): unknown {
  return {
    api: record.api ?? '',
    layerDiffID: record.diffId,
    order: record.order?.length ? orderJson(record.order) : undefined,
    stacks: record.stacks?.length ? record.stacks.map((s) => ({ id: s.id, mixins: s.mixins?.length ? s.mixins : undefined })) : undefined,
    targets: record.targets?.length ? record.targets.map(targetJson) : undefined,
    homepage: record.homepage || undefined,
  };
}

/** An order with fields in Go's struct order and `optional` only when true. */
function orderJson(order: readonly OrderEntry[]): unknown {
  return order.map((o) => ({ group: o.group.map((g) => ({ id: g.id, version: g.version, optional: g.optional || undefined })) }));
}

// os and arch are always written, empty when the buildpack leaves them out: pack's Go struct has no omitempty on them.
function targetJson(target: NonNullable<BuildpackRecord['targets']>[number]): unknown {
  return {
    os: target.os ?? '',
    arch: target.arch ?? '',
    variant: target.variant || undefined,
    distros: target.distros?.length ? target.distros.map((d) => ({ name: d.name, version: d.version || undefined })) : undefined,
  };
}
