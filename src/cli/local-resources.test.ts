import { describe, expect, it } from 'vitest';
import type { SourcedResource } from '../api/index.ts';
import { packsmithKinds, rejectedDependencies, skippedNotice } from './local-resources.ts';

const doc = (apiVersion: string, kind: string, origin: string): SourcedResource => ({ resource: { apiVersion, kind, metadata: { name: 'x' } }, origin });

describe('local resources', () => {
  it('keeps the seven kinds and their near misses, and skips the rest with one notice', () => {
    const { kept, skipped } = packsmithKinds([
      doc('kpack.io/v1alpha2', 'ClusterStore', 'a#1'),
      doc('kpack.io/v1alpha2', 'ClusterStak', 'a#2'),
      doc('kpack.io/v1alpha2', 'Image', 'a#3'),
      doc('apps/v1', 'Deployment', 'a#4'),
      doc('v1', 'Secret', 'a#5'),
    ]);
    expect(kept.map((r) => r.origin)).toEqual(['a#1', 'a#2']);
    expect(skippedNotice(skipped)).toBe('skipped 3 documents that packsmith does not build: Deployment, Image (kpack.io/v1alpha2), Secret');
    expect(skippedNotice([])).toBeUndefined();
  });

  it('hands rejected dependencies on with their origin and problems on one line, but not builders or duplicates', () => {
    const stack = { apiVersion: 'kpack.io/v1alpha2', kind: 'ClusterStack', metadata: { name: 's' } };
    const rejected = rejectedDependencies([
      {
        ok: false,
        origin: 's.yaml#1',
        resource: stack,
        message: 'invalid ClusterStack:\nmissing field(s): spec.runImage.image\n  name the run image\nunknown field(s): spec.x\n  "x" is not a field here',
      },
      { ok: false, origin: 's.yaml#2', resource: stack, message: 'duplicate of s.yaml#1: give each resource its own name' },
      { ok: false, origin: 'b.yaml#1', resource: { ...stack, kind: 'Builder' }, message: 'invalid Builder:\nmissing field(s): spec.tag' },
      { ok: false, origin: 'p.yaml#1', resource: { ...stack, kind: 'Buildpack' }, message: 'invalid Buildpack:\nmissing field(s): spec.image' },
    ]);
    expect(rejected).toEqual([
      {
        kind: 'ClusterStack',
        metadata: { name: 's' },
        reason: 'its spec in s.yaml#1 is invalid: missing field(s): spec.runImage.image; unknown field(s): spec.x',
      },
      { kind: 'Buildpack', metadata: { name: 's', namespace: 'default' }, reason: 'its spec in p.yaml#1 is invalid: missing field(s): spec.image' },
    ]);
  });
});
