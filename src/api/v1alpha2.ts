/**
 * kpack.io/v1alpha2 spec and status shapes of the seven kinds (the storage version). Field names
 * and nesting are kpack's, so existing manifests and status readers keep working.
 */
import * as z from 'zod/mini';
import { builderTarget, buildpackStatus, imageSource, objectReference, orderEntry, platformTarget, resolvedLifecycle, statusBase } from './common.ts';
import { updatePolicy, updateStatusFields } from './update-policy.ts';

const resolvedImage = z.strictObject({ latestImage: z.optional(z.string()), image: z.optional(z.string()) });

/** ClusterStore: buildpackage (or builder) images whose buildpacks builders may use. */
export const clusterStoreSpec = z.strictObject({
  sources: z.optional(z.array(imageSource)),
  serviceAccountRef: z.optional(objectReference),
  updatePolicy: z.optional(updatePolicy),
});
/**
 * packsmith's compact form of a large store status (kpack#964; kpack ignores the field): then each
 * entry of `buildpacks` holds only id, version and storeImage, and builders read the rest from these
 * sources, pinned by digest.
 */
const compactedBuildpacks = z.strictObject({
  reason: z.optional(z.string()),
  sources: z.optional(z.array(z.strictObject({ image: z.optional(z.string()), latestImage: z.optional(z.string()) }))),
});
/**
 * `canary`: packsmith's own field, present while a canary update policy holds updates: what the
 * resource resolves to with the pending digests, which only the canary builder reads.
 */
export const storeStatus = z.strictObject({
  ...statusBase,
  buildpacks: z.optional(z.array(buildpackStatus)),
  compacted: z.optional(compactedBuildpacks),
  ...updateStatusFields,
  canary: z.optional(z.strictObject({ buildpacks: z.optional(z.array(buildpackStatus)), compacted: z.optional(compactedBuildpacks) })),
});

/** Buildpack (namespaced): one buildpackage image. */
export const buildpackSpec = z.strictObject({
  image: z.optional(z.string()),
  serviceAccountName: z.optional(z.string()),
  updatePolicy: z.optional(updatePolicy),
});

/** ClusterBuildpack: one buildpackage image, cluster wide. */
export const clusterBuildpackSpec = z.strictObject({
  image: z.optional(z.string()),
  serviceAccountRef: z.optional(objectReference),
  updatePolicy: z.optional(updatePolicy),
});

const stackTarget = z.object({
  ...platformTarget,
  distro: z.optional(z.strictObject({ name: z.optional(z.string()), version: z.optional(z.string()) })),
});

/** ClusterStack: a build image and a run image sharing a stack id. */
export const clusterStackSpec = z.strictObject({
  id: z.optional(z.string()),
  buildImage: z.optional(imageSource),
  runImage: z.optional(imageSource),
  serviceAccountRef: z.optional(objectReference),
  updatePolicy: z.optional(updatePolicy),
});
const resolvedStackFields = {
  id: z.optional(z.string()),
  buildImage: z.optional(resolvedImage),
  runImage: z.optional(resolvedImage),
  mixins: z.optional(z.array(z.string())),
  userId: z.optional(z.int()),
  groupId: z.optional(z.int()),
  target: z.optional(stackTarget),
  // packsmith's own: every platform both images provide, each pair pinned by that platform's digests.
  platforms: z.optional(z.array(z.strictObject({ target: z.optional(stackTarget), buildImage: z.optional(z.string()), runImage: z.optional(z.string()) }))),
};
export const clusterStackStatus = z.strictObject({
  ...statusBase,
  ...resolvedStackFields,
  ...updateStatusFields,
  canary: z.optional(z.strictObject(resolvedStackFields)),
});

/** ClusterLifecycle: a lifecycle image. */
export const clusterLifecycleSpec = z.strictObject({
  image: z.optional(z.string()),
  serviceAccountRef: z.optional(objectReference),
  updatePolicy: z.optional(updatePolicy),
});
export const clusterLifecycleStatus = z.strictObject({
  ...statusBase,
  ...resolvedLifecycle,
  ...updateStatusFields,
  canary: z.optional(z.strictObject(resolvedLifecycle)),
});

