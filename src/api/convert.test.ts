import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { conversionAnnotation, convertResource } from './convert.ts';
import type { KubeObject } from './resource.ts';

const builderV2: KubeObject = {
  apiVersion: 'kpack.io/v1alpha2',
  kind: 'Builder',
  metadata: { name: 'b', namespace: 'ns', annotations: { team: 'x' } },
  spec: {
    tag: 'registry.test/b',
    stack: { name: 'base', kind: 'ClusterStack' },
    store: { name: 'default', kind: 'ClusterStore' },
    lifecycle: { name: 'default-lifecycle', kind: 'ClusterLifecycle' },
    serviceAccountName: 'builder-sa',
    additionalLabels: { team: 'platform' },
    order: [
      {
        group: [
          { id: 'a', version: '1.0.0' },
          { kind: 'ClusterBuildpack', name: 'node' },
          { id: 'c', optional: true },
        ],
      },
    ],
  },
};

describe('convertResource', () => {
  it('shows a v1alpha2 Builder as v1alpha1 with what that version can say', () => {
    const v1 = convertResource(builderV2, 'kpack.io/v1alpha1');
    expect(v1.apiVersion).toBe('kpack.io/v1alpha1');
    expect(v1.spec).toEqual({
      tag: 'registry.test/b',
      stack: { name: 'base', kind: 'ClusterStack' },
      store: { name: 'default', kind: 'ClusterStore' },
      serviceAccount: 'builder-sa',
      order: [
        {
          group: [
            { id: 'a', version: '1.0.0' },
            { id: 'c', optional: true },
          ],
        },
      ],
    });
    expect(v1.metadata.annotations?.team).toBe('x');
    expect(v1.metadata.annotations?.[conversionAnnotation]).toBeDefined();
  });

  it('round-trips every kind without loss', () => {
    const storeV2: KubeObject = {
      apiVersion: 'kpack.io/v1alpha2',
      kind: 'ClusterStore',
      metadata: { name: 's' },
      spec: { sources: [{ image: 'r/a' }], serviceAccountRef: { name: 'sa', namespace: 'ns' } },
    };
    for (const original of [
      builderV2,
      storeV2,
      { ...builderV2, kind: 'ClusterBuilder', spec: { ...(builderV2.spec as object), serviceAccountRef: { name: 'sa', namespace: 'n' } } },
    ]) {
      const back = convertResource(convertResource(original, 'kpack.io/v1alpha1'), 'kpack.io/v1alpha2');
      expect(back).toEqual(original);
    }
  });

  it('maps a v1alpha1 Builder written by hand to v1alpha2', () => {
    const v1: KubeObject = {
      apiVersion: 'kpack.io/v1alpha1',
      kind: 'Builder',
      metadata: { name: 'b' },
      spec: { tag: 't', serviceAccount: 'default', order: [{ group: [{ id: 'a' }] }] },
    };
    expect(convertResource(v1, 'kpack.io/v1alpha2').spec).toEqual({ tag: 't', serviceAccountName: 'default', order: [{ group: [{ id: 'a' }] }] });
  });

  it('keeps an order edited through v1alpha1 instead of the saved one', () => {
    const v1 = convertResource(builderV2, 'kpack.io/v1alpha1');
    const edited = { ...v1, spec: { ...(v1.spec as object), order: [{ group: [{ id: 'z' }] }] } };
    const v2 = convertResource(edited, 'kpack.io/v1alpha2');
    expect((v2.spec as { order: unknown }).order).toEqual([{ group: [{ id: 'z' }] }]);
    expect((v2.spec as { lifecycle: unknown }).lifecycle).toEqual({ name: 'default-lifecycle', kind: 'ClusterLifecycle' });
  });

  it('round-trips arbitrary builder specs', () => {
    const ref = fc.record(
      {
        id: fc.string({ minLength: 1, maxLength: 5 }),
        version: fc.string({ minLength: 1, maxLength: 5 }),
        optional: fc.constant(true),
        kind: fc.constantFrom('Buildpack', 'ClusterBuildpack'),
        name: fc.string({ minLength: 1, maxLength: 5 }),
      },
      { requiredKeys: [] },
    );
    const spec = fc.record(
      {
        tag: fc.string({ minLength: 1 }),
        lifecycle: fc.record({ name: fc.string({ minLength: 1 }) }),
        additionalLabels: fc.dictionary(fc.string({ minLength: 1 }), fc.string()),
        serviceAccountName: fc.string({ minLength: 1 }),
        order: fc.array(fc.record({ group: fc.array(ref, { maxLength: 4 }) }), { maxLength: 3 }),
      },
      { requiredKeys: ['tag'] },
    );
    fc.assert(
      fc.property(spec, (s) => {
        const original: KubeObject = { apiVersion: 'kpack.io/v1alpha2', kind: 'Builder', metadata: { name: 'b' }, spec: s };
        expect(convertResource(convertResource(original, 'kpack.io/v1alpha1'), 'kpack.io/v1alpha2')).toEqual(original);
      }),
      { numRuns: 300 },
    );
  });
});
