/**
 * Status conditions: finding one by type, carrying transition times, and comparing statuses while
 * ignoring transition times (so a status is written only when it changed in substance).
 */
import type { Condition } from './common.ts';

/** The condition of `type`, or undefined. */
export function findCondition(conditions: readonly Condition[] | undefined, type: string): Condition | undefined {
  return conditions?.find((c) => c.type === type);
}

/**
 * Keeps the previous transition time of every condition whose status did not change, as Kubernetes
 * conventions ask; conditions that changed keep their new time.
 */
export function carryTransitionTimes<C extends Condition>(next: readonly C[], previous: readonly Condition[] | undefined): C[] {
  return next.map((condition) => {
    const before = findCondition(previous, condition.type);
    return before && before.status === condition.status && before.lastTransitionTime
      ? { ...condition, lastTransitionTime: before.lastTransitionTime }
      : condition;
  });
}

function stripTimes(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripTimes);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key, v]) => key !== 'lastTransitionTime' && v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, v]) => [key, stripTimes(v)]),
  );
}

/** Semantic equality of two statuses: transition times, key order and undefined fields do not count. */
export function sameStatus(a: unknown, b: unknown): boolean {
  return JSON.stringify(stripTimes(a)) === JSON.stringify(stripTimes(b));
}
