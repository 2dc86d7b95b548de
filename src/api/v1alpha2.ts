/**
 * kpack.io/v1alpha2 spec and status shapes of the seven kinds (the storage version). Field names
 * and nesting are kpack's, so existing manifests and status readers keep working.
 */
import { z } from 'zod';
import { builderTarget, buildpackStatus, imageSource, objectReference, orderEntry, platformTarget, resolvedLifecycle, statusBase } from './common.ts';
import { updatePolicy, updateStatusFields } from './update-policy.ts';

const resolvedImage = z.strictObject({ latestImage: z.string().optional(), image: z.string().optional() });

/** ClusterStore: buildpackage (or builder) images whose buildpacks builders may use. */
export const clusterStoreSpec = z.strictObject({
  sources: z.array(imageSource).optional(),
  serviceAccountRef: objectReference.optional(),
  updatePolicy: updatePolicy.optional(),
});
/**
 * packsmith's compact form of a large store status (kpack#964; kpack ignores the field): then each
 * entry of `buildpacks` holds only id, version and storeImage, and builders read the rest from these
 * sources, pinned by digest.
 */
const compactedBuildpacks = z.strictObject({
  reason: z.string().optional(),
  sources: z.array(z.strictObject({ image: z.string().optional(), latestImage: z.string().optional() })).optional(),
});
/**
 * `canary`: packsmith's own field, present while a canary update policy holds updates: what the
 * resource resolves to with the pending digests, which only the canary builder reads.
 */
export const storeStatus = z.strictObject({
  ...statusBase,
  buildpacks: z.array(buildpackStatus).optional(),
  compacted: compactedBuildpacks.optional(),
  ...updateStatusFields,
  canary: z.strictObject({ buildpacks: z.array(buildpackStatus).optional(), compacted: compactedBuildpacks.optional() }).optional(),
});

/** Buildpack (namespaced): one buildpackage image. */
export const buildpackSpec = z.strictObject({
  image: z.string().optional(),
  serviceAccountName: z.string().optional(),
  updatePolicy: updatePolicy.optional(),
});

/** ClusterBuildpack: one buildpackage image, cluster wide. */
export const clusterBuildpackSpec = z.strictObject({
  image: z.string().optional(),
  serviceAccountRef: objectReference.optional(),
  updatePolicy: updatePolicy.optional(),
});

const stackTarget = z.object({
  ...platformTarget,
  distro: z.strictObject({ name: z.string().optional(), version: z.string().optional() }).optional(),
});

/** ClusterStack: a build image and a run image sharing a stack id. */
export const clusterStackSpec = z.strictObject({
  id: z.string().optional(),
  buildImage: imageSource.optional(),
  runImage: imageSource.optional(),
  serviceAccountRef: objectReference.optional(),
  updatePolicy: updatePolicy.optional(),
});
const resolvedStackFields = {
  id: z.string().optional(),
  buildImage: resolvedImage.optional(),
  runImage: resolvedImage.optional(),
  mixins: z.array(z.string()).optional(),
  userId: z.number().int().optional(),
  groupId: z.number().int().optional(),
  target: stackTarget.optional(),
  // packsmith's own: every platform both images provide, each pair pinned by that platform's digests.
  platforms: z.array(z.strictObject({ target: stackTarget.optional(), buildImage: z.string().optional(), runImage: z.string().optional() })).optional(),
};
export const clusterStackStatus = z.strictObject({
  ...statusBase,
  ...resolvedStackFields,
  ...updateStatusFields,
  canary: z.strictObject(resolvedStackFields).optional(),
});

/** ClusterLifecycle: a lifecycle image. */
export const clusterLifecycleSpec = z.strictObject({
  image: z.string().optional(),
  serviceAccountRef: objectReference.optional(),
  updatePolicy: updatePolicy.optional(),
});
export const clusterLifecycleStatus = z.strictObject({
  ...statusBase,
  ...resolvedLifecycle,
  ...updateStatusFields,
  canary: z.strictObject(resolvedLifecycle).optional(),
});

/** A reference in a builder's order: a buildpack id (and version) and/or a Buildpack/ClusterBuildpack object. */
export const builderBuildpackRef = objectReference.extend({
  id: z.string().optional(),
  version: z.string().optional(),
  optional: z.boolean().optional(),
  image: z.string().optional(),
});
export type BuilderBuildpackRef = z.infer<typeof builderBuildpackRef>;

const builderSpecFields = {
  tag: z.string().optional(),
  stack: objectReference.optional(),
  store: objectReference.optional(),
  lifecycle: objectReference.optional(),
  order: z.array(z.strictObject({ group: z.array(builderBuildpackRef).optional() })).optional(),
  additionalLabels: z.record(z.string(), z.string()).optional(),
  // packsmith's own: the platforms to build for (default: every platform the stack's images both provide).
  targets: z.array(builderTarget).optional(),
};

/** Builder (namespaced). `serviceAccount` is kpack's legacy alias of `serviceAccountName`. */
export const builderSpec = z.strictObject({
  ...builderSpecFields,
  serviceAccountName: z.string().optional(),
  serviceAccount: z.string().optional(),
});

/** ClusterBuilder: credentials come from `serviceAccountRef`. */
export const clusterBuilderSpec = z.strictObject({ ...builderSpecFields, serviceAccountRef: objectReference.optional() });

/** Status shared by Builder and ClusterBuilder. */
export const builderStatus = z.strictObject({
  ...statusBase,
  builderMetadata: z.array(z.strictObject({ id: z.string(), version: z.string(), homepage: z.string().optional() })).optional(),
  order: z.array(orderEntry).optional(),
  stack: z.strictObject({ runImage: z.string().optional(), id: z.string().optional() }).optional(),
  lifecycle: z.strictObject(resolvedLifecycle).optional(),
  latestImage: z.string().optional(),
  observedStackGeneration: z.number().int().optional(),
  observedStoreGeneration: z.number().int().optional(),
  os: z.string().optional(),
  // packsmith's own: for a builder index, each target's image (`latestImage` then names the index).
  targets: z.array(z.strictObject({ ...platformTarget, latestImage: z.string().optional() })).optional(),
  signaturePaths: z
    .array(
      z.strictObject({
        signingSecret: z.string().optional(),
        targetDigest: z.string().optional(),
        // packsmith's own fields (kpack's readers ignore them): the signed image and its provenance attestation.
        signedImage: z.string().optional(),
        attestation: z.string().optional(),
      }),
    )
    .optional(),
  /** packsmith's own: the held updates (canary rollout) this builder was last built with. */
  canaryUpdates: z.array(z.strictObject({ kind: z.string(), name: z.string(), image: z.string(), digest: z.string() })).optional(),
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
