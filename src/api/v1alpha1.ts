/**
 * kpack.io/v1alpha1 shapes: the legacy version, served but not stored. Only ClusterStore,
 * ClusterStack, Builder and ClusterBuilder exist in it; their status equals v1alpha2's less the
 * lifecycle and signature fields.
 */
import { z } from 'zod';
import { builderTarget, imageSource, objectReference, orderEntry } from './common.ts';
import { updatePolicy } from './update-policy.ts';

// updatePolicy is packsmith's own field in both versions (kpack ignores it), so it needs no conversion.
export const clusterStoreSpecV1 = z.strictObject({ sources: z.array(imageSource).optional(), updatePolicy: updatePolicy.optional() });

export const clusterStackSpecV1 = z.strictObject({
  id: z.string().optional(),
  buildImage: imageSource.optional(),
  runImage: imageSource.optional(),
  updatePolicy: updatePolicy.optional(),
});

const builderSpecFieldsV1 = {
  tag: z.string().optional(),
  stack: objectReference.optional(),
  store: objectReference.optional(),
  order: z.array(orderEntry).optional(),
  // packsmith's own, in both versions: the platforms to build for.
  targets: z.array(builderTarget).optional(),
};

export const builderSpecV1 = z.strictObject({ ...builderSpecFieldsV1, serviceAccount: z.string().optional() });
export const clusterBuilderSpecV1 = z.strictObject({ ...builderSpecFieldsV1, serviceAccountRef: objectReference.optional() });

export type ClusterStoreSpecV1 = z.infer<typeof clusterStoreSpecV1>;
export type ClusterStackSpecV1 = z.infer<typeof clusterStackSpecV1>;
export type BuilderSpecV1 = z.infer<typeof builderSpecV1>;
export type ClusterBuilderSpecV1 = z.infer<typeof clusterBuilderSpecV1>;
