/**
 * Conversion between kpack.io/v1alpha1 and v1alpha2, lossless in a round trip: what v1alpha1 cannot
 * express (service account references of stores and stacks, a builder's lifecycle, additional labels,
 * service account name and order references by object) travels in an annotation and is restored on
 * the way back. Status has the same shape in both versions here and passes unchanged.
 */
import { isArray, isJsonObject, type JsonObject } from '../shared/index.ts';
import type { KubeObject } from './resource.ts';

/** Annotation holding the v1alpha2-only fields of an object served as v1alpha1. */
export const conversionAnnotation = 'packsmith.kpack.io/v1alpha2-fields';

type Spec = JsonObject;
type Order = Array<{ group: JsonObject[] }>;

const extraFields: Record<string, readonly string[]> = {
  ClusterStore: ['serviceAccountRef'],
  ClusterStack: ['serviceAccountRef'],
  Builder: ['lifecycle', 'additionalLabels', 'serviceAccountName', 'order'],
  ClusterBuilder: ['lifecycle', 'additionalLabels', 'order'],
};

/** The order as v1alpha1 sees it: references with an id, reduced to id, version and optional. */
function orderV1(order: unknown): Order | undefined {
  if (!isArray(order)) return undefined;
  return order.map((entry) => ({
    group: (isJsonObject(entry) && isArray(entry.group) ? entry.group : [])
      .filter(isJsonObject)
      .filter((ref) => ref.id)
      .map((ref) => ({ id: ref.id, ...(ref.version ? { version: ref.version } : {}), ...(ref.optional ? { optional: true } : {}) })),
  }));
}

const specOf = (resource: KubeObject): Spec => (isJsonObject(resource.spec) ? resource.spec : {});

function toV1Spec(kind: string, spec: Spec): Spec {
  const out: Spec = { ...spec };
  for (const field of extraFields[kind] ?? []) delete out[field];
  if (kind === 'Builder') {
    const serviceAccount = spec.serviceAccountName || spec.serviceAccount;
    if (serviceAccount) out.serviceAccount = serviceAccount;
  }
  if (spec.order !== undefined && (kind === 'Builder' || kind === 'ClusterBuilder')) out.order = orderV1(spec.order);
  return out;
}

function withoutAnnotation(metadata: KubeObject['metadata']): KubeObject['metadata'] {
  const { annotations: current, ...rest } = metadata;
  const annotations = { ...(current ?? {}) };
  delete annotations[conversionAnnotation];
  return Object.keys(annotations).length === 0 ? rest : { ...rest, annotations };
}

function toV1(resource: KubeObject): KubeObject {
  const kind = resource.kind ?? '';
  const spec = specOf(resource);
  const saved = Object.fromEntries((extraFields[kind] ?? []).filter((f) => spec[f] !== undefined).map((f) => [f, spec[f]]));
  const metadata = withoutAnnotation(resource.metadata);
  if (Object.keys(saved).length > 0) metadata.annotations = { ...metadata.annotations, [conversionAnnotation]: JSON.stringify(saved) };
  return { ...resource, apiVersion: 'kpack.io/v1alpha1', metadata, spec: toV1Spec(kind, spec) };
}

function readSaved(resource: KubeObject): Spec {
  const text = resource.metadata.annotations?.[conversionAnnotation];
  if (!text) return {};
  try {
    const parsed: unknown = JSON.parse(text);
    return isJsonObject(parsed) ? parsed : {};
  } catch {
    return {};
  }
}

function toV2(resource: KubeObject): KubeObject {
  const spec: Spec = { ...specOf(resource) };
  const saved = readSaved(resource);
  // A saved order wins only while the v1alpha1 order is still what it was when the annotation was written.
  const orderUnchanged = JSON.stringify(orderV1(saved.order)) === JSON.stringify(spec.order);
  for (const [field, value] of Object.entries(saved)) {
    if (field !== 'order' || orderUnchanged) spec[field] = value;
  }
  if (resource.kind === 'Builder' && spec.serviceAccount !== undefined && !('serviceAccountName' in saved)) {
    spec.serviceAccountName = spec.serviceAccount;
    delete spec.serviceAccount;
  } else if (resource.kind === 'Builder' && 'serviceAccountName' in saved) delete spec.serviceAccount;
  return { ...resource, apiVersion: 'kpack.io/v1alpha2', metadata: withoutAnnotation(resource.metadata), spec };
}

/** Converts `resource` to `targetVersion` (`kpack.io/v1alpha1` or `kpack.io/v1alpha2`); same version → unchanged. */
export function convertResource(resource: KubeObject, targetVersion: string): KubeObject {
  if (resource.apiVersion === targetVersion) return resource;
  if (targetVersion === 'kpack.io/v1alpha1') return toV1(resource);
  if (targetVersion === 'kpack.io/v1alpha2') return toV2(resource);
  throw new RangeError(`cannot convert to ${targetVersion}: packsmith serves kpack.io/v1alpha1 and kpack.io/v1alpha2`);
}
