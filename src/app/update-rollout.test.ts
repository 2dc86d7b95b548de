import { describe, expect, it } from 'vitest';
import { applyApproval, applyChecks, decideUpdates, promoteCanary } from './update-rollout.ts';
import type { UpdateState } from './update-sources.ts';
import { canaryPinsOf, isCanaryOf, pinsOf } from './update-sources.ts';

const a = 'r.test/store/a:1';
const b = 'r.test/store/b:1';
const d = (n: number): string => `sha256:${String(n).repeat(64).slice(0, 64)}`;
const t0 = '2026-01-01T00:00:00Z';
const t1 = '2026-01-01T01:00:00Z';
const state = (digestA: string): UpdateState => ({ resolvedImages: [{ image: a, tag: '1', digest: digestA, checkedAt: t0 }], pendingUpdates: [] });

describe('applyChecks', () => {
  it('starts following an image without announcing an update', () => {
    const decision = applyChecks(
      { resolvedImages: [], pendingUpdates: [] },
      { checks: [{ image: a, tag: '1', digest: d(1) }], images: [a], rollout: 'manual', now: t0 },
    );
    expect(decision).toEqual({ state: state(d(1)), events: [], applied: true });
  });

  it('only moves the check time when the digest is the same', () => {
    const decision = applyChecks(state(d(1)), { checks: [{ image: a, tag: '1', digest: d(1) }], images: [a], rollout: 'all', now: t1 });
    expect(decision.applied).toBe(false);
    expect(decision.events).toEqual([]);
    expect(decision.state.resolvedImages).toEqual([{ image: a, tag: '1', digest: d(1), checkedAt: t1 }]);
  });

  it('applies a new digest at once with rollout all', () => {
    const decision = applyChecks(state(d(1)), { checks: [{ image: a, tag: '1', digest: d(2) }], images: [a], rollout: 'all', now: t1 });
    expect(decision.applied).toBe(true);
    expect(decision.events.map((e) => e.reason)).toEqual(['UpdateFound', 'UpdateApplied']);
    expect(decision.state.resolvedImages[0]?.digest).toBe(d(2));
  });

  it('holds a new digest with rollout manual, announcing it once', () => {
    const round = { checks: [{ image: a, tag: '1', digest: d(2) }], images: [a], rollout: 'manual' as const, now: t1 };
    const held = applyChecks(state(d(1)), round);
    expect(held.applied).toBe(false);
    expect(held.events.map((e) => e.reason)).toEqual(['UpdateFound', 'UpdateHeld']);
    expect(held.state.resolvedImages[0]?.digest).toBe(d(1));
    expect(held.state.pendingUpdates).toEqual([{ image: a, tag: '1', from: d(1), to: d(2), foundAt: t1 }]);
    const again = applyChecks(held.state, { ...round, now: '2026-01-01T02:00:00Z' });
    expect(again.events).toEqual([]);
    expect(again.state.pendingUpdates).toEqual(held.state.pendingUpdates);
    // The tag moved back: nothing is pending any more.
    expect(applyChecks(held.state, { ...round, checks: [{ image: a, tag: '1', digest: d(1) }] }).state.pendingUpdates).toEqual([]);
  });

  it('keeps the entry of an image whose check failed and drops images the spec no longer names', () => {
    const two: UpdateState = { resolvedImages: [...state(d(1)).resolvedImages, { image: b, tag: '1', digest: d(3), checkedAt: t0 }], pendingUpdates: [] };
    const decision = applyChecks(two, { checks: [], images: [b], rollout: 'all', now: t1 });
    expect(decision.state.resolvedImages).toEqual([{ image: b, tag: '1', digest: d(3), checkedAt: t0 }]);
  });
});

