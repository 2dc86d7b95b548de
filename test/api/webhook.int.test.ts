// packsmith's CRDs and webhook against a real kube-apiserver: every seed example applies verbatim,
// defaults are filled in, objects read the same through v1alpha1 and v1alpha2, invalid objects are
// refused with every problem and its fix, and kubectl shows kpack's printer columns.
import { request } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convertResource, type KubeObject } from '../../src/api/index.ts';
import type { WebhookServer } from '../../src/webhook/index.ts';
import { startKube, type KubeHandle } from '../harness/index.ts';
import { registerWebhook } from './register-webhook.ts';
import { seedExamples } from './seeds.ts';

let kube: KubeHandle;
let webhook: WebhookServer | undefined;
const day = 86_400_000;
// The webhook's clock starts 25 days back with a 36-day CA, so moving it to the real time makes
// it renew its CA while every certificate stays valid for the API server, which uses real time.
const realStart = Date.now();
let webhookNow = new Date(realStart - 25 * day);

beforeAll(async () => {
  kube = await startKube();
  const started = Date.now();
  webhook = await registerWebhook(kube, { now: () => webhookNow, lifetimes: { caValidityMs: 36 * day, servingValidityMs: 30 * day } });
  console.log(`kube-apiserver ready in ${kube.startMs} ms; CRDs and webhook registered in ${Date.now() - started} ms`);
});

afterAll(async () => {
  await webhook?.close();
  await kube?.stop();
});

async function kubectlOk(args: readonly string[], input?: string): Promise<string> {
  const result = await kube.kubectl(args, { input });
  expect(result.code, `kubectl ${args.join(' ')}: ${result.stderr}`).toBe(0);
  return result.stdout;
}

const plural: Record<string, string> = { ClusterStore: 'clusterstores', ClusterStack: 'clusterstacks', Builder: 'builders', ClusterBuilder: 'clusterbuilders' };

async function getAs(resource: KubeObject, version: 'v1alpha1' | 'v1alpha2'): Promise<KubeObject> {
  const args = ['get', `${plural[resource.kind ?? '']}.${version}.kpack.io`, resource.metadata.name, '-o', 'json'];
  if (resource.kind === 'Builder') args.push('-n', resource.metadata.namespace ?? 'default');
  return JSON.parse(await kubectlOk(args)) as KubeObject;
}

function objectPath(resource: KubeObject): string {
  const namespace = resource.kind === 'Builder' ? `namespaces/${resource.metadata.namespace ?? 'default'}/` : '';
  return `/apis/${resource.apiVersion}/${namespace}${plural[resource.kind ?? '']}/${resource.metadata.name}`;
}

const seeds = seedExamples();

describe('seed examples against the real API server', () => {
  it('finds the ClusterStore, Builder and ClusterBuilder examples', () => {
    expect(seeds.map((s) => `${s.resource.apiVersion} ${s.resource.kind}`).sort()).toEqual([
      'kpack.io/v1alpha1 Builder',
      'kpack.io/v1alpha1 ClusterBuilder',
      'kpack.io/v1alpha2 ClusterStore',
    ]);
  });

  it('kubectl apply accepts every seed example verbatim', async () => {
    for (const seed of seeds) {
      const out = await kubectlOk(['apply', '-f', '-'], seed.yaml);
      expect(out).toMatch(new RegExp(`${(seed.resource.kind ?? '').toLowerCase()}\\.kpack\\.io/${seed.resource.metadata.name} created`));
    }
  });

  it('fills kpack defaults on created objects (Builder lifecycle default-lifecycle, service account)', async () => {
    const builder = await getAs(seeds.find((s) => s.resource.kind === 'Builder')!.resource, 'v1alpha2');
    expect(builder.spec).toMatchObject({
      serviceAccountName: 'default',
      lifecycle: { name: 'default-lifecycle', kind: 'ClusterLifecycle' },
      stack: { name: 'bionic-stack', kind: 'ClusterStack' },
    });
    const clusterBuilder = await getAs(seeds.find((s) => s.resource.kind === 'ClusterBuilder')!.resource, 'v1alpha2');
    expect(clusterBuilder.spec).toMatchObject({
      lifecycle: { name: 'default-lifecycle', kind: 'ClusterLifecycle' },
      serviceAccountRef: { name: 'default', namespace: 'default' },
    });
  });

  it('reads every seed object in both versions, and a round trip through v1alpha1 changes nothing', async () => {
    for (const { resource } of seeds) {
      const v2 = await getAs(resource, 'v1alpha2');
      const v1 = await getAs(resource, 'v1alpha1');
      expect(v1.apiVersion).toBe('kpack.io/v1alpha1');
      expect(convertResource(v1, 'kpack.io/v1alpha2').spec, resource.kind).toEqual(v2.spec);
      // Writing the v1alpha1 form back must leave the stored object as it was: same spec, same generation.
      // (A plain PUT: kubectl replace would rewrite its last-applied annotation.)
      const put = await kube.request({ path: objectPath(v1), method: 'PUT', body: v1 });
      expect(put.status, put.body).toBe(200);
      const after = await getAs(resource, 'v1alpha2');
      expect(after.spec, resource.kind).toEqual(v2.spec);
      expect(after.metadata.generation, resource.kind).toBe(v2.metadata.generation);
      expect(after.metadata.annotations ?? {}, resource.kind).toEqual(v2.metadata.annotations ?? {});
    }
  });

  it('shows v1alpha2-only fields of a v1alpha2 object through v1alpha1 without losing them', async () => {
    const store = {
      apiVersion: 'kpack.io/v1alpha2',
      kind: 'ClusterStore',
      metadata: { name: 'private-store' },
      spec: { sources: [{ image: 'registry.test/bp:1' }], serviceAccountRef: { name: 'private', namespace: 'private' } },
    };
    await kubectlOk(['apply', '-f', '-'], JSON.stringify(store));
    const v1 = await getAs(store, 'v1alpha1');
    expect(v1.spec).toEqual({ sources: [{ image: 'registry.test/bp:1' }] });
    v1.spec = { sources: [{ image: 'registry.test/bp:2' }] };
    await kubectlOk(['replace', '-f', '-'], JSON.stringify(v1));
    expect((await getAs(store, 'v1alpha2')).spec).toEqual({
      sources: [{ image: 'registry.test/bp:2' }],
      serviceAccountRef: { name: 'private', namespace: 'private' },
    });
  });
});

