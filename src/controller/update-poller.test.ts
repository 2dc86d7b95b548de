import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TagAccess } from '../app/index.ts';
import { FakeImageAccess, buildpackTree, buildpackage } from '../app/testdata/fakes.ts';
import { RegistryError } from '../oci/index.ts';
import { createManualClock, type ManualClock } from '../shared/testing/index.ts';
import { clusterStoreReconciler } from './cluster-store.ts';
import { FakeCluster } from './testdata/fakes.ts';
import { createUpdatePoller } from './update-poller.ts';

/** Tag reads over a map of tag → digest; a queued error answers the next HEAD instead. */
class FakeTags implements TagAccess {
  readonly heads: string[] = [];
  readonly digests = new Map<string, string>();
  failures: Error[] = [];
  headDigest(reference: string): Promise<string | undefined> {
    this.heads.push(reference);
    const failure = this.failures.shift();
    return failure ? Promise.reject(failure) : Promise.resolve(this.digests.get(reference));
  }
  listTags(): Promise<string[]> {
    return Promise.resolve([]);
  }
}

const image = 'r.test/store/a:1';
const minute = 60_000;
let cluster: FakeCluster;
let tags: FakeTags;
let clock: ManualClock;
let stop: AbortController;
let running: Promise<void>;

function start(policy: Record<string, unknown>, owns?: (item: string) => boolean): ReturnType<typeof createUpdatePoller> {
  cluster.put('ClusterStore', { name: 'default', spec: { sources: [{ image }], updatePolicy: policy } });
  const poller = createUpdatePoller({
    ...cluster.deps(new FakeImageAccess()),
    tags,
    clock,
    backoff: { initialMs: minute, maxMs: 10 * minute },
  });
  running = poller.run(stop.signal, owns);
  return poller;
}

const status = (): Record<string, unknown> => cluster.status('ClusterStore', 'default');
const reasons = (): string[] => cluster.events.map((e) => e.reason);

beforeEach(() => {
  cluster = new FakeCluster();
  tags = new FakeTags();
  tags.digests.set(image, 'sha256:1');
  clock = createManualClock(Date.parse('2026-01-01T00:00:00Z'));
  stop = new AbortController();
});

afterEach(async () => {
  stop.abort();
  await running;
});

describe('update poller', () => {
  it('records the first digest, then asks one HEAD per interval', async () => {
    start({ interval: '1m' });
    await clock.advance(0);
    expect(tags.heads).toEqual([image]);
    expect(status().resolvedImages).toEqual([{ image, tag: '1', digest: 'sha256:1', checkedAt: '2026-01-01T00:00:00Z' }]);
    await clock.advance(minute - 1);
    expect(tags.heads).toHaveLength(1);
    await clock.advance(1);
    expect(tags.heads).toHaveLength(2);
    await clock.advance(3 * minute);
    // Unchanged: one HEAD per interval, the check time moves, nothing is announced.
    expect(tags.heads).toHaveLength(5);
    expect(reasons()).toEqual([]);
    expect(status().resolvedImages).toEqual([{ image, tag: '1', digest: 'sha256:1', checkedAt: '2026-01-01T00:04:00Z' }]);
  });

  it('applies a moved tag with rollout all: the new digest in status, and Events', async () => {
    start({ interval: '1m' });
    await clock.advance(0);
    tags.digests.set(image, 'sha256:2');
    await clock.advance(minute);
    expect(reasons()).toEqual(['UpdateFound', 'UpdateApplied']);
    expect(cluster.events[1]?.message).toBe(`now using ${image} (tag 1): sha256:1 → sha256:2`);
    expect((status().resolvedImages as Array<{ digest: string }>)[0]?.digest).toBe('sha256:2');
    await clock.advance(minute);
    expect(reasons()).toHaveLength(2);
  });

  it('holds a moved tag with rollout manual until the annotation approves it', async () => {
    start({ interval: '1m', rollout: 'manual' });
    await clock.advance(0);
    tags.digests.set(image, 'sha256:2');
    await clock.advance(minute);
    expect(reasons()).toEqual(['UpdateFound', 'UpdateHeld']);
    expect(cluster.events[1]?.message).toMatch(/approve with: packsmith clusterstore approve-update default --digest sha256:2$/);
    expect(status().pendingUpdates).toEqual([{ image, tag: '1', from: 'sha256:1', to: 'sha256:2', foundAt: '2026-01-01T00:01:00Z' }]);
    expect((status().resolvedImages as Array<{ digest: string }>)[0]?.digest).toBe('sha256:1');
    await clock.advance(minute);
    expect(reasons()).toHaveLength(2);
  });

  it('backs a registry off on 429 for as long as Retry-After asks, then checks again', async () => {
    start({ interval: '1m' });
    await clock.advance(0);
    tags.failures = [new RegistryError('too many requests', { status: 429, retryAfterMs: 5 * minute })];
    await clock.advance(minute);
    expect(tags.heads).toHaveLength(2);
    expect(reasons()).toEqual(['UpdateCheckFailed']);
    await clock.advance(5 * minute - 1);
    expect(tags.heads).toHaveLength(2);
    await clock.advance(1);
    expect(tags.heads).toHaveLength(3);
  });

  it('backs off exponentially while 5xx answers go on, announcing the failure once', async () => {
    start({ interval: '1m' });
    await clock.advance(0);
    tags.failures = [0, 1, 2].map(() => new RegistryError('unavailable', { status: 503 }));
    // Failures at 1m (wait 1m), 2m (wait 2m), 4m (wait 4m); success at 8m.
    await clock.advance(8 * minute);
    expect(tags.heads).toHaveLength(5);
    expect(reasons()).toEqual(['UpdateCheckFailed']);
  });

  it('under canary: holds the update, then promotes it once the canary builder is built with it', async () => {
    const poller = start({ interval: '1m', rollout: 'canary', canary: { kind: 'Builder', name: 'web', namespace: 'team' } });
    await clock.advance(0);
    tags.digests.set(image, 'sha256:2');
    await clock.advance(minute);
    expect(reasons()).toEqual(['UpdateFound', 'UpdateHeld']);
    const canaryStatus = (digest: string, upToDate: string): Record<string, unknown> => ({
      conditions: [{ type: 'UpToDate', status: upToDate }],
      canaryUpdates: [{ kind: 'ClusterStore', name: 'default', image, digest }],
    });
    // Built with another digest, or not up to date: nothing is promoted.
    cluster.put('Builder', { name: 'web', namespace: 'team', spec: {}, status: canaryStatus('sha256:9', 'True') });
    poller.wake();
    await clock.advance(0);
    cluster.put('Builder', { name: 'web', namespace: 'team', spec: {}, status: canaryStatus('sha256:2', 'False') });
    poller.wake();
    await clock.advance(0);
    expect(status().pendingUpdates).toHaveLength(1);
    cluster.put('Builder', { name: 'web', namespace: 'team', spec: {}, status: canaryStatus('sha256:2', 'True') });
    poller.wake();
    await clock.advance(0);
    expect(status().pendingUpdates).toBeUndefined();
    expect((status().resolvedImages as Array<{ digest: string }>)[0]?.digest).toBe('sha256:2');
    expect(reasons()).toEqual(['UpdateFound', 'UpdateHeld', 'UpdateApplied']);
  });

  it('checks only the keys this replica owns', async () => {
    start({ interval: '1m' }, (item) => item !== 'ClusterStore:default');
    await clock.advance(5 * minute);
    expect(tags.heads).toEqual([]);
  });

  it('sees a new resource when woken', async () => {
    const poller = start({ interval: '1h' });
    await clock.advance(0);
    cluster.put('ClusterStore', { name: 'other', spec: { sources: [{ image: 'r.test/store/b:2' }], updatePolicy: {} } });
    tags.digests.set('r.test/store/b:2', 'sha256:b');
    poller.wake();
    await clock.advance(0);
    expect(tags.heads).toEqual([image, 'r.test/store/b:2']);
  });
});

