import { describe, expect, it } from 'vitest';
import { createTracker } from './tracker.ts';

const builderA = { kind: 'Builder', namespace: 'a', name: 'b1' };
const builderB = { kind: 'Builder', namespace: 'b', name: 'b2' };
const clusterBuilder = { kind: 'ClusterBuilder', name: 'cb' };
const store = { kind: 'ClusterStore', name: 'default' };
const otherStore = { kind: 'ClusterStore', name: 'other' };
const stack = { kind: 'ClusterStack', name: 'base' };

describe('createTracker', () => {
  it('returns only the dependents that track an object', () => {
    const tracker = createTracker();
    tracker.track(builderA, store);
    tracker.track(builderA, stack);
    tracker.track(clusterBuilder, store);
    expect(tracker.dependentsOf(store)).toEqual([builderA, clusterBuilder]);
    expect(tracker.dependentsOf(stack)).toEqual([builderA]);
    expect(tracker.dependentsOf(otherStore)).toEqual([]);
    expect(tracker.dependentsOf({ kind: 'ClusterStack', name: 'default' })).toEqual([]);
  });

  it('maps buildpack ids to dependents, restricted to a namespace for namespaced providers', () => {
    const tracker = createTracker();
    tracker.trackBuildpackId(builderA, 'paketo/node');
    tracker.trackBuildpackId(builderB, 'paketo/node');
    tracker.trackBuildpackId(clusterBuilder, 'paketo/go');
    expect(tracker.dependentsOfBuildpackIds(['paketo/node'])).toEqual([builderA, builderB]);
    expect(tracker.dependentsOfBuildpackIds(['paketo/node', 'paketo/go'], { namespace: 'b' })).toEqual([builderB]);
    expect(tracker.dependentsOfBuildpackIds(new Set(['paketo/go', 'paketo/go']))).toEqual([clusterBuilder]);
    expect(tracker.dependentsOfBuildpackIds(['paketo/java'])).toEqual([]);
  });

  it('setDependencies replaces what a dependent used before; forget drops it', () => {
    const tracker = createTracker();
    tracker.setDependencies(builderA, { objects: [store, stack], buildpackIds: ['x'] });
    tracker.setDependencies(builderA, { objects: [otherStore], buildpackIds: ['y'] });
    expect(tracker.dependentsOf(store)).toEqual([]);
    expect(tracker.dependentsOf(otherStore)).toEqual([builderA]);
    expect(tracker.dependentsOfBuildpackIds(['x'])).toEqual([]);
    expect(tracker.dependentsOfBuildpackIds(['y'])).toEqual([builderA]);
    tracker.forget(builderA);
    expect(tracker.dependentsOf(otherStore)).toEqual([]);
    expect(tracker.dependentsOfBuildpackIds(['y'])).toEqual([]);
  });

  it('treats an empty namespace as cluster scope', () => {
    const tracker = createTracker();
    tracker.track({ kind: 'ClusterBuilder', namespace: '', name: 'cb' }, { kind: 'ClusterStore', namespace: '', name: 'default' });
    expect(tracker.dependentsOf(store)).toEqual([clusterBuilder]);
  });
});
