/**
 * Creates a builder image (kpack's CreateBuilder, with packsmith's differences): resolve the order
 * against the catalog, check compatibility and report every problem at once (D-f), and only then
 * relocate the run image next to the builder tag (D-d), plan and assemble the builder from the
 * stored layers, and push it (nothing when the digest is unchanged; a timestamp tag when pushed).
 * Each image is read or written with the credentials kpack routes to it: stack images with the
 * stack keychain, the lifecycle with the lifecycle keychain, buildpack layers with the keychain of
 * the resource that supplied them, and the builder tag and run-image copy with the builder keychain.
 */
import type {
  BuilderPlan,
  BuildpackCatalog,
  BuildpackRecord,
  GeneratedLayerCache,
  LifecycleRecord,
  OrderSpec,
  ResolvedOrder,
  SourceRef,
  StackRecord,
  TargetPlatform,
} from '../cnb/index.ts';
import { assembleBuilderImage, checkCompatibility, formatTarget, lifecyclePlatform, planBuilder, resolveOrder, toPlatform } from '../cnb/index.ts';
import { indexFromImages, parseReference, type Image, type IoOptions, type Keychain } from '../oci/index.ts';
import { packsmithVersion, ValidationError, type ValidationIssue } from '../shared/index.ts';
import type { BuilderOutcome, BuilderRecord } from './builder-record.ts';
import { BuilderPushError } from './errors.ts';
import { lifecycleRunImage } from './builder-run-image.ts';
import { processTimestampTags, resolveBuilderTag, runImageTag, type BuilderIdentity, type TimestampTags } from './builder-tag.ts';
import { builderProvenance } from './builder-provenance.ts';
import { builderSbom } from './builder-sbom.ts';
import { signBuilder, type NamedSigningKey } from './builder-signing.ts';
import { builderTargets, orderForTarget, type BuilderTarget } from './builder-targets.ts';
import type { Clock, FetchedImage, ImageAccess, ProgressCallback, WriteResult } from './ports.ts';

/** The credentials of every party a builder touches. */
export interface BuilderKeychains {
  /** The builder's own: its tag and the run-image copy. */
  builder: Keychain;
  /** The ClusterStack's (kpack falls back to the builder's when the stack names no service account). */
  stack: Keychain;
  /** The ClusterLifecycle's (same fallback). */
  lifecycle: Keychain;
  /** The keychain of the resource that supplied a buildpack. */
  source(ref: SourceRef): Keychain;
}

/** Everything a builder is made from. */
export interface CreateBuilderInput {
  builder: BuilderIdentity;
  spec: {
    tag: string;
    order: OrderSpec;
    additionalLabels?: Readonly<Record<string, string>>;
    /** The builder metadata's description (from pack's builder.toml; kpack has none). */
    description?: string;
    /** Mirrors of the run image, written into the builder as pack writes them. */
    runImageMirrors?: readonly string[];
    /** packsmith's `spec.targets`: the platforms to build for (default: every platform the stack provides). */
    targets?: readonly TargetPlatform[];
  };
  stack: StackRecord;
  lifecycle: LifecycleRecord;
  catalog: BuildpackCatalog;
  keychains: BuilderKeychains;
  /** Copied into the record as they are. */
  observed?: { stackGeneration?: number; storeGeneration?: number };
  /** The Builder's whole spec as written (stack, store, lifecycle, service account, order…), for the provenance. */
  resourceSpec?: unknown;
  /** Keys to sign the pushed builder and run image with (none: unsigned, as before). */
  signingKeys?: readonly NamedSigningKey[];
}

/** What `createBuilder` needs. */
export interface CreateBuilderDeps extends IoOptions {
  images: ImageAccess;
  clock: Clock;
  onProgress?: ProgressCallback;
  /** Where the timestamp tag of a push comes from (default: the process's, unique per repository). */
  timestampTags?: TimestampTags;
  /** `createdBy` of the builder metadata label (default: packsmith and its version). */
  createdBy?: { name?: string; version?: string };
  /** Generated layers shared with earlier builds (the controller's), so each distinct one is compressed and hashed once. */
  generatedLayers?: GeneratedLayerCache;
}

