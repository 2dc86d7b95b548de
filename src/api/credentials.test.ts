import { describe, expect, it } from 'vitest';
import { credentialKey, credentialRefOf } from './credentials.ts';

describe('credentialRefOf', () => {
  const meta = { name: 'x', namespace: 'team' };
  const cases: Array<{ title: string; resource: Parameters<typeof credentialRefOf>[0]; ref: ReturnType<typeof credentialRefOf> }> = [
    {
      title: 'Builder without an account uses default',
      resource: { kind: 'Builder', metadata: meta, spec: {} },
      ref: { namespace: 'team', serviceAccount: 'default' },
    },
    {
      title: 'Builder legacy serviceAccount',
      resource: { kind: 'Builder', metadata: meta, spec: { serviceAccount: 'legacy' } },
      ref: { namespace: 'team', serviceAccount: 'legacy' },
    },
    {
      title: 'Builder serviceAccountName wins over legacy',
      resource: { kind: 'Builder', metadata: meta, spec: { serviceAccountName: 'sa', serviceAccount: 'legacy' } },
      ref: { namespace: 'team', serviceAccount: 'sa' },
    },
    {
      title: 'Buildpack without an account uses default (kpack reads the empty name as default)',
      resource: { kind: 'Buildpack', metadata: meta, spec: {} },
      ref: { namespace: 'team', serviceAccount: 'default' },
    },
    {
      title: 'Buildpack ignores the Builder-only legacy field',
      resource: { kind: 'Buildpack', metadata: meta, spec: { serviceAccount: 'legacy' } },
      ref: { namespace: 'team', serviceAccount: 'default' },
    },
    {
      title: 'Buildpack serviceAccountName',
      resource: { kind: 'Buildpack', metadata: meta, spec: { serviceAccountName: 'sa' } },
      ref: { namespace: 'team', serviceAccount: 'sa' },
    },
    {
      title: 'ClusterBuilder serviceAccountRef',
      resource: { kind: 'ClusterBuilder', metadata: { name: 'cb' }, spec: { serviceAccountRef: { name: 'sa', namespace: 'ops' } } },
      ref: { namespace: 'ops', serviceAccount: 'sa' },
    },
    { title: 'cluster kind without serviceAccountRef: controller-wide', resource: { kind: 'ClusterStore', metadata: { name: 's' }, spec: {} }, ref: {} },
    {
      title: 'cluster kind with a ref but no namespace: controller-wide, name kept',
      resource: { kind: 'ClusterStack', metadata: { name: 's' }, spec: { serviceAccountRef: { name: 'sa' } } },
      ref: { serviceAccount: 'sa' },
    },
    { title: 'no spec at all', resource: { kind: 'ClusterLifecycle', metadata: { name: 'l' } }, ref: {} },
  ];
  for (const c of cases) {
    it(c.title, () => {
      expect(credentialRefOf(c.resource)).toEqual(c.ref);
    });
  }
});

describe('credentialKey', () => {
  it('is equal for equal refs and ignores the order and repeats of pull secrets', () => {
    expect(credentialKey({ namespace: 'a', serviceAccount: 'sa', imagePullSecrets: ['x', 'y', 'x'] })).toBe(
      credentialKey({ namespace: 'a', serviceAccount: 'sa', imagePullSecrets: ['y', 'x'] }),
    );
  });

  it('treats a missing account as default', () => {
    expect(credentialKey({ namespace: 'a' })).toBe(credentialKey({ namespace: 'a', serviceAccount: 'default' }));
  });

  it('separates namespaces, accounts and pull secrets', () => {
    const keys = [
      { namespace: 'a', serviceAccount: 'sa' },
      { namespace: 'b', serviceAccount: 'sa' },
      { namespace: 'a', serviceAccount: 'other' },
      { namespace: 'a', serviceAccount: 'sa', imagePullSecrets: ['p'] },
    ].map(credentialKey);
    expect(new Set(keys).size).toBe(4);
  });

  it('gives every non-namespaced ref the controller-wide key', () => {
    expect(credentialKey({})).toBe(credentialKey({ serviceAccount: 'ignored', imagePullSecrets: ['p'] }));
    expect(credentialKey({})).not.toBe(credentialKey({ namespace: 'a' }));
  });
});