describe('the reconcile of a followed store', () => {
  it('reads the recorded digest, not the tag, and keeps the update fields', async () => {
    const first = await buildpackage([buildpackTree('io.test.a', '1.0.0')]);
    const images = new FakeImageAccess().add(image, first);
    const digest = await first.digest();
    tags.digests.set(image, digest);
    start({ interval: '1m' });
    await clock.advance(0);
    // The tag moves in the registry, but the store keeps reading what the poller recorded.
    images.add(`r.test/store/a@${digest}`, first).add(image, await buildpackage([buildpackTree('io.test.a', '2.0.0')]));
    await clusterStoreReconciler(cluster.deps(images)).reconcile('default');
    expect(images.summary('read')).toEqual([`r.test/store/a@${digest} controller`]);
    expect((status().buildpacks as Array<{ version: string; storeImage: { image: string } }>).map((b) => [b.version, b.storeImage.image])).toEqual([
      ['1.0.0', image],
    ]);
    expect(status().resolvedImages).toEqual([expect.objectContaining({ image, digest })]);
  });

  it('applies an approval from the annotation: reads the approved digest, clears the pending update and announces it', async () => {
    const first = await buildpackage([buildpackTree('io.test.a', '1.0.0')]);
    const second = await buildpackage([buildpackTree('io.test.a', '2.0.0')]);
    const [one, two] = [await first.digest(), await second.digest()];
    const images = new FakeImageAccess().add(`r.test/store/a@${one}`, first).add(`r.test/store/a@${two}`, second);
    tags.digests.set(image, one);
    start({ interval: '1m', rollout: 'manual' });
    await clock.advance(0);
    tags.digests.set(image, two);
    await clock.advance(minute);
    expect(status().pendingUpdates).toEqual([expect.objectContaining({ to: two })]);
    const stored = cluster.get('ClusterStore', 'default')!;
    cluster.objects.set('ClusterStore:default', { ...stored, metadata: { ...stored.metadata, annotations: { 'packsmith.kpack.io/approve-update': two } } });
    await clusterStoreReconciler(cluster.deps(images)).reconcile('default');
    expect(images.summary('read')).toEqual([`r.test/store/a@${two} controller`]);
    expect(status().pendingUpdates).toBeUndefined();
    expect(status().resolvedImages).toEqual([expect.objectContaining({ image, digest: two })]);
    expect(reasons()).toEqual(['UpdateFound', 'UpdateHeld', 'UpdateApplied']);
  });
});
