import { beforeEach, describe, expect, it } from 'vitest';
import { FakeImageAccess, buildpackTree, buildpackage, lifecycleImage, stackImage } from '../app/testdata/fakes.ts';
import { RegistryError } from '../oci/index.ts';
import { builderReconciler, dependencyWaitMs } from './builder.ts';
import { clusterLifecycleReconciler } from './cluster-lifecycle.ts';
import { clusterStackReconciler } from './cluster-stack.ts';
import { clusterStoreReconciler } from './cluster-store.ts';
import type { ReconcilerDeps } from './ports.ts';
import { missingImageDelayMs } from './reconciler.ts';
import { FakeCluster } from './testdata/fakes.ts';

const sa = { name: 'store-sa', namespace: 'creds' };
let images: FakeImageAccess;
let cluster: FakeCluster;
let deps: ReconcilerDeps;

beforeEach(async () => {
  images = new FakeImageAccess()
    .add('r.test/stack/build:1', stackImage('io.test.stack'))
    .add('r.test/stack/run:1', stackImage('io.test.stack'))
    .add('r.test/lifecycle:1', lifecycleImage())
    .add('r.test/store/a:1', await buildpackage([buildpackTree('io.test.a', '1.0.0')]));
  cluster = new FakeCluster()
    .put('ClusterStore', { name: 'default', generation: 3, spec: { sources: [{ image: 'r.test/store/a:1' }], serviceAccountRef: sa } })
    .put('ClusterStack', {
      name: 'base',
      spec: { id: 'io.test.stack', buildImage: { image: 'r.test/stack/build:1' }, runImage: { image: 'r.test/stack/run:1' } },
    })
    .put('ClusterLifecycle', { name: 'default-lifecycle', spec: { image: 'r.test/lifecycle:1' } })
    .put('Builder', {
      name: 'web',
      namespace: 'team',
      generation: 2,
      spec: {
        tag: 'r.test/builders/web',
        stack: { name: 'base' },
        store: { name: 'default' },
        serviceAccountName: 'builder-sa',
        order: [{ group: [{ id: 'io.test.a' }] }],
      },
    });
  deps = cluster.deps(images);
});

async function resolveDependencies(): Promise<void> {
  await clusterStoreReconciler(deps).reconcile('default');
  await clusterStackReconciler(deps).reconcile('base');
  await clusterLifecycleReconciler(deps).reconcile('default-lifecycle');
}