function describeSource(source: SourceRef): string {
  return source.namespace ? `${source.kind} ${source.namespace}/${source.name}` : `${source.kind} ${source.name}`;
}

/** The registry repository `tag` pushes to; empty for a local layout (nothing there refuses credentials). */
function targetRepository(tag: string): string {
  try {
    return parseReference(tag).repository;
  } catch {
    return '';
  }
}

/** The images one target is made from. */
interface TargetImages {
  target: BuilderTarget;
  build: FetchedImage;
  run: FetchedImage;
  lifecycle: FetchedImage;
  resolved: ResolvedOrder;
}

/** Reads one target's stack and lifecycle images and checks its buildpacks; its problems are prefixed with the platform when there are several. */
async function prepareTarget(
  context: { input: CreateBuilderInput; resolved: ResolvedOrder; several: boolean },
  target: BuilderTarget,
  deps: CreateBuilderDeps,
): Promise<{ images: TargetImages; issues: ValidationIssue[] }> {
  const { input, resolved, several } = context;
  const io = { signal: deps.signal };
  const { keychains } = input;
  const [build, run, lifecycle] = await Promise.all([
    deps.images.readImage(target.stack.buildImage.latestImage, { keychain: keychains.stack, ...io }),
    deps.images.readImage(target.stack.runImage.latestImage, { keychain: keychains.stack, ...io }),
    deps.images.readImage(target.lifecycleImage, { keychain: keychains.lifecycle, ...io }),
  ]);
  const served = orderForTarget(resolved, target.target, (c) => describeSource(c.source));
  const issues = [
    ...served.issues,
    ...checkCompatibility({
      stack: target.stack,
      lifecycle: input.lifecycle,
      buildpacks: served.resolved.buildpacks.map((c) => ({ ...c.record, suppliedBy: describeSource(c.source) })),
      lifecyclePlatform: await lifecyclePlatform(lifecycle.image, io),
    }),
  ];
  const prefix = several ? `${formatTarget(target.target)}: ` : '';
  return { images: { target, build, run, lifecycle, resolved: served.resolved }, issues: issues.map((i) => ({ ...i, message: `${prefix}${i.message}` })) };
}

/** Every target's images, or ValidationError with every target, resolution or compatibility problem (nothing written then). */
async function prepareTargets(input: CreateBuilderInput, deps: CreateBuilderDeps): Promise<{ targets: TargetImages[]; resolved: ResolvedOrder }> {
  const planned = builderTargets(input.stack, input.lifecycle, input.spec.targets);
  const resolved = resolveOrder(input.spec.order, input.catalog);
  const early = [...(planned.ok ? [] : planned.issues), ...(resolved.ok ? [] : resolved.issues)];
  if (!planned.ok || !resolved.ok) throw new ValidationError(early);
  const several = planned.targets.length > 1;
  const prepared = await Promise.all(planned.targets.map((t) => prepareTarget({ input, resolved: resolved.value, several }, t, deps)));
  const issues = prepared.flatMap((p) => p.issues);
  if (issues.length > 0) throw new ValidationError(issues);
  return { targets: prepared.map((p) => p.images), resolved: resolved.value };
}

/** Maps each record the plan may ask for to the keychain of the resource that supplied it. */
function keychainLookup(resolved: ResolvedOrder, keychains: BuilderKeychains): (record: BuildpackRecord) => Keychain {
  const bySource = new Map(resolved.buildpacks.map((c) => [c.record, c.source] as const));
  return (record) => {
    const source = bySource.get(record) ?? resolved.buildpacks.find((c) => c.record.diffId === record.diffId)?.source;
    return source ? keychains.source(source) : keychains.builder;
  };
}

