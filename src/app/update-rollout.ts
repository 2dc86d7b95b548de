/**
 * The update poller's decisions, pure: what a round of tag checks does to a resource's update state
 * under its rollout (`all` applies a new digest at once; `manual` and `canary` record it as pending
 * and hold), and what an approval does (`all`, once per annotation value, or the digests it lists).
 * Each decision comes with the events to announce.
 */
import type { PendingUpdate, ResolvedImage, Rollout } from '../api/index.ts';
import type { TagCheck } from './check-tag.ts';
import type { UpdateState } from './update-sources.ts';

/** Something to announce: an update found, applied (in use from now on) or held (pending). */
export interface UpdateEvent {
  reason: 'UpdateFound' | 'UpdateApplied' | 'UpdateHeld';
  image: string;
  tag: string;
  from: string;
  to: string;
}

/** The state after a decision, what to announce, and whether the digests in use changed (the resource must be read again). */
export interface UpdateDecision {
  state: UpdateState;
  events: UpdateEvent[];
  applied: boolean;
}

interface ImageOutcome {
  entry?: ResolvedImage;
  pending?: PendingUpdate;
  events: UpdateEvent[];
  applied: boolean;
}

/** One round of checks of a resource's images. */
export interface CheckRound {
  checks: readonly TagCheck[];
  /** The images the spec names now (entries of others are dropped). */
  images: readonly string[];
  rollout: Rollout;
  /** RFC 3339. */
  now: string;
}

function decideImage(image: string, state: UpdateState, round: CheckRound): ImageOutcome {
  const { rollout, now } = round;
  const check = round.checks.find((c) => c.image === image);
  const entry = state.resolvedImages.find((e) => e.image === image);
  const pending = state.pendingUpdates.find((p) => p.image === image);
  // A failed check changes nothing: the last digest stays in use and a pending update stays pending.
  if (!check) return { ...(entry ? { entry } : {}), ...(pending ? { pending } : {}), events: [], applied: false };
  const checked: ResolvedImage = { image, tag: check.tag, digest: check.digest, checkedAt: now };
  // The first digest of an image is where following starts, not an update.
  if (!entry?.digest) return { entry: checked, events: [], applied: true };
  if (entry.digest === check.digest) return { entry: { ...entry, tag: check.tag, checkedAt: now }, events: [], applied: false };
  const move = { image, tag: check.tag, from: entry.digest, to: check.digest };
  if (rollout === 'all')
    return {
      entry: checked,
      events: [
        { reason: 'UpdateFound', ...move },
        { reason: 'UpdateApplied', ...move },
      ],
      applied: true,
    };
  const kept = { ...entry, checkedAt: now };
  if (pending?.to === check.digest) return { entry: kept, pending, events: [], applied: false };
  return {
    entry: kept,
    pending: { image, tag: check.tag, from: entry.digest, to: check.digest, foundAt: now },
    events: [
      { reason: 'UpdateFound', ...move },
      { reason: 'UpdateHeld', ...move },
    ],
    applied: false,
  };
}

/** Folds one round of checks into `state`; an image without a check (it failed) keeps its entry. */
export function applyChecks(state: UpdateState, round: CheckRound): UpdateDecision {
  const outcomes = round.images.map((image) => decideImage(image, state, round));
  return {
    state: {
      resolvedImages: outcomes.flatMap((o) => (o.entry ? [o.entry] : [])),
      pendingUpdates: outcomes.flatMap((o) => (o.pending ? [o.pending] : [])),
      ...(state.lastApproval ? { lastApproval: state.lastApproval } : {}),
    },
    events: outcomes.flatMap((o) => o.events),
    applied: outcomes.some((o) => o.applied),
  };
}

/** The digests an approval annotation value lists (`all` is handled by the caller). */
const approvedDigests = (value: string): string[] =>
  value
    .split(',')
    .map((d) => d.trim())
    .filter((d) => d !== '');

/**
 * Applies the approval annotation: `all` approves every pending update once per value (recorded in
 * `lastApproval`, so a later update waits for a new approval), a digest list approves the pending
 * updates to those digests whenever they are found. No annotation clears `lastApproval`.
 */
export function applyApproval(state: UpdateState, annotation: string | undefined): UpdateDecision {
  const { lastApproval: _last, ...rest } = state;
  if (annotation === undefined || annotation.trim() === '') return { state: rest, events: [], applied: false };
  const value = annotation.trim();
  const all = value === 'all';
  if (all && state.lastApproval === 'all') return { state, events: [], applied: false };
  const digests = all ? [] : approvedDigests(value);
  const approved = state.pendingUpdates.filter((p) => all || (p.to !== undefined && digests.includes(p.to)));
  const lastApproval = all ? { lastApproval: 'all' } : {};
  if (approved.length === 0) return { state: { ...rest, ...lastApproval }, events: [], applied: false };
  const decided = applyPending(state, approved);
  return { ...decided, state: { resolvedImages: decided.state.resolvedImages, pendingUpdates: decided.state.pendingUpdates, ...lastApproval } };
}

/** Puts the `chosen` pending updates in use (the rest stay pending). */
function applyPending(state: UpdateState, chosen: readonly PendingUpdate[]): UpdateDecision {
  const resolvedImages = state.resolvedImages.map((entry) => {
    const update = chosen.find((p) => p.image === entry.image);
    return update?.to ? { ...entry, digest: update.to, ...(update.tag ? { tag: update.tag } : {}) } : entry;
  });
  const events: UpdateEvent[] = chosen.map((p) => ({ reason: 'UpdateApplied', image: p.image ?? '', tag: p.tag ?? '', from: p.from ?? '', to: p.to ?? '' }));
  const pendingUpdates = state.pendingUpdates.filter((p) => !chosen.includes(p));
  return { state: { ...state, resolvedImages, pendingUpdates }, events, applied: chosen.length > 0 };
}

/**
 * Promotes what a canary proved: every pending update the canary builder was built with (`built`:
 * image and digest pairs from its status) goes into use for everyone.
 */
export function promoteCanary(state: UpdateState, built: ReadonlyArray<{ image: string; digest: string }>): UpdateDecision {
  const proven = state.pendingUpdates.filter((p) => built.some((b) => b.image === p.image && b.digest === p.to));
  return applyPending(state, proven);
}

/** The checks, then the approval, as one decision. */
export function decideUpdates(state: UpdateState, round: CheckRound & { approval: string | undefined }): UpdateDecision {
  const checked = applyChecks(state, round);
  const approved = applyApproval(checked.state, round.approval);
  return { state: approved.state, events: [...checked.events, ...approved.events], applied: checked.applied || approved.applied };
}

/** One event as an Event message; `kind` and `name` make the approval command of a held update. */
export function updateEventMessage(event: UpdateEvent, kind: string, name: string): string {
  const what = `${event.image} (tag ${event.tag}): ${event.from} → ${event.to}`;
  switch (event.reason) {
    case 'UpdateFound':
      return `new digest for ${what}`;
    case 'UpdateApplied':
      return `now using ${what}`;
    case 'UpdateHeld':
      return `held ${what}; approve with: packsmith ${kind.toLowerCase()} approve-update ${name} --digest ${event.to}`;
  }
}
