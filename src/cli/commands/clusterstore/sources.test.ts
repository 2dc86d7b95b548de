// The store edits of create, add and remove, and the lines kp prints while making them.
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../cluster/port.ts';
import { addSources, newStoreObject, removeSources, requireBuildpackages } from './sources.ts';

const repo = 'registry.test/kp-default';

describe('create', () => {
  it('needs at least one buildpackage', () => {
    expect(() => requireBuildpackages([])).toThrow('At least one buildpackage must be provided');
    expect(() => requireBuildpackages(['x'])).not.toThrow();
  });

  it('names the relocated images and the kp-config service account, with explicit apiVersion and kind', () => {
    expect(newStoreObject('my-store', [`${repo}@sha256:a`, `${repo}@sha256:b`], { name: 'kp-sa', namespace: 'kpack' })).toEqual({
      apiVersion: 'kpack.io/v1alpha2',
      kind: 'ClusterStore',
      metadata: { name: 'my-store' },
      spec: { sources: [{ image: `${repo}@sha256:a` }, { image: `${repo}@sha256:b` }], serviceAccountRef: { namespace: 'kpack', name: 'kp-sa' } },
    });
  });
});

describe('add', () => {
  it('appends new digests and reports ones the store has, whatever repository they were named in', () => {
    const current = [{ image: 'elsewhere.test/old@sha256:old' }, { image: 'tagged.test/image:1' }];
    const edit = addSources(current, [`${repo}@sha256:new`, `${repo}@sha256:old`, `${repo}@sha256:new`]);
    expect(edit.sources).toEqual([...current, { image: `${repo}@sha256:new` }]);
    expect(edit.lines).toEqual(['\tAdded Buildpackage', '\tBuildpackage already exists in the store', '\tBuildpackage already exists in the store']);
    expect(current).toHaveLength(2);
  });
});

describe('remove', () => {
  const store: KubeObject = {
    metadata: { name: 's' },
    spec: { sources: [{ image: `${repo}@sha256:web` }, { image: `${repo}@sha256:ruby` }] },
    status: {
      buildpacks: [
        { id: 'test/node', version: '1.0.0', storeImage: { image: `${repo}@sha256:web` } },
        { id: 'test/ruby', version: '2.0.0', storeImage: { image: `${repo}@sha256:ruby` } },
        { id: 'test/web', version: '2.0.0', storeImage: { image: `${repo}@sha256:web` } },
      ],
    },
  };

  it('drops the source each buildpack came from, nested buildpacks included', () => {
    expect(removeSources(store, ['test/node@1.0.0'])).toEqual({
      sources: [{ image: `${repo}@sha256:ruby` }],
      lines: ['Removing buildpackage test/node@1.0.0'],
    });
    const both = removeSources(store, ['test/ruby@2.0.0', 'test/web@2.0.0']);
    expect(both.sources).toEqual([]);
    expect(both.lines).toEqual(['Removing buildpackage test/ruby@2.0.0', 'Removing buildpackage test/web@2.0.0']);
  });

  it('fails, before removing anything, on a buildpack the status does not list', () => {
    expect(() => removeSources(store, ['test/ruby@2.0.0', 'test/ruby@9.9.9'])).toThrow("Buildpackage 'test/ruby@9.9.9' does not exist in the ClusterStore");
    expect(() => removeSources(store, ['test/ruby'])).toThrow("Buildpackage 'test/ruby' does not exist in the ClusterStore");
  });
});