/**
 * Builds and pushes the builder; resolves to its record, whether anything was pushed, and the
 * resources its buildpacks came from. Throws ValidationError (tag, resolution or compatibility
 * problems, all listed; nothing is written then) or the image access's errors.
 */
export async function createBuilder(input: CreateBuilderInput, deps: CreateBuilderDeps): Promise<BuilderOutcome> {
  const io = { signal: deps.signal };
  const tag = resolveBuilderTag(input.spec.tag, input.builder);
  const runTag = runImageTag(tag);
  const repository = targetRepository(tag);
  const { keychains } = input;
  const { targets, resolved } = await prepareTargets(input, deps);
  const pushFailure = (error: unknown): Promise<never> => Promise.reject(new BuilderPushError(repository, error));
  // Only a valid builder leaves anything in the registry (D-d).
  const relocated = await relocateRunImages(targets, runTag, input, deps).catch(pushFailure);
  // One target names its own pinned run image; an index is named by the stack's run image as written (itself an index).
  const stackRunImage = targets.length === 1 && targets[0] ? targets[0].target.stack.runImage.latestImage : input.stack.runImage.image;
  const runImage = lifecycleRunImage({ relocated: relocated.result.identifier, stackRunImage });
  const built = await Promise.all(
    targets.map((t, i) => {
      // In an index each builder names its own platform's run image copy: the same builder a single-target build gives.
      const own =
        targets.length > 1 ? lifecycleRunImage({ relocated: relocated.members[i] ?? '', stackRunImage: t.target.stack.runImage.latestImage }) : runImage;
      return assembleTarget(input, t, own.image, deps);
    }),
  );
  const pushed = await pushBuilder(built, targets, tag, { ...deps, keychain: keychains.builder }).catch(pushFailure);
  const [first] = built;
  const plan = first?.plan as BuilderPlan;
  const image = first?.image as Image;
  const signed = await signBuilder(
    {
      builder: pushed.identifier,
      runImage: relocated.result.identifier,
      provenance: () =>
        builderProvenance({
          image: pushed.identifier,
          builder: input.builder,
          spec: input.resourceSpec ?? input.spec,
          stack: input.stack,
          lifecycle: input.lifecycle,
          buildpacks: resolved.buildpacks.map((c) => c.record),
          order: resolved.order,
        }),
      sbom: () => builderSbom({ image: pushed.identifier, buildpacks: resolved.buildpacks.map((c) => c.record) }),
      keys: input.signingKeys ?? [],
      keychain: keychains.builder,
    },
    { images: deps.images, ...io },
  );
  const { image: _image, platforms: _platforms, ...lifecycleStatus } = input.lifecycle;
  return {
    pushed: pushed.pushed,
    sources: resolved.sources,
    warnings: [runImage.warning, signed.warning].filter((w) => w !== undefined),
    record: {
      latestImage: pushed.identifier,
      builderMetadata: [...plan.builderMetadata],
      order: resolved.order,
      stack: { runImage: runImage.image, id: input.stack.id },
      lifecycle: lifecycleStatus,
      ...observedOf(input),
      os: (await image.configFile(io)).os,
      signaturePaths: signed.signaturePaths,
      ...(built.length > 1 ? { targets: await targetRecords(targets, built, tag) } : {}),
    },
  };
}

/** The generations the record copies, where the caller gave them. */
function observedOf(input: CreateBuilderInput): Pick<BuilderRecord, 'observedStackGeneration' | 'observedStoreGeneration'> {
  const { stackGeneration, storeGeneration } = input.observed ?? {};
  return {
    ...(stackGeneration === undefined ? {} : { observedStackGeneration: stackGeneration }),
    ...(storeGeneration === undefined ? {} : { observedStoreGeneration: storeGeneration }),
  };
}

