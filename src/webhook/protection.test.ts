import { describe, expect, it } from 'vitest';
import { describeUsers, forceDeleteAnnotation, protectAdmission, type ProtectedObject, type UserName } from './protection.ts';
import type { AdmissionRequest } from './review-types.ts';

const stack = { apiVersion: 'kpack.io/v1alpha2', kind: 'ClusterStack', metadata: { name: 'base' }, spec: {} };
const buildpack = {
  apiVersion: 'kpack.io/v1alpha2',
  kind: 'Buildpack',
  metadata: { name: 'node', namespace: 'team-a' },
  spec: {},
  status: { buildpacks: [{ id: 'paketo/node' }, { id: 'paketo/npm' }] },
};
const deletion = (oldObject: unknown, operation: AdmissionRequest['operation'] = 'DELETE'): AdmissionRequest => ({ uid: 'd', operation, oldObject });
const users = (n: number): UserName[] => Array.from({ length: n }, (_, i) => ({ kind: 'Builder', namespace: 'ns', name: `b${i}` }));

/** A lookup that records what it was asked and answers `answer`. */
function lookup(answer: readonly UserName[]): { asked: ProtectedObject[]; usersOf: (t: ProtectedObject) => Promise<readonly UserName[]> } {
  const asked: ProtectedObject[] = [];
  return { asked, usersOf: async (t) => Promise.resolve(void asked.push(t)).then(() => answer) };
}

describe('describeUsers', () => {
  it('names at most the limit, then says how many more', () => {
    expect(describeUsers([{ kind: 'ClusterBuilder', name: 'c' }, ...users(1)], 5)).toBe('ClusterBuilder c, Builder ns/b0');
    expect(describeUsers(users(7), 5)).toBe('Builder ns/b0, Builder ns/b1, Builder ns/b2, Builder ns/b3, Builder ns/b4 and 2 more');
  });
});

describe('protectAdmission', () => {
  it('refuses deleting a used object, naming its users and both ways to force it', async () => {
    const { asked, usersOf } = lookup(users(7));
    const response = await protectAdmission(deletion(buildpack), usersOf, 3);
    expect(asked).toEqual([{ kind: 'Buildpack', name: 'node', namespace: 'team-a', buildpackIds: ['paketo/node', 'paketo/npm'] }]);
    expect(response).toMatchObject({ uid: 'd', allowed: false, status: { code: 403, reason: 'Forbidden' } });
    expect(response.status?.message).toBe(
      'Buildpack "node" is in use by 7 builders: Builder ns/b0, Builder ns/b1, Builder ns/b2 and 4 more. ' +
        'Change or delete them first, or delete it anyway with: packsmith buildpack delete node -n team-a --force ' +
        `(or kubectl annotate buildpack node -n team-a ${forceDeleteAnnotation}=true, then delete)`,
    );
  });

  it('allows an unused object, a forced one, other operations and kinds builders do not use', async () => {
    expect(await protectAdmission(deletion(stack), lookup([]).usersOf)).toEqual({ uid: 'd', allowed: true });
    const forced = { ...stack, metadata: { name: 'base', annotations: { [forceDeleteAnnotation]: 'true' } } };
    const used = lookup(users(1));
    expect((await protectAdmission(deletion(forced), used.usersOf)).allowed).toBe(true);
    expect((await protectAdmission(deletion(stack, 'UPDATE'), used.usersOf)).allowed).toBe(true);
    expect((await protectAdmission(deletion({ ...stack, kind: 'Builder' }), used.usersOf)).allowed).toBe(true);
    expect(used.asked).toEqual([]);
    expect(
      (await protectAdmission(deletion({ ...forced, metadata: { name: 'base', annotations: { [forceDeleteAnnotation]: 'yes' } } }), used.usersOf)).allowed,
    ).toBe(false);
  });

  it('allows the delete with a warning when the lookup fails, so a broken check never blocks cleanup', async () => {
    const response = await protectAdmission(deletion(stack), async () => Promise.reject(new Error('connection refused')));
    expect(response).toEqual({
      uid: 'd',
      allowed: true,
      warnings: ['packsmith could not check which builders use ClusterStack "base" (connection refused); deleted unchecked'],
    });
  });
});
