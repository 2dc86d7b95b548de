/**
 * The reconcile's side of an update policy: the references to read (the digests the poller
 * recorded, with any approval the annotation gives applied first), the update fields of the status
 * it writes (rebased on the server's current status, since the poller writes them too), and the
 * Events and metrics of the updates an approval applied.
 */
import { approveUpdateAnnotation, isInvalid, rolloutOf, type ParsedResource } from '../api/index.ts';
import {
  applyApproval,
  canaryPinsOf,
  followedImages,
  pinsOf,
  updateEventMessage,
  updatePolicyOf,
  updateStateOf,
  updateStatusFieldsOf,
  type LocalStatus,
  type PolicyKind,
  type PolicyResource,
  type UpdateEvent,
} from '../app/index.ts';
import type { ObjectOfRecord, ReconcilerDeps } from './ports.ts';
import type { AnyStatus } from './status.ts';

/** What a reconcile takes from the update policy. */
export interface FollowedUpdates {
  /** Spec image → the reference to read instead. */
  pins: ReadonlyMap<string, string>;
  /** With a canary policy holding updates: the references the canary's view (`status.canary`) is read from. */
  canaryPins?: ReadonlyMap<string, string>;
  /** Updates an approval applies in this reconcile (announced once the status is written). */
  events: UpdateEvent[];
  /** The status to write: `next` with the update fields of `current` (after the approval), or without any when there is no policy. */
  status(next: LocalStatus, current: AnyStatus): LocalStatus;
}

// `canary` is the reconcile's own (it reads it), but it goes with the policy: no policy, no canary.
const withoutUpdateFields = (status: LocalStatus): LocalStatus => {
  const { resolvedImages: _r, pendingUpdates: _p, lastApproval: _l, ...rest } = status;
  return rest;
};

const withoutCanary = (status: LocalStatus): LocalStatus => {
  const { canary: _c, ...rest } = status;
  return rest;
};

const keepCurrent = (next: LocalStatus, current: AnyStatus): LocalStatus => {
  const { resolvedImages, pendingUpdates, lastApproval } = current;
  return {
    ...withoutUpdateFields(next),
    ...(resolvedImages ? { resolvedImages } : {}),
    ...(pendingUpdates ? { pendingUpdates } : {}),
    ...(lastApproval ? { lastApproval } : {}),
  };
};

/** The update side of one reconcile of `object`. */
export function followUpdates(object: ParsedResource<PolicyKind>): FollowedUpdates {
  // An invalid spec says nothing about the policy: what the poller recorded stays as it is.
  if (isInvalid(object)) return { pins: new Map(), events: [], status: keepCurrent };
  const resource = object as PolicyResource;
  const policy = updatePolicyOf(resource);
  if (!policy) return { pins: new Map(), events: [], status: (next) => withoutCanary(withoutUpdateFields(next)) };
  const approval = object.metadata.annotations?.[approveUpdateAnnotation];
  const decided = applyApproval(updateStateOf(resource.status), approval);
  const images = followedImages(resource);
  const canary = rolloutOf(policy) === 'canary' && decided.state.pendingUpdates.length > 0;
  return {
    pins: pinsOf(decided.state, images),
    ...(canary ? { canaryPins: canaryPinsOf(decided.state, images) } : {}),
    events: decided.events,
    status: (next, current) => {
      const rebased = applyApproval(updateStateOf(current as PolicyResource['status']), approval).state;
      return { ...withoutUpdateFields(next), ...updateStatusFieldsOf(rebased) };
    },
  };
}

/** Records each update's Event (and metric): found, applied or held. */
export async function announceUpdates(
  kind: PolicyKind,
  object: ObjectOfRecord,
  events: readonly UpdateEvent[],
  deps: Pick<ReconcilerDeps, 'events' | 'updateMetrics'>,
): Promise<void> {
  for (const event of events) {
    deps.updateMetrics?.updated(kind, event.reason);
    await deps.events.record(kind, object, { type: 'Normal', reason: event.reason, message: updateEventMessage(event, kind, object.metadata.name) });
  }
}
