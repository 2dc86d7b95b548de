// In-use protection against a real kube-apiserver: deleting a stack, store, lifecycle or buildpack
// that builders use is refused by the webhook naming them (kubectl and the CLI alike), the force
// annotation and `delete --force` let it go, a namespaced Buildpack counts only for its own
// namespace, and with the webhook gone (failurePolicy Ignore) deletes are not blocked.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.ts';
import { captureIo } from '../../src/cli/testing/index.ts';
import { forceDeleteAnnotation, type WebhookServer } from '../../src/webhook/index.ts';
import { startKube, type KubeHandle } from '../harness/index.ts';
import { registerWebhook } from './register-webhook.ts';

let kube: KubeHandle;
let webhook: WebhookServer | undefined;

const stack = (name: string): object => ({
  apiVersion: 'kpack.io/v1alpha2',
  kind: 'ClusterStack',
  metadata: { name },
  spec: { id: 'io.buildpacks.stacks.jammy', buildImage: { image: 'registry.test/build:1' }, runImage: { image: 'registry.test/run:1' } },
});
const image = (kind: string, name: string, namespace?: string): object => ({
  apiVersion: 'kpack.io/v1alpha2',
  kind,
  metadata: { name, ...(namespace ? { namespace } : {}) },
  spec: { image: `registry.test/${name}:1` },
});
const store = { apiVersion: 'kpack.io/v1alpha2', kind: 'ClusterStore', metadata: { name: 'default' }, spec: { sources: [{ image: 'registry.test/bp:1' }] } };
const builderSpec = (group: object[], lifecycle = 'default-lifecycle'): object => ({
  tag: 'registry.test/team/builder',
  stack: { name: 'base', kind: 'ClusterStack' },
  store: { name: 'default', kind: 'ClusterStore' },
  lifecycle: { name: lifecycle, kind: 'ClusterLifecycle' },
  order: [{ group }],
});
const builder = (name: string, namespace: string, group: object[], lifecycle?: string): object => ({
  apiVersion: 'kpack.io/v1alpha2',
  kind: 'Builder',
  metadata: { name, namespace },
  spec: { ...builderSpec(group, lifecycle), serviceAccountName: 'default' },
});

async function apply(...objects: object[]): Promise<void> {
  const result = await kube.kubectl(['apply', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }) });
  expect(result.code, result.stderr).toBe(0);
}

/** Runs `packsmith <args>` in-process; a question is answered with "y". */
async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = {
    ...captureIo({ env: { KUBECONFIG: kube.kubeconfigPath, HOME: '/nonexistent', PATH: process.env.PATH } }),
    ask: async () => Promise.resolve('y'),
  };
  const code = await runCli(args, io);
  return { code, out: io.out.join(''), err: io.err.join('') };
}

beforeAll(async () => {
  kube = await startKube();
  webhook = await registerWebhook(kube);
  for (const namespace of ['team-a', 'team-b']) expect((await kube.kubectl(['create', 'namespace', namespace])).code).toBe(0);
  await apply(
    stack('base'),
    stack('spare'),
    store,
    image('ClusterLifecycle', 'default-lifecycle'),
    image('ClusterLifecycle', 'many'),
    image('ClusterBuildpack', 'go'),
    image('Buildpack', 'node', 'team-a'),
    image('Buildpack', 'node', 'team-b'),
    builder('app', 'team-a', [{ kind: 'Buildpack', name: 'node' }]),
    builder('web', 'team-b', [{ kind: 'ClusterBuildpack', name: 'go' }]),
    {
      apiVersion: 'kpack.io/v1alpha2',
      kind: 'ClusterBuilder',
      metadata: { name: 'shared' },
      spec: { ...builderSpec([{ id: 'paketo/go' }]), serviceAccountRef: { name: 'default', namespace: 'default' } },
    },
    ...Array.from({ length: 7 }, (_, i) => builder(`many-${i}`, 'team-b', [{ id: 'paketo/go' }], 'many')),
  );
});

afterAll(async () => {
  await webhook?.close();
  await kube?.stop();
});

const exists = async (...args: string[]): Promise<boolean> => (await kube.kubectl(['get', ...args])).code === 0;