describe('ClusterStore reconciler', () => {
  it('writes the buildpacks, Ready True and observedGeneration, reading with the referenced service account', async () => {
    expect(await clusterStoreReconciler(deps).reconcile('default')).toEqual({ type: 'done' });
    const status = cluster.status('ClusterStore', 'default');
    expect(status).toMatchObject({ observedGeneration: 3, conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2026-01-02T03:04:05Z' }] });
    expect((status.buildpacks as Array<{ id: string }>).map((b) => b.id)).toEqual(['io.test.a']);
    expect(images.summary('read')).toEqual(['r.test/store/a:1 creds/store-sa']);
  });

  it('writes nothing when the status did not change (transition times aside)', async () => {
    await clusterStoreReconciler(deps).reconcile('default');
    const later = cluster.deps(images, new Date('2026-02-02T00:00:00Z'));
    await clusterStoreReconciler(later).reconcile('default');
    expect(cluster.writes).toHaveLength(1);
  });

  it('keeps the last good buildpacks on a 404 (D-b), says so, and looks again after a slow delay', async () => {
    await clusterStoreReconciler(deps).reconcile('default');
    images.fail('r.test/store/a:1', new RegistryError('manifest unknown', { status: 404 }));
    const result = await clusterStoreReconciler(deps).reconcile('default');
    expect(result).toEqual({ type: 'requeueAfter', delayMs: missingImageDelayMs, failure: 'missing-dependency' });
    const status = cluster.status('ClusterStore', 'default');
    expect((status.buildpacks as unknown[]).length).toBe(1);
    const ready = (status.conditions as Array<{ status: string; message: string }>)[0]!;
    expect(ready.status).toBe('False');
    expect(ready.message).toMatch(/spec\.sources\[0\] \(r\.test\/store\/a:1\): manifest unknown/);
    expect(ready.message).toMatch(/last resolved status is kept/);
    expect(cluster.events).toEqual([
      { kind: 'ClusterStore', name: 'default', type: 'Warning', reason: 'ReadFailed', message: expect.stringMatching(/manifest unknown/) as unknown },
    ]);
  });

  it.each([
    [503, { type: 'backoff', failure: 'transient' }],
    [429, { type: 'backoff', failure: 'transient' }],
    [401, { type: 'done', failure: 'permanent' }],
    [403, { type: 'done', failure: 'permanent' }],
  ])('a %i from the registry gives %o', async (status, expected) => {
    images.fail('r.test/store/a:1', new RegistryError(`status ${status}`, { status }));
    expect(await clusterStoreReconciler(deps).reconcile('default')).toEqual(expected);
    // No earlier success: only the condition, no resolved fields.
    expect(Object.keys(cluster.status('ClusterStore', 'default')).sort()).toEqual(['conditions', 'observedGeneration']);
  });

  it('re-reads and writes again at once after a 409 on the status write', async () => {
    cluster.conflicts = 1;
    expect(await clusterStoreReconciler(deps).reconcile('default')).toEqual({ type: 'done' });
    expect(cluster.writes).toHaveLength(1);
  });

  it('does nothing for an object that is gone', async () => {
    expect(await clusterStoreReconciler(deps).reconcile('missing')).toEqual({ type: 'done' });
    expect(cluster.writes).toEqual([]);
  });
});

describe('Builder reconciler', () => {
  it('builds, writes Ready and UpToDate, announces the digest and records what it used', async () => {
    await resolveDependencies();
    expect(await builderReconciler('namespaced', deps).reconcile('team/web')).toEqual({ type: 'done' });
    const status = cluster.status('Builder', 'team/web');
    expect(status.latestImage).toMatch(/^r\.test\/builders\/web:builder-team-web@sha256:[0-9a-f]{64}$/);
    expect(status).toMatchObject({
      observedGeneration: 2,
      conditions: [
        { type: 'Ready', status: 'True' },
        { type: 'UpToDate', status: 'True' },
      ],
      order: [{ group: [{ id: 'io.test.a', version: '1.0.0' }] }],
    });
    expect(cluster.events.filter((e) => e.kind === 'Builder')).toEqual([
      { kind: 'Builder', name: 'web', type: 'Normal', reason: 'Built', message: `builder image ${String(status.latestImage)} pushed` },
    ]);
    expect(cluster.tracked.get('Builder:team/web')).toEqual({
      objects: [
        { kind: 'ClusterStack', name: 'base' },
        { kind: 'ClusterLifecycle', name: 'default-lifecycle' },
        { kind: 'ClusterStore', name: 'default' },
      ],
      buildpackIds: ['io.test.a'],
    });
    // The builder tag is written with the builder's own service account; layers with the store's.
    expect(images.calls.filter((c) => c.op === 'write').map((c) => c.keychain)).toEqual(['team/builder-sa', 'team/builder-sa']);
    expect(images.calls.filter((c) => c.op === 'layer').map((c) => c.keychain)).toEqual(['creds/store-sa']);
  });

  it('is not rebuilt when nothing changed: same digest, nothing pushed, no status write, no event', async () => {
    await resolveDependencies();
    await builderReconciler('namespaced', deps).reconcile('team/web');
    const writes = cluster.writes.length;
    const events = cluster.events.length;
    images.calls.length = 0;
    await builderReconciler('namespaced', deps).reconcile('team/web');
    expect(cluster.writes.length).toBe(writes);
    expect(cluster.events.length).toBe(events);
    expect(images.calls.filter((c) => c.op === 'write' && (c.tags ?? []).length > 0)).toEqual([]);
  });

  it('keeps building from a stack that fails after an earlier success (D-b gate: resolved status, not Ready)', async () => {
    await resolveDependencies();
    images.fail('r.test/stack/run:1', new RegistryError('unavailable', { status: 503 }));
    expect(await clusterStackReconciler(deps).reconcile('base')).toEqual({ type: 'backoff', failure: 'transient' });
    expect(cluster.status('ClusterStack', 'base')).toMatchObject({ conditions: [{ status: 'False' }], buildImage: { image: 'r.test/stack/build:1' } });
    images.fail('r.test/stack/run:1', undefined as never);
    expect(await builderReconciler('namespaced', deps).reconcile('team/web')).toEqual({ type: 'done' });
    expect(cluster.status('Builder', 'team/web')).toMatchObject({ conditions: [{ status: 'True' }, { status: 'True' }] });
  });

  it('waits for a stack that never resolved, and reports a missing one (kpack messages)', async () => {
    await clusterStoreReconciler(deps).reconcile('default');
    await clusterLifecycleReconciler(deps).reconcile('default-lifecycle');
    expect(await builderReconciler('namespaced', deps).reconcile('team/web')).toEqual({
      type: 'requeueAfter',
      delayMs: dependencyWaitMs,
      failure: 'missing-dependency',
    });
    expect(cluster.status('Builder', 'team/web')).toMatchObject({
      conditions: [
        {
          type: 'Ready',
          status: 'False',
          reason: 'NoLatestImage',
          message: "Builder has no latestImage: Error: clusterstack 'base' is not ready: it has no resolved status yet",
        },
        { type: 'UpToDate', status: 'False', reason: 'ReconcileFailed', message: "Error: clusterstack 'base' is not ready: it has no resolved status yet" },
      ],
    });
    cluster.objects.delete('ClusterStack:base');
    expect(await builderReconciler('namespaced', deps).reconcile('team/web')).toEqual({ type: 'done', failure: 'missing-dependency' });
    expect(cluster.status('Builder', 'team/web')).toMatchObject({ conditions: [{}, { message: 'clusterstack.kpack.io "base" not found' }] });
    // Dependencies are recorded even when the build cannot start, so the stack's creation enqueues the builder.
    expect(cluster.tracked.get('Builder:team/web')?.objects).toContainEqual({ kind: 'ClusterStack', name: 'base' });
  });

  it("reports every missing or unready dependency at once, kpack's first line first (the same path as local mode)", async () => {
    await clusterLifecycleReconciler(deps).reconcile('default-lifecycle');
    cluster.objects.delete('ClusterStack:base');
    // The store exists but has never resolved; the stack does not exist: both are named, so polling continues.
    expect(await builderReconciler('namespaced', deps).reconcile('team/web')).toEqual({
      type: 'requeueAfter',
      delayMs: dependencyWaitMs,
      failure: 'missing-dependency',
    });
    expect(cluster.status('Builder', 'team/web')).toMatchObject({
      conditions: [
        {
          message:
            'Builder has no latestImage: Error: clusterstore \'default\' is not ready: it has no resolved status yet\nclusterstack.kpack.io "base" not found',
        },
        { message: ["Error: clusterstore 'default' is not ready: it has no resolved status yet", 'clusterstack.kpack.io "base" not found'].join('\n') },
      ],
    });
  });

  it('an invalid spec is parsed once into its problems: Ready False on the stack, and the builder names it', async () => {
    await clusterStoreReconciler(deps).reconcile('default');
    await clusterLifecycleReconciler(deps).reconcile('default-lifecycle');
    cluster.put('ClusterStack', { name: 'base', spec: { id: 'io.test.stack', buildImage: { image: 7 }, runImage: { image: 'r.test/stack/run:1' } } });
    expect(await clusterStackReconciler(deps).reconcile('base')).toEqual({ type: 'done' });
    const stackMessage = (cluster.status('ClusterStack', 'base').conditions as Array<{ message?: string }>)[0]?.message;
    expect(stackMessage).toMatch(/^invalid ClusterStack: spec\.buildImage\.image: /);
    // A second reconcile of the unchanged object writes nothing.
    const writes = cluster.writes.length;
    await clusterStackReconciler(deps).reconcile('base');
    expect(cluster.writes.length).toBe(writes);
    await builderReconciler('namespaced', deps).reconcile('team/web');
    const [ready, upToDate] = cluster.status('Builder', 'team/web').conditions as Array<{ message?: string }>;
    expect(ready?.message).toBe(`Builder has no latestImage: ${upToDate?.message}`);
    expect(upToDate?.message).toMatch(/^Error: clusterstack 'base' is not ready: its spec is invalid: spec\.buildImage\.image: /);
  });

  it('keeps the last image after a failure: Ready True, UpToDate False with the reason, a Warning event', async () => {
    await resolveDependencies();
    await builderReconciler('namespaced', deps).reconcile('team/web');
    const latest = cluster.status('Builder', 'team/web').latestImage;
    cluster.put('Builder', {
      name: 'web',
      namespace: 'team',
      generation: 3,
      spec: { tag: 'r.test/builders/web', stack: { name: 'base' }, store: { name: 'default' }, order: [{ group: [{ id: 'io.test.missing' }] }] },
      status: cluster.status('Builder', 'team/web'),
    });
    expect(await builderReconciler('namespaced', deps).reconcile('team/web')).toEqual({ type: 'done', failure: 'permanent' });
    const status = cluster.status('Builder', 'team/web');
    expect(status.latestImage).toBe(latest);
    expect(status).toMatchObject({
      observedGeneration: 3,
      conditions: [
        { type: 'Ready', status: 'True' },
        { type: 'UpToDate', status: 'False', reason: 'ReconcileFailed' },
      ],
    });
    expect(cluster.events.at(-1)).toMatchObject({ type: 'Warning', reason: 'ReconcileFailed', message: expect.stringMatching(/io\.test\.missing/) as unknown });
  });

  it('a ClusterBuilder uses its serviceAccountRef and the clusterbuilder tag', async () => {
    await resolveDependencies();
    cluster.put('ClusterBuilder', {
      name: 'shared',
      spec: {
        tag: 'r.test/builders/shared',
        stack: { name: 'base' },
        store: { name: 'default' },
        serviceAccountRef: { name: 'cb', namespace: 'ops' },
        order: [{ group: [{ id: 'io.test.a' }] }],
      },
    });
    images.calls.length = 0;
    await builderReconciler('cluster', deps).reconcile('shared');
    expect(cluster.status('ClusterBuilder', 'shared').latestImage).toMatch(/^r\.test\/builders\/shared:clusterbuilder-shared@sha256:/);
    expect(images.calls.filter((c) => c.op === 'write').map((c) => c.keychain)).toEqual(['ops/cb', 'ops/cb']);
  });
});