describe('applyApproval', () => {
  const pending: UpdateState = { ...state(d(1)), pendingUpdates: [{ image: a, tag: '1', from: d(1), to: d(2), foundAt: t1 }] };

  it('applies the pending update a digest names, and leaves others pending', () => {
    expect(applyApproval(pending, d(9)).applied).toBe(false);
    const approved = applyApproval(pending, ` ${d(9)}, ${d(2)} `);
    expect(approved.applied).toBe(true);
    expect(approved.state).toEqual({ resolvedImages: [{ image: a, tag: '1', digest: d(2), checkedAt: t0 }], pendingUpdates: [] });
    expect(approved.events).toEqual([{ reason: 'UpdateApplied', image: a, tag: '1', from: d(1), to: d(2) }]);
  });

  it('applies everything pending for all, once per annotation value', () => {
    const approved = applyApproval(pending, 'all');
    expect(approved.state.resolvedImages[0]?.digest).toBe(d(2));
    expect(approved.state.lastApproval).toBe('all');
    // A later update waits for a new approval, even though the annotation still says all.
    const later = decideUpdates(approved.state, { checks: [{ image: a, tag: '1', digest: d(3) }], images: [a], rollout: 'manual', now: t1, approval: 'all' });
    expect(later.state.resolvedImages[0]?.digest).toBe(d(2));
    expect(later.state.pendingUpdates.map((p) => p.to)).toEqual([d(3)]);
    // Removing the annotation forgets it; setting it again approves.
    const cleared = applyApproval(later.state, undefined);
    expect(cleared.state.lastApproval).toBeUndefined();
    expect(applyApproval(cleared.state, 'all').state.resolvedImages[0]?.digest).toBe(d(3));
  });

  it('applies a digest approved before the poller found it, as soon as it is found', () => {
    const found = decideUpdates(state(d(1)), { checks: [{ image: a, tag: '1', digest: d(2) }], images: [a], rollout: 'manual', now: t1, approval: d(2) });
    expect(found.applied).toBe(true);
    expect(found.events.map((e) => e.reason)).toEqual(['UpdateFound', 'UpdateHeld', 'UpdateApplied']);
    expect(found.state.pendingUpdates).toEqual([]);
  });
});

describe('pinsOf', () => {
  it('reads each followed image at its recorded digest', () => {
    expect(pinsOf(state(d(1)), [a, b])).toEqual(new Map([[a, `r.test/store/a@${d(1)}`]]));
    expect(pinsOf(state(d(1)), [b])).toEqual(new Map());
  });
});

describe('canary', () => {
  const pending: UpdateState = { ...state(d(1)), pendingUpdates: [{ image: a, tag: '1', from: d(1), to: d(2), foundAt: t1 }] };

  it('reads the held digests for the canary view only', () => {
    expect(canaryPinsOf(pending, [a])).toEqual(new Map([[a, `r.test/store/a@${d(2)}`]]));
    expect(pinsOf(pending, [a])).toEqual(new Map([[a, `r.test/store/a@${d(1)}`]]));
  });

  it('promotes what the canary was built with, nothing else', () => {
    expect(promoteCanary(pending, [{ image: a, digest: d(9) }]).applied).toBe(false);
    const promoted = promoteCanary(pending, [{ image: a, digest: d(2) }]);
    expect(promoted.state).toEqual({ resolvedImages: [{ image: a, tag: '1', digest: d(2), checkedAt: t0 }], pendingUpdates: [] });
    expect(promoted.events.map((e) => e.reason)).toEqual(['UpdateApplied']);
  });

  it('knows the canary builder by kind, name and namespace', () => {
    const store = (canary: unknown, rollout = 'canary'): Parameters<typeof isCanaryOf>[0] =>
      ({ apiVersion: 'kpack.io/v1alpha2', kind: 'ClusterStore', metadata: { name: 's' }, spec: { updatePolicy: { rollout, canary } } }) as Parameters<
        typeof isCanaryOf
      >[0];
    const web = { kind: 'Builder' as const, name: 'web', namespace: 'team' };
    expect(isCanaryOf(store({ kind: 'Builder', name: 'web', namespace: 'team' }), web)).toBe(true);
    expect(isCanaryOf(store({ kind: 'Builder', name: 'web', namespace: 'other' }), web)).toBe(false);
    expect(isCanaryOf(store({ kind: 'ClusterBuilder', name: 'web' }), web)).toBe(false);
    expect(isCanaryOf(store({ kind: 'ClusterBuilder', name: 'web' }), { kind: 'ClusterBuilder', name: 'web' })).toBe(true);
    expect(isCanaryOf(store({ kind: 'Builder', name: 'web', namespace: 'team' }, 'manual'), web)).toBe(false);
  });
});
