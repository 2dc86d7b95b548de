import { describe, expect, it } from 'vitest';
import { isInvalid, parseAnyResource, parseResource } from './index.ts';

const builder = {
  apiVersion: 'kpack.io/v1alpha2',
  kind: 'Builder',
  metadata: { name: 'web', namespace: 'team', generation: 2 },
  spec: { tag: 'r.test/web', stack: { name: 'base' }, order: [{ group: [{ id: 'a' }] }] },
};

describe('parseResource', () => {
  it('gives a typed resource with kpack defaults applied, and the kind of the informer it came from', () => {
    const parsed = parseResource('Builder', { ...builder, kind: undefined });
    if (isInvalid(parsed)) throw new Error(parsed.problems.join('\n'));
    expect(parsed.kind).toBe('Builder');
    expect(parsed.spec.stack).toEqual({ name: 'base', kind: 'ClusterStack' });
    expect(parsed.spec.lifecycle).toEqual({ name: 'default-lifecycle', kind: 'ClusterLifecycle' });
    expect(parsed.spec.serviceAccountName).toBe('default');
  });

  it('keeps a status that fits and drops one that does not (packsmith writes it again)', () => {
    const fits = parseResource('Builder', { ...builder, status: { observedGeneration: 2, latestImage: 'r.test/web@sha256:1' } });
    expect(isInvalid(fits) ? undefined : fits.status?.latestImage).toBe('r.test/web@sha256:1');
    const foreign = parseResource('Builder', { ...builder, status: { latestImage: 42 } });
    expect(isInvalid(foreign)).toBe(false);
    expect('status' in foreign).toBe(false);
  });

  it('an invalid spec gives every problem with its path, and the stored status for comparison', () => {
    const parsed = parseResource('ClusterStack', {
      metadata: { name: 's' },
      spec: { id: 1, buildImage: { image: 2 }, bogus: true },
      status: { observedGeneration: 1 },
    });
    expect(isInvalid(parsed)).toBe(true);
    if (!isInvalid(parsed)) return;
    expect(parsed.problems).toHaveLength(3);
    expect(parsed.problems.join('\n')).toMatch(/spec\.id: .*\n.*spec\.buildImage\.image: /);
    expect(parsed.status).toEqual({ observedGeneration: 1 });
  });

  it('parseAnyResource narrows by kind at run time', () => {
    const parsed = parseAnyResource('ClusterLifecycle', { metadata: { name: 'l' }, spec: { image: 'r.test/lifecycle:1' } });
    if (isInvalid(parsed) || parsed.kind !== 'ClusterLifecycle') throw new Error('expected a ClusterLifecycle');
    expect(parsed.spec.image).toBe('r.test/lifecycle:1');
  });
});