/** Plans and assembles one target's builder image from its images, naming `runImage` as its run image. */
async function assembleTarget(
  input: CreateBuilderInput,
  t: TargetImages,
  runImage: string,
  deps: CreateBuilderDeps,
): Promise<{ plan: BuilderPlan; image: Image }> {
  const plan = planBuilder({
    stack: t.target.stack,
    lifecycle: input.lifecycle,
    resolved: t.resolved,
    runImage,
    additionalLabels: input.spec.additionalLabels,
    ...(input.spec.description === undefined ? {} : { description: input.spec.description }),
    ...(input.spec.runImageMirrors === undefined ? {} : { runImageMirrors: input.spec.runImageMirrors }),
    createdBy: deps.createdBy ?? { name: 'packsmith', version: packsmithVersion },
  });
  const keychainOf = keychainLookup(t.resolved, input.keychains);
  const image = await assembleBuilderImage(
    {
      buildImage: t.build.image,
      lifecycleImage: t.lifecycle.image,
      plan,
      buildpackLayer: (record) =>
        deps.images.lazyLayer({
          image: record.storeImage.image,
          digest: record.digest,
          diffId: record.diffId,
          size: record.size,
          keychain: keychainOf(record),
        }),
      ...(deps.generatedLayers ? { generatedLayers: deps.generatedLayers } : {}),
    },
    { signal: deps.signal },
  );
  return { plan, image };
}

/** Pushes the one builder image, or the index over every target's, with the timestamp tag. */
async function pushBuilder(
  built: readonly { image: Image }[],
  targets: readonly TargetImages[],
  tag: string,
  deps: CreateBuilderDeps & { keychain: Keychain },
): Promise<WriteResult> {
  const options = {
    keychain: deps.keychain,
    tags: [(deps.timestampTags ?? processTimestampTags).next(tag, new Date(deps.clock.now()))],
    onProgress: deps.onProgress,
    signal: deps.signal,
  };
  const [only] = built;
  if (built.length === 1 && only) return deps.images.writeImage(only.image, tag, options);
  return deps.images.writeIndex(await indexOf(built, targets, options), tag, options);
}

/** The index over the targets' images, in target order. */
function indexOf(built: readonly { image: Image }[], targets: readonly TargetImages[], io: IoOptions): ReturnType<typeof indexFromImages> {
  return indexFromImages(
    built.map((b, i) => ({ image: b.image, platform: toPlatform((targets[i] as TargetImages).target.target) })),
    io,
  );
}

/**
 * Copies the run image next to the builder tag: one image for one target (as kpack does), an index
 * over every target's run image otherwise. `members` are the per-target identifiers each builder names.
 */
async function relocateRunImages(
  targets: readonly TargetImages[],
  runTag: string,
  input: CreateBuilderInput,
  deps: CreateBuilderDeps,
): Promise<{ result: WriteResult; members: string[] }> {
  const options = { keychain: input.keychains.builder, onProgress: deps.onProgress, signal: deps.signal };
  const [only] = targets;
  if (targets.length === 1 && only) {
    const result = await deps.images.writeImage(only.run.image, runTag, options);
    return { result, members: [result.identifier] };
  }
  const index = await indexFromImages(
    targets.map((t) => ({ image: t.run.image, platform: toPlatform(t.target.target) })),
    { signal: deps.signal },
  );
  const result = await deps.images.writeIndex(index, runTag, options);
  const base = result.identifier.slice(0, result.identifier.lastIndexOf('@'));
  return { result, members: await Promise.all(targets.map(async (t) => `${base}@${await t.run.image.digest({ signal: deps.signal })}`)) };
}

/** status.targets: each target's platform and `<tag>@<digest>` of its builder image. */
async function targetRecords(
  targets: readonly TargetImages[],
  built: readonly { image: Image }[],
  tag: string,
): Promise<NonNullable<BuilderRecord['targets']>> {
  return Promise.all(
    targets.map(async (t, i) => {
      const { os, arch, variant } = t.target.target;
      return { os, arch, ...(variant ? { variant } : {}), latestImage: `${tag}@${await (built[i] as { image: Image }).image.digest()}` };
    }),
  );
}
