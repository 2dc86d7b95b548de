/**
 * kpack.io/v1alpha1 shapes: the legacy version, served but not stored. Only ClusterStore,
 * ClusterStack, Builder and ClusterBuilder exist in it; their status equals v1alpha2's less the
 * lifecycle and signature fields.
 */
import * as z from 'zod/mini';
import { builderTarget, imageSource, objectReference, orderEntry } from './common.ts';
import { updatePolicy } from './update-policy.ts';

// updatePolicy is packsmith's own field in both versions (kpack ignores it), so it needs no conversion.
export const clusterStoreSpecV1 = z.strictObject({ sources: z.optional(z.array(imageSource)), updatePolicy: z.optional(updatePolicy) });

export const clusterStackSpecV1 = z.strictObject({
  id: z.optional(z.string()),
  buildImage: z.optional(imageSource),
  runImage: z.optional(imageSource),
  updatePolicy: z.optional(updatePolicy),
});

const builderSpecFieldsV1 = {
  tag: z.optional(z.string()),
  stack: z.optional(objectReference),
  store: z.optional(objectReference),
  order: z.optional(z.array(orderEntry)),
  // packsmith's own, in both versions: the platforms to build for.
  targets: z.optional(z.array(builderTarget)),
};

export const builderSpecV1 = z.strictObject({ ...builderSpecFieldsV1, serviceAccount: z.optional(z.string()) });
export const clusterBuilderSpecV1 = z.strictObject({ ...builderSpecFieldsV1, serviceAccountRef: z.optional(objectReference) });

export type ClusterStoreSpecV1 = z.infer<typeof clusterStoreSpecV1>;
export type ClusterStackSpecV1 = z.infer<typeof clusterStackSpecV1>;
export type BuilderSpecV1 = z.infer<typeof builderSpecV1>;
export type ClusterBuilderSpecV1 = z.infer<typeof clusterBuilderSpecV1>;
