// The fault proxy itself, in front of the REAL docker-registry: rules fire on the nth matching
// request, a seed makes probabilistic injection repeatable, the fault budget bounds injection,
// 429 carries Retry-After, truncated and reset bodies reach the client short, uploads are cut after
// the given number of bytes, and requests without a fault pass through unchanged.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManualClock } from '../../src/shared/testing/index.ts';
import { startRegistry, stopAllRegistries, waitUntil, type RegistryHandle } from '../harness/index.ts';
import { startFaultProxy, type FaultProxy, type FaultProxyOptions } from '../harness/fault-proxy.ts';

let registry: RegistryHandle;
const blob = Buffer.alloc(256 * 1024, 7);
const digest = `sha256:${createHash('sha256').update(blob).digest('hex')}`;

beforeAll(async () => {
  registry = await startRegistry({ mode: 'plain' });
  const start = await fetch(`${registry.url}/v2/proxy/test/blobs/uploads/`, { method: 'POST' });
  const location = new URL(start.headers.get('location')!, registry.url);
  location.searchParams.set('digest', digest);
  expect((await fetch(location, { method: 'PUT', body: blob })).status).toBe(201);
});

afterAll(async () => {
  await stopAllRegistries();
});

async function withProxy<T>(options: Omit<FaultProxyOptions, 'upstream'>, body: (proxy: FaultProxy) => Promise<T>): Promise<T> {
  const proxy = await startFaultProxy({ upstream: registry.host, ...options });
  try {
    return await body(proxy);
  } finally {
    await proxy.stop();
  }
}

/** Status and body length of a GET, or 'cut' when the connection broke before the body ended. */
async function get(proxy: FaultProxy, path: string): Promise<{ status: number; length: number | 'cut'; retryAfter: string | null }> {
  const response = await fetch(`http://${proxy.host}${path}`);
  const length = await response.arrayBuffer().then(
    (b) => b.byteLength,
    () => 'cut' as const,
  );
  return { status: response.status, length, retryAfter: response.headers.get('retry-after') };
}

describe('fault proxy', () => {
  it('passes requests through unchanged and injects on the nth match only, with Retry-After on 429', async () => {
    await withProxy(
      { rules: [{ name: 'second ping', path: /^\/v2\/$/, nth: [2], fault: { kind: 'status', status: 429, retryAfterSeconds: 3 } }] },
      async (proxy) => {
        const answers = [await get(proxy, '/v2/'), await get(proxy, '/v2/'), await get(proxy, '/v2/')];
        expect(answers.map((a) => a.status)).toEqual([200, 429, 200]);
        expect(answers[1]!.retryAfter).toBe('3');
        expect((await get(proxy, `/v2/proxy/test/blobs/${digest}`)).length).toBe(blob.length);
        expect(proxy.injected.map((f) => [f.rule, f.requestIndex])).toEqual([['second ping', 1]]);
        expect(proxy.requests.map((r) => r.status)).toEqual([200, 429, 200, 200]);
      },
    );
  });

  it('delivers truncated and reset blob bodies short', async () => {
    const path = `/v2/proxy/test/blobs/${digest}`;
    for (const kind of ['truncate', 'reset-download'] as const) {
      const answer = await withProxy({ rules: [{ name: kind, path: /blobs/, fault: { kind, afterBytes: 1000 } }] }, (proxy) => get(proxy, path));
      expect(answer.status).toBe(200);
      expect(answer.length === 'cut' || answer.length < blob.length).toBe(true);
    }
  });

  it('cuts an upload after the given number of bytes, so the registry never completes it', async () => {
    await withProxy({ rules: [{ name: 'cut', method: /^PUT$/, fault: { kind: 'reset-upload', afterBytes: 10_000 } }] }, async (proxy) => {
      const start = await fetch(`http://${proxy.host}/v2/proxy/cut/blobs/uploads/`, { method: 'POST' });
      expect(start.status).toBe(202);
      const location = new URL(start.headers.get('location')!, `http://${proxy.host}`);
      expect(location.host).toBe(proxy.host);
      location.searchParams.set('digest', digest);
      const failed = await fetch(location, { method: 'PUT', body: blob }).then(
        () => false,
        () => true,
      );
      expect(failed).toBe(true);
      const head = await fetch(`${registry.url}/v2/proxy/cut/blobs/${digest}`, { method: 'HEAD' });
      expect(head.status).toBe(404);
    });
  });

  it('repeats the same injections for the same seed, and stops at the fault budget and the request window', async () => {
    const run = (seed: number): Promise<number[]> =>
      withProxy({ seed, rules: [{ name: 'coin', probability: 0.5, fault: { kind: 'status', status: 503 } }] }, async (proxy) => {
        for (let i = 0; i < 20; i++) await get(proxy, '/v2/');
        return proxy.injected.map((f) => f.requestIndex);
      });
    const first = await run(42);
    expect(await run(42)).toEqual(first);
    expect(first.length).toBeGreaterThan(2);
    expect(first.length).toBeLessThan(18);
    await withProxy({ maxFaults: 2, rules: [{ name: 'always', fault: { kind: 'status', status: 500 } }] }, async (proxy) => {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) statuses.push((await get(proxy, '/v2/')).status);
      expect(statuses).toEqual([500, 500, 200, 200, 200]);
      expect(proxy.summary()).toEqual({ status: 2 });
    });
    await withProxy({ activeForRequests: 3, rules: [{ name: 'always', fault: { kind: 'status', status: 502 } }] }, async (proxy) => {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) statuses.push((await get(proxy, '/v2/')).status);
      expect(statuses).toEqual([502, 502, 502, 200, 200]);
    });
  });

  it('holds a stalled request until the stall time has passed on its clock', async () => {
    const clock = createManualClock();
    await withProxy({ clock, rules: [{ name: 'stall', fault: { kind: 'stall', ms: 600 } }] }, async (proxy) => {
      const answer = get(proxy, '/v2/');
      await waitUntil(() => Promise.resolve(clock.pending === 1), {
        timeoutMs: 10_000,
        intervalMs: 10,
        describe: () => `${proxy.requests.length} requests seen`,
      });
      await clock.advance(599);
      expect(clock.pending).toBe(1);
      expect(proxy.requests[0]?.status).toBeUndefined();
      await clock.advance(1);
      expect(clock.pending).toBe(0);
      expect((await answer).status).toBe(200);
      expect(proxy.injected).toMatchObject([{ kind: 'stall', atMs: 0 }]);
    });
  });
});
