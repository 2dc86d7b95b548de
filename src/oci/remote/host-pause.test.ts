import { describe, expect, it } from 'vitest';
import { HostPause } from './host-pause.ts';

describe('HostPause', () => {
  const setUp = () => {
    let now = 1_000_000;
    const slept: number[] = [];
    const pauses: Array<[string, number]> = [];
    const pause = new HostPause({
      backoff: { initialMs: 200, factor: 2, maxMs: 10_000, jitter: 0 },
      maxRetryAfterMs: 60_000,
      sleep: (ms) => {
        slept.push(ms);
        now += ms;
        return Promise.resolve();
      },
      now: () => now,
      onPause: (host, ms) => pauses.push([host, ms]),
    });
    return { pause, slept, pauses, advance: (ms: number) => (now += ms) };
  };

  it('pauses a host for its Retry-After, and only that host', async () => {
    const { pause, slept, pauses } = setUp();
    pause.observe('r.example', 429, '3');
    expect(pauses).toEqual([['r.example', 3000]]);
    expect(pause.paused()).toEqual(['r.example']);
    await pause.wait('other.example');
    expect(slept).toEqual([]);
    await pause.wait('r.example');
    expect(slept).toEqual([3000]);
    expect(pause.paused()).toEqual([]);
  });

  it('doubles the pause for throttled answers in a row without Retry-After, and resets on a normal answer', () => {
    const { pause, pauses } = setUp();
    pause.observe('r', 429, null);
    pause.observe('r', 429, null);
    pause.observe('r', 429, null);
    pause.observe('r', 200, null);
    pause.observe('r', 429, null);
    expect(pauses.map(([, ms]) => ms)).toEqual([200, 400, 800, 200]);
  });

  it('caps a long Retry-After, ignores a 503 without one, and never shortens a pause', async () => {
    const { pause, pauses, slept, advance } = setUp();
    pause.observe('r', 503, null);
    expect(pauses).toEqual([]);
    pause.observe('r', 503, '7200');
    expect(pauses).toEqual([['r', 60_000]]);
    advance(10_000);
    pause.observe('r', 429, '1');
    await pause.wait('r');
    expect(slept).toEqual([50_000]);
  });
});