describe('validation by the webhook', () => {
  it('rejects an invalid Builder with every problem, naming each field and the fix', async () => {
    const builder = {
      apiVersion: 'kpack.io/v1alpha2',
      kind: 'Builder',
      metadata: { name: 'broken', namespace: 'default' },
      spec: {
        tag: 'gcr.io/sample/builder@sha256:95ff756f0ef0e026440a8523f4bab02fd8b45dc1a8a3a7ba063cefdba5cb9493',
        stack: { kind: 'ClusterStack' },
        store: { name: 'default', kind: 'Store' },
        order: [{ group: [{ id: 'paketo-buildpacks/java' }, { id: 'paketo-buildpacks/java' }, { image: 'gcr.io/x/bp' }] }],
      },
    };
    const result = await kube.kubectl(['apply', '-f', '-'], { input: JSON.stringify(builder) });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('admission webhook "validation.webhook.packsmith.kpack.io" denied the request: Builder has 5 problems:');
    for (const line of [
      'invalid value: gcr.io/sample/builder@sha256:95ff756f0ef0e026440a8523f4bab02fd8b45dc1a8a3a7ba063cefdba5cb9493: spec.tag\n  must be a tag such as registry.example.com/team/builder:tag, not a digest',
      'missing field(s): spec.stack.name',
      'invalid value: Store: spec.store.kind\n  must be one of ClusterStore',
      'invalid value: paketo-buildpacks/java: spec.order[0].group[1].id',
      'must not set the field(s): spec.order[0].group[2].image',
    ]) {
      expect(result.stderr).toContain(line);
    }
    expect((await kube.kubectl(['get', 'builder', 'broken', '-n', 'default'])).code).not.toBe(0);
  });

  it('rejects an invalid v1alpha1 ClusterBuilder through the same checks', async () => {
    const clusterBuilder = {
      apiVersion: 'kpack.io/v1alpha1',
      kind: 'ClusterBuilder',
      metadata: { name: 'broken' },
      spec: { stack: { name: 'base', kind: 'ClusterStack' } },
    };
    const result = await kube.kubectl(['apply', '-f', '-'], { input: JSON.stringify(clusterBuilder) });
    expect(result.code).not.toBe(0);
    // kpack's one line for both missing fields, then a hint per field.
    expect(result.stderr).toContain('missing field(s): spec.serviceAccountRef, spec.tag\n  spec.serviceAccountRef: ');
    expect(result.stderr).toContain('\n  spec.tag: give the tag to push the builder to');
  });

  it('rejects a ClusterStore without sources and one with a malformed image', async () => {
    const empty = await kube.kubectl(['apply', '-f', '-'], {
      input: JSON.stringify({ apiVersion: 'kpack.io/v1alpha2', kind: 'ClusterStore', metadata: { name: 'empty' }, spec: {} }),
    });
    expect(empty.stderr).toContain('missing field(s): spec.sources\n  list at least one buildpackage image');
    const bad = await kube.kubectl(['apply', '-f', '-'], {
      input: JSON.stringify({
        apiVersion: 'kpack.io/v1alpha2',
        kind: 'ClusterStore',
        metadata: { name: 'bad' },
        spec: { sources: [{ image: 'Not A Reference' }] },
      }),
    });
    expect(bad.stderr).toMatch(/invalid value: Not A Reference: spec\.sources\[0\]\.image\n {2}invalid image reference/);
  });

  it('refuses misspelt fields at the API server (structural schema, strict field validation)', async () => {
    const stack = {
      apiVersion: 'kpack.io/v1alpha2',
      kind: 'ClusterStack',
      metadata: { name: 'typo' },
      spec: { id: 'io.buildpacks.stacks.jammy', biuldImage: { image: 'r.test/build' }, runImage: { image: 'r.test/run' } },
    };
    const result = await kube.kubectl(['apply', '-f', '-'], { input: JSON.stringify(stack) });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/unknown field "spec\.biuldImage"/);
  });
});

