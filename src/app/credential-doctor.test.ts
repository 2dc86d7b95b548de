import { describe, expect, it } from 'vitest';
import { parseAnyResource, type AnyResource, type KindName, type KubeObject } from '../api/index.ts';
import { anonymousKeychain, Credentials, staticKeychain, type Keychain } from '../oci/index.ts';
import { credentialChecks, runCredentialDoctor, serviceAccountDoctorCredentials, type AccessProbe, type ProbeOutcome } from './credential-doctor.ts';

function resource(kind: KindName, metadata: KubeObject['metadata'], spec: Record<string, unknown>): AnyResource {
  const parsed = parseAnyResource(kind, { apiVersion: 'kpack.io/v1alpha2', kind, metadata, spec });
  if ('problems' in parsed) throw new Error(parsed.problems.join('; '));
  return parsed;
}

const store = resource(
  'ClusterStore',
  { name: 'store' },
  { serviceAccountRef: { name: 'sa', namespace: 'ops' }, sources: [{ image: 'r.test/a:1' }, { image: 'r.test/b:1' }] },
);
const stack = resource('ClusterStack', { name: 'base' }, { id: 'x', buildImage: { image: 'r.test/build' }, runImage: { image: 'r.test/run' } });
const buildpack = resource('Buildpack', { name: 'bp', namespace: 'team' }, { image: 'oci:./bp' });
const builder = resource('Builder', { name: 'app', namespace: 'team' }, { tag: 'r.test/team/app', serviceAccountName: 'builder' });

describe('credentialChecks', () => {
  it("lists every image each resource names with the access it needs and the resource's own credentials", () => {
    expect(credentialChecks([store, stack, buildpack, builder])).toEqual([
      { resource: 'ClusterStore/store', image: 'r.test/a:1', access: 'read', credentials: { namespace: 'ops', serviceAccount: 'sa' } },
      { resource: 'ClusterStore/store', image: 'r.test/b:1', access: 'read', credentials: { namespace: 'ops', serviceAccount: 'sa' } },
      { resource: 'ClusterStack/base', image: 'r.test/build', access: 'read', credentials: {} },
      { resource: 'ClusterStack/base', image: 'r.test/run', access: 'read', credentials: {} },
      { resource: 'Buildpack/team/bp', image: 'oci:./bp', access: 'read', credentials: { namespace: 'team', serviceAccount: 'default' } },
      { resource: 'Builder/team/app', image: 'r.test/team/app', access: 'push', credentials: { namespace: 'team', serviceAccount: 'builder' } },
    ]);
  });
});

/** A probe answering from a table by image, counting calls. */
function probe(answers: Record<string, ProbeOutcome>): AccessProbe & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    probe: async (image, access) => Promise.resolve(void calls.push(`${access} ${image}`)).then(() => answers[image] ?? { ok: true }),
  };
}

const withSecret = staticKeychain({ 'r.test': Credentials.of({ username: 'u', password: 'secret-pw' }) });

describe('runCredentialDoctor', () => {
  it('gives each failure a fix naming the ServiceAccount and its Secrets, never the secret', async () => {
    const credentials = serviceAccountDoctorCredentials(async (ref) =>
      Promise.resolve({ keychain: ref.namespace ? withSecret : anonymousKeychain, secrets: ['regcred'] }),
    );
    const answers = probe({
      'r.test/a:1': { ok: false, problem: 'unauthorized', message: '401' },
      'r.test/b:1': { ok: false, problem: 'not-found', message: '404' },
      'r.test/build': { ok: false, problem: 'unauthorized', message: '401' },
      'oci:./bp': { local: true },
      'r.test/team/app': { ok: false, problem: 'denied', message: '403' },
    });
    const rows = await runCredentialDoctor(credentialChecks([store, stack, buildpack, builder]), { credentials, probe: answers });
    expect(rows.map((r) => [r.resource, r.result, r.problem, r.fix])).toEqual([
      ['ClusterStore/store', 'failed', 'unauthorized', 'r.test refused the credentials: correct the registry Secret (regcred) of ServiceAccount ops/sa'],
      ['ClusterStore/store', 'failed', 'not-found', 'r.test/b:1 does not exist (the credentials were accepted): push it or correct the reference'],
      [
        'ClusterStack/base',
        'failed',
        'no-credentials',
        'no credentials for r.test: set spec.serviceAccountRef (name and namespace) to a ServiceAccount whose Secret has access',
      ],
      ['ClusterStack/base', 'ok', undefined, undefined],
      ['Buildpack/team/bp', 'skipped', undefined, undefined],
      [
        'Builder/team/app',
        'failed',
        'denied',
        'the credentials may not push r.test/team/app: grant them push access on r.test, or correct the registry Secret (regcred) of ServiceAccount team/builder',
      ],
    ]);
    expect(rows[0]!.credentials).toBe('ServiceAccount ops/sa (Secrets: regcred)');
    expect(JSON.stringify(rows)).not.toContain('secret-pw');
  });

  it('asks once for the same image, access and credentials, and reports unreadable credentials', async () => {
    const twice = [builder, resource('Builder', { name: 'web', namespace: 'team' }, { tag: 'r.test/team/app', serviceAccountName: 'builder' })];
    const answers = probe({});
    let builds = 0;
    const credentials = serviceAccountDoctorCredentials(async () => {
      builds++;
      return Promise.resolve({ keychain: withSecret, secrets: [] });
    });
    const rows = await runCredentialDoctor(credentialChecks(twice), { credentials, probe: answers });
    expect(rows.map((r) => `${r.resource} ${r.result}`)).toEqual(['Builder/team/app ok', 'Builder/team/web ok']);
    expect(answers.calls).toEqual(['push r.test/team/app']);
    expect(builds).toBe(1);

    const failing = serviceAccountDoctorCredentials(async (): Promise<{ keychain: Keychain; secrets: string[] }> =>
      Promise.reject(new Error('serviceaccounts "builder" is forbidden')),
    );
    const [row] = await runCredentialDoctor(credentialChecks([builder]), { credentials: failing, probe: answers });
    expect(row).toMatchObject({
      result: 'failed',
      problem: 'credentials-unreadable',
      reason: 'cannot read the credentials: serviceaccounts "builder" is forbidden',
    });
  });
});
