import { describe, expect, it } from 'vitest';
import type { Condition } from './common.ts';
import { carryTransitionTimes, findCondition, sameStatus } from './conditions.ts';

describe('conditions', () => {
  const t1 = '2026-01-01T00:00:00Z';
  const t2 = '2026-01-02T00:00:00Z';
  const at = (type: string, status: string, time: string): Condition => ({ type, status, lastTransitionTime: time });
  it('finds a condition by type', () => {
    const conditions = [at('UpToDate', 'False', t1), at('Ready', 'True', t1)];
    expect(findCondition(conditions, 'Ready')).toEqual(at('Ready', 'True', t1));
    expect(findCondition(conditions, 'Other')).toBeUndefined();
    expect(findCondition(undefined, 'Ready')).toBeUndefined();
  });
  it('keeps the old transition time when the status did not change', () => {
    const next = carryTransitionTimes([at('Ready', 'True', t2), at('UpToDate', 'False', t2)], [at('Ready', 'True', t1), at('UpToDate', 'True', t1)]);
    expect(next.map((c) => c.lastTransitionTime)).toEqual([t1, t2]);
  });
  it('compares statuses ignoring transition times and key order', () => {
    const a = { observedGeneration: 1, conditions: [at('Ready', 'True', t1)], latestImage: 'x' };
    const b = { latestImage: 'x', conditions: [at('Ready', 'True', t2)], observedGeneration: 1, os: undefined };
    expect(sameStatus(a, b)).toBe(true);
    expect(sameStatus(a, { ...b, latestImage: 'y' })).toBe(false);
  });
});