describe('printer columns', () => {
  it('kubectl get clusterstores,builders shows Ready, UpToDate and LatestImage', async () => {
    const latest = 'gcr.io/sample/builder@sha256:95ff756f0ef0e026440a8523f4bab02fd8b45dc1a8a3a7ba063cefdba5cb9493';
    const status = {
      status: {
        latestImage: latest,
        conditions: [
          { type: 'Ready', status: 'True' },
          { type: 'UpToDate', status: 'False', reason: 'ReconcileFailed' },
        ],
      },
    };
    await kubectlOk(['patch', 'builders.kpack.io', 'my-builder', '-n', 'default', '--subresource=status', '--type=merge', '-p', JSON.stringify(status)]);
    await kubectlOk([
      'patch',
      'clusterstores.kpack.io',
      'sample-cluster-store',
      '--subresource=status',
      '--type=merge',
      '-p',
      JSON.stringify({ status: { conditions: [{ type: 'Ready', status: 'True' }] } }),
    ]);
    const out = await kubectlOk(['get', 'clusterstores,builders']);
    const lines = out.split('\n').map((l) => l.trim().split(/\s+/));
    expect(lines).toContainEqual(['NAME', 'READY']);
    expect(lines).toContainEqual(['clusterstore.kpack.io/sample-cluster-store', 'True']);
    expect(lines).toContainEqual(['NAME', 'LATESTIMAGE', 'READY', 'UPTODATE']);
    expect(lines).toContainEqual(['builder.kpack.io/my-builder', latest, 'True', 'False']);
    const v1 = await kubectlOk(['get', 'builders.v1alpha1.kpack.io', '-n', 'default']);
    expect(v1.split('\n')[0]!.trim().split(/\s+/)).toEqual(['NAME', 'LATESTIMAGE', 'READY']);
  });

  it('finds the kinds by short name and by the kpack category', async () => {
    expect(await kubectlOk(['get', 'bldr', '-n', 'default', '-o', 'name'])).toContain('builder.kpack.io/my-builder');
    const all = await kubectlOk(['get', 'kpack', '-A', '-o', 'name']);
    expect(all).toContain('clusterstore.kpack.io/sample-cluster-store');
    expect(all).toContain('clusterbuilder.kpack.io/my-cluster-builder');
  });
});

describe('certificate rotation', () => {
  async function servedSerial(): Promise<string> {
    return new Promise((resolve, reject) => {
      const req = request(`${webhook!.url}/healthz`, { rejectUnauthorized: false, agent: false }, (res) => {
        resolve((res.socket as TLSSocket).getPeerCertificate().serialNumber);
        res.resume();
      });
      req.once('error', reject);
      req.end();
    });
  }

  async function stillCalled(): Promise<void> {
    const invalid = await kube.kubectl(['apply', '-f', '-'], {
      input: JSON.stringify({ apiVersion: 'kpack.io/v1alpha2', kind: 'ClusterLifecycle', metadata: { name: 'rotation' }, spec: {} }),
    });
    expect(invalid.stderr).toContain('denied the request: ClusterLifecycle has 1 problem:\nmissing field(s): spec.image');
    const v1 = await kube.kubectl(['get', 'clusterbuilders.v1alpha1.kpack.io', 'my-cluster-builder', '-o', 'json']);
    expect(v1.code, v1.stderr).toBe(0);
  }

  it('renews its CA, publishes the bundle into the registrations and CRDs, and the API server keeps calling it', async () => {
    const before = await servedSerial();
    const firstCa = webhook!.caBundle()!;
    webhookNow = new Date(Date.now());
    await webhook!.refresh();
    const bundle = webhook!.caBundle()!;
    expect(bundle).not.toBe(firstCa);
    expect(bundle.endsWith(firstCa)).toBe(true);
    const crd = JSON.parse(await kubectlOk(['get', 'crd', 'builders.kpack.io', '-o', 'json'])) as {
      spec: { conversion: { webhook: { clientConfig: { caBundle: string } } } };
    };
    expect(Buffer.from(crd.spec.conversion.webhook.clientConfig.caBundle, 'base64').toString()).toBe(bundle);
    // Published, but the certificate from the new CA is not served before the next refresh.
    expect(await servedSerial()).toBe(before);
    await stillCalled();
    // Give the API server's webhook clients time to load the new bundle (ten minutes in a cluster). A fixed wait on
    // purpose: the API server shows no sign of having loaded it, and polling after the switch instead would hide the
    // very window of failed calls this test guards against (the bundle must be trusted before the new certificate is
    // served).
    await new Promise((resolve) => setTimeout(resolve, 3000));
    await webhook!.refresh();
    expect(await servedSerial()).not.toBe(before);
    await stillCalled();
  });
});
