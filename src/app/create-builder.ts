/**
 * Creates a builder image (kpack's CreateBuilder, with packsmith's differences): resolve the order
 * against the catalog, check compatibility and report every problem at once (D-f), and only then
 * relocate the run image next to the builder tag (D-d), plan and assemble the builder from the
 * stored layers, and push it (nothing when the digest is unchanged; a timestamp tag when pushed).
 * Each image is read or written with the credentials kpack routes to it: stack images with the
 * stack keychain, the lifecycle with the lifecycle keychain, buildpack layers with the keychain of
 * the resource that supplied them, and the builder tag and run-image copy with the builder keychain.
 */
import type { BuildpackCatalog, BuildpackRecord, LifecycleRecord, OrderSpec, ResolvedOrder, SourceRef, StackRecord } from '../cnb/index.ts';
import { assembleBuilderImage, checkCompatibility, lifecyclePlatform, planBuilder, resolveOrder } from '../cnb/index.ts';
import { parseReference, type Image, type IoOptions, type Keychain } from '../oci/index.ts';
import { packsmithVersion, ValidationError } from '../shared/index.ts';
import type { BuilderOutcome } from './builder-record.ts';
import { BuilderPushError } from './errors.ts';
import { lifecycleRunImage } from './builder-run-image.ts';
import { processTimestampTags, resolveBuilderTag, runImageTag, type BuilderIdentity, type TimestampTags } from './builder-tag.ts';
import { builderProvenance } from './builder-provenance.ts';
import { builderSbom } from './builder-sbom.ts';
import { signBuilder, type NamedSigningKey } from './builder-signing.ts';
import type { Clock, ImageAccess, ProgressCallback } from './ports.ts';

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

/** The resolved order, or ValidationError with every resolution or compatibility problem. */
async function resolveAndCheck(input: CreateBuilderInput, lifecycleImage: Image, io: IoOptions): Promise<ResolvedOrder> {
  const resolved = resolveOrder(input.spec.order, input.catalog);
  if (!resolved.ok) throw new ValidationError(resolved.issues);
  const issues = checkCompatibility({
    stack: input.stack,
    lifecycle: input.lifecycle,
    buildpacks: resolved.value.buildpacks.map((c) => ({ ...c.record, suppliedBy: describeSource(c.source) })),
    lifecyclePlatform: await lifecyclePlatform(lifecycleImage, io),
  });
  if (issues.length > 0) throw new ValidationError(issues);
  return resolved.value;
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
  const [build, run, lifecycle] = await Promise.all([
    deps.images.readImage(input.stack.buildImage.latestImage, { keychain: keychains.stack, ...io }),
    deps.images.readImage(input.stack.runImage.latestImage, { keychain: keychains.stack, ...io }),
    deps.images.readImage(input.lifecycle.image.latestImage, { keychain: keychains.lifecycle, ...io }),
  ]);
  const resolved = await resolveAndCheck(input, lifecycle.image, io);
  // Only a valid builder leaves anything in the registry (D-d).
  const relocated = await deps.images
    .writeImage(run.image, runTag, { keychain: keychains.builder, onProgress: deps.onProgress, ...io })
    .catch((error: unknown) => Promise.reject(new BuilderPushError(repository, error)));
  const runImage = lifecycleRunImage({ relocated: relocated.identifier, stackRunImage: input.stack.runImage.latestImage });
  const plan = planBuilder({
    stack: input.stack,
    lifecycle: input.lifecycle,
    resolved,
    runImage: runImage.image,
    additionalLabels: input.spec.additionalLabels,
    ...(input.spec.description === undefined ? {} : { description: input.spec.description }),
    ...(input.spec.runImageMirrors === undefined ? {} : { runImageMirrors: input.spec.runImageMirrors }),
    createdBy: deps.createdBy ?? { name: 'packsmith', version: packsmithVersion },
  });
  const keychainOf = keychainLookup(resolved, keychains);
  const image = await assembleBuilderImage(
    {
      buildImage: build.image,
      lifecycleImage: lifecycle.image,
      plan,
      buildpackLayer: (record) =>
        deps.images.lazyLayer({
          image: record.storeImage.image,
          digest: record.digest,
          diffId: record.diffId,
          size: record.size,
          keychain: keychainOf(record),
        }),
    },
    io,
  );
  const pushed = await deps.images
    .writeImage(image, tag, {
      keychain: keychains.builder,
      tags: [(deps.timestampTags ?? processTimestampTags).next(tag, new Date(deps.clock.now()))],
      onProgress: deps.onProgress,
      ...io,
    })
    .catch((error: unknown) => Promise.reject(new BuilderPushError(repository, error)));
  const signed = await signBuilder(
    {
      builder: pushed.identifier,
      runImage: relocated.identifier,
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
  const { image: _image, ...lifecycleStatus } = input.lifecycle;
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
      ...(input.observed?.stackGeneration === undefined ? {} : { observedStackGeneration: input.observed.stackGeneration }),
      ...(input.observed?.storeGeneration === undefined ? {} : { observedStoreGeneration: input.observed.storeGeneration }),
      os: (await image.configFile(io)).os,
      signaturePaths: signed.signaturePaths,
    },
  };
}
