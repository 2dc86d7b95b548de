import { describe, expect, it } from 'vitest';
import { HostBackoff } from './host-backoff.ts';

describe('HostBackoff', () => {
  it('doubles the delay with each failure in a row, capped, and honours a longer Retry-After', () => {
    const backoff = new HostBackoff({ initialMs: 1000, maxMs: 5000 });
    expect(backoff.blockedUntil('r.test', 0)).toBeUndefined();
    expect(backoff.failed('r.test', 0)).toBe(1000);
    expect(backoff.failed('r.test', 0)).toBe(2000);
    expect(backoff.failed('r.test', 0)).toBe(4000);
    expect(backoff.failed('r.test', 0)).toBe(5000);
    expect(backoff.failed('r.test', 0, 60_000)).toBe(60_000);
    expect(backoff.blockedUntil('r.test', 59_999)).toBe(60_000);
    expect(backoff.blockedUntil('r.test', 60_000)).toBeUndefined();
    expect(backoff.blockedUntil('other.test', 0)).toBeUndefined();
    // A failure during a long wait does not shorten it.
    expect(backoff.failed('r.test', 1000)).toBe(60_000);
    backoff.succeeded('r.test');
    expect(backoff.failed('r.test', 0)).toBe(1000);
  });
});
