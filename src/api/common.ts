/**
 * Shapes shared by the kpack.io kinds (kpack's `core/v1alpha1` building blocks), as zod schemas.
 * Every field is optional here: these schemas describe what may appear, so that the API server can
 * prune and type-check; whether a field is required is decided by `validate.ts`, which reports every
 * problem with a message a user can act on.
 */
import * as z from 'zod/mini';

/** A reference to another Kubernetes object (kind and name; namespace where it matters). */
export const objectReference = z.strictObject({
  apiVersion: z.optional(z.string()),
  kind: z.optional(z.string()),
  name: z.optional(z.string()),
  namespace: z.optional(z.string()),
  uid: z.optional(z.string()),
  resourceVersion: z.optional(z.string()),
  fieldPath: z.optional(z.string()),
});
export type ObjectReference = z.infer<typeof objectReference>;

/** `{ image }`: an image reference as written by the user. */
export const imageSource = z.strictObject({ image: z.optional(z.string()) });
export type ImageSource = z.infer<typeof imageSource>;

/** A status condition; `lastTransitionTime` is ignored when comparing conditions. */
export const condition = z.strictObject({
  type: z.string(),
  status: z.string(),
  severity: z.optional(z.string()),
  lastTransitionTime: z.optional(z.string()),
  reason: z.optional(z.string()),
  message: z.optional(z.string()),
});
export type Condition = z.infer<typeof condition>;

/** The part of every status that says what was last observed. */
export const statusBase = {
  observedGeneration: z.optional(z.int()),
  conditions: z.optional(z.array(condition)),
};

/** A buildpack reference inside an order (`id`, optional `version` and `optional`). */
export const buildpackRef = z.strictObject({
  id: z.optional(z.string()),
  version: z.optional(z.string()),
  optional: z.optional(z.boolean()),
});

/** One group of an order made of plain buildpack references. */
export const orderEntry = z.strictObject({ group: z.optional(z.array(buildpackRef)) });

/** A stack entry a buildpack supports. */
export const buildpackStack = z.strictObject({ id: z.optional(z.string()), mixins: z.optional(z.array(z.string())) });

/** A target entry a buildpack supports (kept by packsmith, dropped by kpack). */
export const buildpackTarget = z.strictObject({
  os: z.optional(z.string()),
  arch: z.optional(z.string()),
  variant: z.optional(z.string()),
  distros: z.optional(z.array(z.strictObject({ name: z.optional(z.string()), version: z.optional(z.string()) }))),
});

/** A platform (os/arch/variant) in the records' spelling. */
export const platformTarget = { os: z.optional(z.string()), arch: z.optional(z.string()), variant: z.optional(z.string()) };

/** packsmith: one platform a builder is made for (`spec.targets`); kpack's schema has no such field and its readers ignore it. */
export const builderTarget = z.strictObject(platformTarget);

/** One platform a buildpack is available for, with its layer when it differs from the buildpack's own. */
export const platformLayer = z.strictObject({
  ...platformTarget,
  diffId: z.optional(z.string()),
  digest: z.optional(z.string()),
  size: z.optional(z.int()),
  targets: z.optional(z.array(buildpackTarget)),
});

/** One buildpack listed in the status of a ClusterStore, Buildpack or ClusterBuildpack. */
export const buildpackStatus = z.strictObject({
  id: z.optional(z.string()),
  version: z.optional(z.string()),
  buildpackage: z.optional(z.strictObject({ id: z.optional(z.string()), version: z.optional(z.string()), homepage: z.optional(z.string()) })),
  storeImage: z.optional(imageSource),
  diffId: z.optional(z.string()),
  digest: z.optional(z.string()),
  size: z.optional(z.int()),
  api: z.optional(z.string()),
  homepage: z.optional(z.string()),
  order: z.optional(z.array(orderEntry)),
  stacks: z.optional(z.array(buildpackStack)),
  targets: z.optional(z.array(buildpackTarget)),
  // packsmith's own (kpack's readers ignore it): the platforms an index source has the buildpack for, and their layers where they differ.
  platforms: z.optional(z.array(platformLayer)),
});

/** Deprecated and supported API versions of a lifecycle. */
export const apiVersions = z.strictObject({
  deprecated: z.optional(z.nullable(z.array(z.string()))),
  supported: z.optional(z.nullable(z.array(z.string()))),
});

/** What a ClusterLifecycle resolved to (also copied into builder status without `image`). */
export const resolvedLifecycle = {
  image: z.optional(z.strictObject({ latestImage: z.optional(z.string()), image: z.optional(z.string()) })),
  version: z.optional(z.string()),
  api: z.optional(z.strictObject({ buildpack: z.optional(z.string()), platform: z.optional(z.string()) })),
  apis: z.optional(z.strictObject({ buildpack: z.optional(apiVersions), platform: z.optional(apiVersions) })),
  // packsmith's own: each platform's image when the lifecycle image is an index.
  platforms: z.optional(z.array(z.strictObject({ ...platformTarget, latestImage: z.optional(z.string()) }))),
};
