/**
 * Typed reads of the objects the CLI gets from the API server. The server checks spec and status
 * against the CRD schemas, which are api's v1alpha2 schemas, so the CLI reads them with those
 * schemas instead of asserting their shape; a field that does not fit reads as absent.
 */
import * as z from 'zod/mini';
import { builderSpec, builderStatus, statusBase, storeStatus, type BuilderStatus, type StoreStatus } from '../../api/index.ts';
import { isJsonObject, type JsonObject } from '../../shared/index.ts';
import type { KubeObject } from './port.ts';

/** `value` as `schema` types it, or undefined when it does not fit (or is absent). */
export function readAs<T>(schema: z.ZodMiniType<T>, value: unknown): T | undefined {
  const parsed = schema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

/** An object's spec as it is (unknown fields kept, for patches), `{}` when it has none. */
export function specFields(object: KubeObject): JsonObject {
  return isJsonObject(object.spec) ? object.spec : {};
}

/** The fields every kpack status has, read loosely: the kind's other status fields are ignored. */
const statusCommon = z.object(statusBase);

/** `status.observedGeneration` and `status.conditions` of any kpack object. */
export function commonStatus(object: KubeObject): z.infer<typeof statusCommon> | undefined {
  return readAs(statusCommon, object.status);
}

/** The fields a Builder and a ClusterBuilder spec share that the CLI shows: the references and the order. */
const builderRefs = z.object({ stack: builderSpec.shape.stack, store: builderSpec.shape.store, order: builderSpec.shape.order });
export type BuilderRefs = z.infer<typeof builderRefs>;

/** A Builder's or ClusterBuilder's references; `{}` when it has none. */
export function builderRefsOf(object: KubeObject): BuilderRefs {
  return readAs(builderRefs, object.spec) ?? {};
}

/** A Builder's or ClusterBuilder's status; `{}` when it has none yet. */
export function builderStatusOf(object: KubeObject): BuilderStatus {
  return readAs(builderStatus, object.status) ?? {};
}

/** The status of a ClusterStore, Buildpack or ClusterBuildpack; `{}` when it has none yet. */
export function storeStatusOf(object: KubeObject): StoreStatus {
  return readAs(storeStatus, object.status) ?? {};
}

/** A ClusterStore's sources, each kept whole (other fields included) since a patch writes the list back. */
const storeSources = z.object({ sources: z.optional(z.array(z.looseObject({ image: z.optional(z.string()) }))) });

/** The `spec.sources` of a ClusterStore; none when it has none. */
export function storeSourcesOf(object: KubeObject): ReadonlyArray<{ image?: string | undefined }> {
  return readAs(storeSources, object.spec)?.sources ?? [];
}
