/**
 * Shapes shared by the kpack.io kinds (kpack's `core/v1alpha1` building blocks), as zod schemas.
 * Every field is optional here: these schemas describe what may appear, so that the API server can
 * prune and type-check; whether a field is required is decided by `validate.ts`, which reports every
 * problem with a message a user can act on.
 */
import { z } from 'zod';

/** A reference to another Kubernetes object (kind and name; namespace where it matters). */
export const objectReference = z.strictObject({
  apiVersion: z.string().optional(),
  kind: z.string().optional(),
  name: z.string().optional(),
  namespace: z.string().optional(),
  uid: z.string().optional(),
  resourceVersion: z.string().optional(),
  fieldPath: z.string().optional(),
});
export type ObjectReference = z.infer<typeof objectReference>;

/** `{ image }`: an image reference as written by the user. */
export const imageSource = z.strictObject({ image: z.string().optional() });
export type ImageSource = z.infer<typeof imageSource>;

/** A status condition; `lastTransitionTime` is ignored when comparing conditions. */
export const condition = z.strictObject({
  type: z.string(),
  status: z.string(),
  severity: z.string().optional(),
  lastTransitionTime: z.string().optional(),
  reason: z.string().optional(),
  message: z.string().optional(),
});
export type Condition = z.infer<typeof condition>;

/** The part of every status that says what was last observed. */
export const statusBase = {
  observedGeneration: z.number().int().optional(),
  conditions: z.array(condition).optional(),
};

/** A buildpack reference inside an order (`id`, optional `version` and `optional`). */
export const buildpackRef = z.strictObject({
  id: z.string().optional(),
  version: z.string().optional(),
  optional: z.boolean().optional(),
});

/** One group of an order made of plain buildpack references. */
export const orderEntry = z.strictObject({ group: z.array(buildpackRef).optional() });

/** A stack entry a buildpack supports. */
export const buildpackStack = z.strictObject({ id: z.string().optional(), mixins: z.array(z.string()).optional() });

/** A target entry a buildpack supports (kept by packsmith, dropped by kpack). */
export const buildpackTarget = z.strictObject({
  os: z.string().optional(),
  arch: z.string().optional(),
  variant: z.string().optional(),
  distros: z.array(z.strictObject({ name: z.string().optional(), version: z.string().optional() })).optional(),
});

/** A platform (os/arch/variant) in the records' spelling. */
export const platformTarget = { os: z.string().optional(), arch: z.string().optional(), variant: z.string().optional() };

/** packsmith: one platform a builder is made for (`spec.targets`); kpack's schema has no such field and its readers ignore it. */
export const builderTarget = z.strictObject(platformTarget);

/** One platform a buildpack is available for, with its layer when it differs from the buildpack's own. */
export const platformLayer = z.strictObject({
  ...platformTarget,
  diffId: z.string().optional(),
  digest: z.string().optional(),
  size: z.number().int().optional(),
  targets: z.array(buildpackTarget).optional(),
});

/** One buildpack listed in the status of a ClusterStore, Buildpack or ClusterBuildpack. */
export const buildpackStatus = z.strictObject({
  id: z.string().optional(),
  version: z.string().optional(),
  buildpackage: z.strictObject({ id: z.string().optional(), version: z.string().optional(), homepage: z.string().optional() }).optional(),
  storeImage: imageSource.optional(),
  diffId: z.string().optional(),
  digest: z.string().optional(),
  size: z.number().int().optional(),
  api: z.string().optional(),
  homepage: z.string().optional(),
  order: z.array(orderEntry).optional(),
  stacks: z.array(buildpackStack).optional(),
  targets: z.array(buildpackTarget).optional(),
  // packsmith's own (kpack's readers ignore it): the platforms an index source has the buildpack for, and their layers where they differ.
  platforms: z.array(platformLayer).optional(),
});

/** Deprecated and supported API versions of a lifecycle. */
export const apiVersions = z.strictObject({
  deprecated: z.array(z.string()).nullable().optional(),
  supported: z.array(z.string()).nullable().optional(),
});

/** What a ClusterLifecycle resolved to (also copied into builder status without `image`). */
export const resolvedLifecycle = {
  image: z.strictObject({ latestImage: z.string().optional(), image: z.string().optional() }).optional(),
  version: z.string().optional(),
  api: z.strictObject({ buildpack: z.string().optional(), platform: z.string().optional() }).optional(),
  apis: z.strictObject({ buildpack: apiVersions.optional(), platform: apiVersions.optional() }).optional(),
  // packsmith's own: each platform's image when the lifecycle image is an index.
  platforms: z.array(z.strictObject({ ...platformTarget, latestImage: z.string().optional() })).optional(),
};
