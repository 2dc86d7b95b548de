import { describe, expect, it } from 'vitest';
import type { KubeClient, WatchHandle, WatchRequest } from './client.ts';
import { GoneError, KubeApiError } from './errors.ts';
import { createInformer, type InformerEvent } from './informer.ts';
import { createManualClock, flushMicrotasks } from './testing/index.ts';
import type { KubeObject, ObjectList } from './types.ts';

const obj = (name: string, rv: string): KubeObject => ({ kind: 'ClusterStore', metadata: { name, resourceVersion: rv } });

/** A scripted list/watch source: lists answer `items`; each watch waits until the test ends it. */
class ScriptedSource {
  items: KubeObject[] = [];
  listVersion = '10';
  listCalls = 0;
  listFailures = 0;
  watches: { request: WatchRequest; end: (error?: Error) => void }[] = [];

  client(): KubeClient {
    const fail = (): Promise<never> => Promise.reject(new KubeApiError('not used'));
    return {
      get: fail,
      patchStatus: fail,
      createEvent: fail,
      list: (): Promise<ObjectList> => {
        this.listCalls++;
        if (this.listFailures > 0) {
          this.listFailures--;
          return Promise.reject(new KubeApiError('connection refused'));
        }
        return Promise.resolve({ items: [...this.items], resourceVersion: this.listVersion });
      },
      watch: (request): Promise<WatchHandle> => {
        let end!: (error?: Error) => void;
        const done = new Promise<void>((resolve, reject) => {
          end = (error) => (error ? reject(error) : resolve());
          request.signal?.addEventListener('abort', () => resolve());
        });
        this.watches.push({ request, end });
        return Promise.resolve({ stop: () => end(), done });
      },
    };
  }

  get current(): { request: WatchRequest; end: (error?: Error) => void } {
    const last = this.watches.at(-1);
    if (last === undefined) throw new Error('no watch yet');
    return last;
  }
}

function setUp(resyncMs = 0): {
  source: ScriptedSource;
  clock: ReturnType<typeof createManualClock>;
  events: InformerEvent[];
  informer: ReturnType<typeof createInformer>;
} {
  const source = new ScriptedSource();
  const clock = createManualClock();
  const informer = createInformer({
    client: source.client(),
    kind: 'ClusterStore',
    clock,
    resyncMs,
    backoff: { initialMs: 100, maxMs: 1000, factor: 2, jitter: 0 },
  });
  const events: InformerEvent[] = [];
  informer.subscribe((e) => events.push(e));
  return { source, clock, events, informer };
}

const summary = (events: InformerEvent[]): string[] => events.map((e) => `${e.type}:${e.key}@${e.object.metadata.resourceVersion ?? ''}`);

