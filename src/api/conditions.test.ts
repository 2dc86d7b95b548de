import { describe, expect, it } from 'vitest';
import { carryTransitionTimes, isConditionTrue, makeCondition, sameStatus } from './conditions.ts';

describe('conditions', () => {
  const t1 = '2026-01-01T00:00:00Z';
  const t2 = '2026-01-02T00:00:00Z';
  it('builds and reads conditions', () => {
    const ready = makeCondition('Ready', false, t1, { reason: 'NoLatestImage', message: 'Builder has no latestImage' });
    expect(ready).toEqual({ type: 'Ready', status: 'False', lastTransitionTime: t1, reason: 'NoLatestImage', message: 'Builder has no latestImage' });
    expect(isConditionTrue([ready], 'Ready')).toBe(false);
    expect(isConditionTrue([makeCondition('Ready', true, t1)], 'Ready')).toBe(true);
    expect(isConditionTrue(undefined, 'Ready')).toBe(false);
  });
  it('keeps the old transition time when the status did not change', () => {
    const next = carryTransitionTimes([makeCondition('Ready', true, t2), makeCondition('UpToDate', false, t2)], [
      makeCondition('Ready', true, t1),
      makeCondition('UpToDate', true, t1),
    ]);
    expect(next.map((c) => c.lastTransitionTime)).toEqual([t1, t2]);
  });
  it('compares statuses ignoring transition times and key order', () => {
    const a = { observedGeneration: 1, conditions: [makeCondition('Ready', true, t1)], latestImage: 'x' };
    const b = { latestImage: 'x', conditions: [makeCondition('Ready', true, t2)], observedGeneration: 1, os: undefined };
    expect(sameStatus(a, b)).toBe(true);
    expect(sameStatus(a, { ...b, latestImage: 'y' })).toBe(false);
  });
});
