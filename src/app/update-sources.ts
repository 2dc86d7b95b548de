/**
 * Which images an update policy follows on each kind that resolves images, and the references a
 * reconcile reads instead of the moving tags: `<repository>@<digest>` of each image the update
 * poller recorded in `status.resolvedImages`, so a tag that moves between two reads cannot change
 * what a resource resolves to (kpack#641's rebuild loop) until the poller records the move.
 */
import { rolloutOf, type PendingUpdate, type ResolvedImage, type Resource, type UpdatePolicy } from '../api/index.ts';
import { parseReference, repositoryOf } from '../oci/index.ts';

/** The kinds an update policy may sit on. */
export type PolicyKind = 'ClusterStore' | 'Buildpack' | 'ClusterBuildpack' | 'ClusterStack' | 'ClusterLifecycle';

/** The kinds an update policy may sit on, in the controller's order. */
export const policyKinds: readonly PolicyKind[] = ['ClusterStore', 'Buildpack', 'ClusterBuildpack', 'ClusterStack', 'ClusterLifecycle'];

/** A resource of a policy kind. */
export type PolicyResource = { [K in PolicyKind]: Resource<K> }[PolicyKind];

/** The update fields of a status, with lists always present. */
export interface UpdateState {
  resolvedImages: ResolvedImage[];
  pendingUpdates: PendingUpdate[];
  lastApproval?: string;
}

/** The images `resource` names (as written, empty ones left out, each once), in spec order. */
export function followedImages(resource: PolicyResource): string[] {
  const images =
    resource.kind === 'ClusterStore'
      ? (resource.spec.sources ?? []).map((s) => s.image)
      : resource.kind === 'ClusterStack'
        ? [resource.spec.buildImage?.image, resource.spec.runImage?.image]
        : [resource.spec.image];
  return [...new Set(images.filter((i): i is string => typeof i === 'string' && i !== ''))];
}

/** The resource's update policy, or undefined when it has none. */
export function updatePolicyOf(resource: PolicyResource): UpdatePolicy | undefined {
  return resource.spec.updatePolicy;
}

/** The update fields of `status` (empty lists when it has none). */
export function updateStateOf(status: { resolvedImages?: ResolvedImage[]; pendingUpdates?: PendingUpdate[]; lastApproval?: string } | undefined): UpdateState {
  return {
    resolvedImages: status?.resolvedImages ?? [],
    pendingUpdates: status?.pendingUpdates ?? [],
    ...(status?.lastApproval ? { lastApproval: status.lastApproval } : {}),
  };
}

/** The state as status fields: empty lists left out, so a resource without updates shows none. */
export function updateStatusFieldsOf(state: UpdateState): Record<string, unknown> {
  return {
    ...(state.resolvedImages.length > 0 ? { resolvedImages: state.resolvedImages } : {}),
    ...(state.pendingUpdates.length > 0 ? { pendingUpdates: state.pendingUpdates } : {}),
    ...(state.lastApproval ? { lastApproval: state.lastApproval } : {}),
  };
}

/** `<repository>@<digest>` for a spec image and a digest (the tag dropped: the digest is what is read). */
export function pinnedReference(image: string, digest: string): string {
  return `${repositoryOf(parseReference(image))}@${digest}`;
}

/** The registry host of an image reference (the unit the poller backs off by). */
export function registryOf(image: string): string {
  return parseReference(image).registry;
}

/** For each followed image with a recorded digest, the reference to read instead. */
export function pinsOf(state: UpdateState, images: readonly string[]): Map<string, string> {
  const pins = new Map<string, string>();
  for (const entry of state.resolvedImages) {
    if (entry.image && entry.digest && images.includes(entry.image)) pins.set(entry.image, pinnedReference(entry.image, entry.digest));
  }
  return pins;
}

/** Names a builder. */
export interface BuilderName {
  kind: 'Builder' | 'ClusterBuilder';
  name: string;
  namespace?: string;
}

/** True when `resource`'s canary policy names `builder` as its canary. */
export function isCanaryOf(resource: PolicyResource, builder: BuilderName): boolean {
  const policy = updatePolicyOf(resource);
  const canary = policy?.canary;
  if (!policy || rolloutOf(policy) !== 'canary' || !canary) return false;
  const sameNamespace = builder.kind === 'ClusterBuilder' || (canary.namespace ?? '') === (builder.namespace ?? '');
  return canary.kind === builder.kind && canary.name === builder.name && sameNamespace;
}

/** The references the canary reads: the recorded digests, with each pending update's digest instead where one is held. */
export function canaryPinsOf(state: UpdateState, images: readonly string[]): Map<string, string> {
  const pins = pinsOf(state, images);
  for (const pending of state.pendingUpdates) {
    if (pending.image && pending.to && images.includes(pending.image)) pins.set(pending.image, pinnedReference(pending.image, pending.to));
  }
  return pins;
}