/** A reference in a builder's order: a buildpack id (and version) and/or a Buildpack/ClusterBuildpack object. */
export const builderBuildpackRef = z.extend(objectReference, {
  id: z.optional(z.string()),
  version: z.optional(z.string()),
  optional: z.optional(z.boolean()),
  image: z.optional(z.string()),
});
export type BuilderBuildpackRef = z.infer<typeof builderBuildpackRef>;

const builderSpecFields = {
  tag: z.optional(z.string()),
  stack: z.optional(objectReference),
  store: z.optional(objectReference),
  lifecycle: z.optional(objectReference),
  order: z.optional(z.array(z.strictObject({ group: z.optional(z.array(builderBuildpackRef)) }))),
  additionalLabels: z.optional(z.record(z.string(), z.string())),
  // packsmith's own: the platforms to build for (default: every platform the stack's images both provide).
  targets: z.optional(z.array(builderTarget)),
};

/** Builder (namespaced). `serviceAccount` is kpack's legacy alias of `serviceAccountName`. */
export const builderSpec = z.strictObject({
  ...builderSpecFields,
  serviceAccountName: z.optional(z.string()),
  serviceAccount: z.optional(z.string()),
});

/** ClusterBuilder: credentials come from `serviceAccountRef`. */
export const clusterBuilderSpec = z.strictObject({ ...builderSpecFields, serviceAccountRef: z.optional(objectReference) });

/** Status shared by Builder and ClusterBuilder. */
export const builderStatus = z.strictObject({
  ...statusBase,
  builderMetadata: z.optional(z.array(z.strictObject({ id: z.string(), version: z.string(), homepage: z.optional(z.string()) }))),
  order: z.optional(z.array(orderEntry)),
  stack: z.optional(z.strictObject({ runImage: z.optional(z.string()), id: z.optional(z.string()) })),
  lifecycle: z.optional(z.strictObject(resolvedLifecycle)),
  latestImage: z.optional(z.string()),
  observedStackGeneration: z.optional(z.int()),
  observedStoreGeneration: z.optional(z.int()),
  os: z.optional(z.string()),
  // packsmith's own: for a builder index, each target's image (`latestImage` then names the index).
  targets: z.optional(z.array(z.strictObject({ ...platformTarget, latestImage: z.optional(z.string()) }))),
  signaturePaths: z.optional(
    z.array(
      z.strictObject({
        signingSecret: z.optional(z.string()),
        targetDigest: z.optional(z.string()),
        // packsmith's own fields (kpack's readers ignore them): the signed image and its provenance attestation.
        signedImage: z.optional(z.string()),
        attestation: z.optional(z.string()),
      }),
    ),
  ),
  /** packsmith's own: the held updates (canary rollout) this builder was last built with. */
  canaryUpdates: z.optional(z.array(z.strictObject({ kind: z.string(), name: z.string(), image: z.string(), digest: z.string() }))),
});

export type ClusterStoreSpec = z.infer<typeof clusterStoreSpec>;
export type BuildpackSpec = z.infer<typeof buildpackSpec>;
export type ClusterBuildpackSpec = z.infer<typeof clusterBuildpackSpec>;
export type ClusterStackSpec = z.infer<typeof clusterStackSpec>;
export type ClusterLifecycleSpec = z.infer<typeof clusterLifecycleSpec>;
export type BuilderSpec = z.infer<typeof builderSpec>;
export type ClusterBuilderSpec = z.infer<typeof clusterBuilderSpec>;
export type StoreStatus = z.infer<typeof storeStatus>;
export type ClusterStackStatus = z.infer<typeof clusterStackStatus>;
export type ClusterLifecycleStatus = z.infer<typeof clusterLifecycleStatus>;
export type BuilderStatus = z.infer<typeof builderStatus>;