describe('createInformer', () => {
  it('lists, syncs, then watches from the list resourceVersion and applies events to the cache', async () => {
    const { source, clock, events, informer } = setUp();
    source.items = [obj('a', '5'), obj('b', '6')];
    expect(informer.hasSynced()).toBe(false);
    informer.start();
    await informer.waitForSync();
    await flushMicrotasks();
    expect(summary(events)).toEqual(['add:a@5', 'add:b@6']);
    expect(source.current.request.resourceVersion).toBe('10');
    source.current.request.onEvent({ type: 'MODIFIED', object: obj('a', '11') });
    source.current.request.onEvent({ type: 'DELETED', object: obj('b', '12') });
    source.current.request.onEvent({ type: 'ADDED', object: obj('c', '13') });
    source.current.request.onEvent({ type: 'BOOKMARK', object: obj('', '20') });
    expect(summary(events.slice(2))).toEqual(['update:a@11', 'delete:b@12', 'add:c@13']);
    expect(events[2]?.oldObject?.metadata.resourceVersion).toBe('5');
    expect(informer.get('a')?.metadata.resourceVersion).toBe('11');
    expect(informer.get('b')).toBeUndefined();
    expect(
      informer
        .list()
        .map((o) => o.metadata.name)
        .sort(),
    ).toEqual(['a', 'c']);
    // A normal end of a watch that ran a while restarts it at once from the last seen resourceVersion (the bookmark's).
    await clock.advance(60_000);
    source.current.end();
    await flushMicrotasks();
    expect(source.watches).toHaveLength(2);
    expect(source.current.request.resourceVersion).toBe('20');
    expect(source.listCalls).toBe(1);
    await informer.stop();
  });

  it('relists on 410 Gone and emits the difference (update, delete, add)', async () => {
    const { source, events, informer } = setUp();
    source.items = [obj('a', '5'), obj('b', '6'), obj('same', '7')];
    informer.start();
    await informer.waitForSync();
    await flushMicrotasks();
    source.items = [obj('a', '30'), obj('same', '7'), obj('d', '31')];
    source.listVersion = '32';
    source.current.end(new GoneError('too old'));
    await flushMicrotasks();
    expect(source.listCalls).toBe(2);
    expect(summary(events.slice(3))).toEqual(['update:a@30', 'add:d@31', 'delete:b@6']);
    expect(source.current.request.resourceVersion).toBe('32');
    await informer.stop();
  });

  it('restarts after watch and list errors with exponential backoff on the clock', async () => {
    const { source, clock, informer } = setUp();
    informer.start();
    await informer.waitForSync();
    await flushMicrotasks();
    source.current.end(new KubeApiError('connection reset'));
    await flushMicrotasks();
    expect(source.watches).toHaveLength(1);
    await clock.advance(99);
    expect(source.watches).toHaveLength(1);
    await clock.advance(1);
    expect(source.watches).toHaveLength(2);
    // The second failure in a row waits twice as long; a list failure counts the same way.
    source.current.end(new KubeApiError('503'));
    await clock.advance(100);
    expect(source.watches).toHaveLength(2);
    await clock.advance(100);
    expect(source.watches).toHaveLength(3);
    await informer.stop();
    expect(source.watches).toHaveLength(3);
  });

  it('retries a failing initial list and reports synced only after a list succeeded', async () => {
    const { source, clock, informer } = setUp();
    source.listFailures = 2;
    informer.start();
    await flushMicrotasks();
    expect(informer.hasSynced()).toBe(false);
    await clock.advance(100);
    expect(informer.hasSynced()).toBe(false);
    await clock.advance(200);
    expect(informer.hasSynced()).toBe(true);
    expect(source.listCalls).toBe(3);
    await informer.stop();
  });

  it('re-emits every cached object as sync each resync period, until stopped', async () => {
    const { source, clock, events, informer } = setUp(1000);
    source.items = [obj('a', '1'), obj('b', '2')];
    informer.start();
    await informer.waitForSync();
    await clock.advance(1000);
    expect(summary(events.slice(2))).toEqual(['sync:a@1', 'sync:b@2']);
    await clock.advance(1000);
    expect(events.filter((e) => e.type === 'sync')).toHaveLength(4);
    await informer.stop();
    await clock.advance(5000);
    expect(events.filter((e) => e.type === 'sync')).toHaveLength(4);
    expect(clock.pending).toBe(0);
  });

  it('keeps delivering to other handlers when one throws', async () => {
    const { source, events, informer } = setUp();
    informer.subscribe(() => {
      throw new Error('boom');
    });
    source.items = [obj('a', '1')];
    informer.start();
    await informer.waitForSync();
    await flushMicrotasks();
    source.current.request.onEvent({ type: 'ADDED', object: obj('b', '2') });
    expect(summary(events)).toEqual(['add:a@1', 'add:b@2']);
    await informer.stop();
  });

  it('caches objects without metadata.managedFields and with kind and apiVersion', async () => {
    const { source, informer } = setUp();
    source.items = [{ kind: 'ClusterStore', metadata: { name: 'a', resourceVersion: '1', managedFields: [{ manager: 'kubectl' }] }, spec: { x: 1 } }];
    informer.start();
    await informer.waitForSync();
    await flushMicrotasks();
    source.current.request.onEvent({ type: 'MODIFIED', object: { kind: 'ClusterStore', metadata: { name: 'b', resourceVersion: '2', managedFields: [] } } });
    expect(informer.get('a')).toEqual({ kind: 'ClusterStore', apiVersion: 'kpack.io/v1alpha2', metadata: { name: 'a', resourceVersion: '1' }, spec: { x: 1 } });
    expect(informer.get('b')?.metadata).toEqual({ name: 'b', resourceVersion: '2' });
    await informer.stop();
  });

  it('keeps of managedFields only the newest write of spec, cut to its time', async () => {
    const { source, informer } = setUp();
    const managedFields = [
      { manager: 'kubectl', operation: 'Update', time: '2026-12-01T10:00:00Z', fieldsV1: { 'f:spec': { 'f:tag': {} } } },
      { manager: 'kubectl', operation: 'Update', time: '2026-12-03T10:00:00Z', fieldsV1: { 'f:spec': { 'f:order': {} } } },
      { manager: 'packsmith', operation: 'Update', time: '2026-12-04T10:00:00Z', fieldsV1: { 'f:status': {} }, subresource: 'status' },
    ];
    source.items = [{ kind: 'Builder', metadata: { name: 'a', namespace: 'n', resourceVersion: '1', managedFields } }];
    informer.start();
    await informer.waitForSync();
    await flushMicrotasks();
    expect(informer.get('n/a')?.metadata.managedFields).toEqual([{ time: '2026-12-03T10:00:00Z', fieldsV1: { 'f:spec': {} } }]);
    await informer.stop();
  });

  it('backs off when watches keep ending at once', async () => {
    const { source, clock, informer } = setUp();
    informer.start();
    await informer.waitForSync();
    await flushMicrotasks();
    source.current.end();
    await flushMicrotasks();
    expect(source.watches).toHaveLength(1);
    await clock.advance(100);
    expect(source.watches).toHaveLength(2);
    source.current.end();
    await clock.advance(199);
    expect(source.watches).toHaveLength(2);
    await clock.advance(1);
    expect(source.watches).toHaveLength(3);
    await informer.stop();
  });
});