describe('deleting what builders use', () => {
  it('kubectl delete of a used ClusterStack is refused, naming every user', async () => {
    const result = await kube.kubectl(['delete', 'clusterstack', 'base']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(
      'admission webhook "protection.webhook.packsmith.kpack.io" denied the request: ClusterStack "base" is in use by 10 builders:',
    );
    expect(result.stderr).toContain('Builder team-a/app, Builder team-b/many-0');
    expect(result.stderr).toContain('and 5 more.');
    expect(await exists('clusterstack', 'base')).toBe(true);
  });

  it('names a ClusterBuilder among the users, and says how many more past the first five', async () => {
    const lifecycle = await kube.kubectl(['delete', 'clusterlifecycle', 'many']);
    expect(lifecycle.stderr).toContain(
      'ClusterLifecycle "many" is in use by 7 builders: Builder team-b/many-0, Builder team-b/many-1, Builder team-b/many-2, Builder team-b/many-3, Builder team-b/many-4 and 2 more.',
    );
    const defaultLifecycle = await kube.kubectl(['delete', 'clusterlifecycle', 'default-lifecycle']);
    expect(defaultLifecycle.stderr).toContain('is in use by 3 builders: Builder team-a/app, Builder team-b/web, ClusterBuilder shared.');
  });

  it('counts a namespaced Buildpack only for Builders of its own namespace', async () => {
    const used = await kube.kubectl(['delete', 'buildpack', 'node', '-n', 'team-a']);
    expect(used.stderr).toContain('Buildpack "node" is in use by 1 builder: Builder team-a/app.');
    const unused = await kube.kubectl(['delete', 'buildpack', 'node', '-n', 'team-b']);
    expect(unused.code, unused.stderr).toBe(0);
  });

  it('lets an unused object go', async () => {
    const result = await kube.kubectl(['delete', 'clusterstack', 'spare']);
    expect(result.code, result.stderr).toBe(0);
    expect(await exists('clusterstack', 'spare')).toBe(false);
  });

  it('deletes a used object that carries the force annotation', async () => {
    expect((await kube.kubectl(['delete', 'clusterbuildpack', 'go'])).stderr).toContain('ClusterBuildpack "go" is in use by 1 builder: Builder team-b/web.');
    expect((await kube.kubectl(['annotate', 'clusterbuildpack', 'go', `${forceDeleteAnnotation}=true`])).code).toBe(0);
    const result = await kube.kubectl(['delete', 'clusterbuildpack', 'go']);
    expect(result.code, result.stderr).toBe(0);
    expect(await exists('clusterbuildpack', 'go')).toBe(false);
  });

  it('the CLI shows the refusal without --force and deletes with it', async () => {
    const confirmed = await cli('clusterstore', 'delete', 'default');
    expect(confirmed.code).not.toBe(0);
    expect(confirmed.err).toContain('denied the request: ClusterStore "default" is in use by 10 builders: Builder team-a/app, Builder team-b/many-0');
    const plain = await cli('buildpack', 'delete', 'node', '-n', 'team-a');
    expect(plain.code).not.toBe(0);
    expect(plain.err).toContain(
      'Buildpack "node" is in use by 1 builder: Builder team-a/app. Change or delete them first, or delete it anyway with: packsmith buildpack delete node -n team-a --force',
    );
    const forced = await cli('buildpack', 'delete', 'node', '-n', 'team-a', '--force');
    expect(forced, forced.err).toMatchObject({ code: 0, out: 'Buildpack "node" deleted\n' });
    expect(await exists('buildpack', 'node', '-n', 'team-a')).toBe(false);
    const store = await cli('clusterstore', 'delete', 'default', '--force');
    expect(store, store.err).toMatchObject({ code: 0, out: 'ClusterStore "default" store deleted\n' });
  });

  it('does not block deletes while the webhook is down (failurePolicy Ignore)', async () => {
    await webhook!.close();
    webhook = undefined;
    const result = await kube.kubectl(['delete', 'clusterstack', 'base']);
    expect(result.code, result.stderr).toBe(0);
    expect(await exists('clusterstack', 'base')).toBe(false);
  });
});
