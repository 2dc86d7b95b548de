// Smoke test of the Kubernetes harness: a real etcd + kube-apiserver driven by the provisioned
// kubectl (namespaces, a CRD with a status subresource, RBAC) and an admission webhook the
// apiserver calls over TLS on 127.0.0.1.
import { createServer, type Server } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loopbackServerCertificates } from '../harness/certs.ts';
import { sharedKube, type KubeHandle } from '../harness/kube.ts';

let kube: KubeHandle;

beforeAll(async () => {
  kube = await sharedKube({ users: [{ name: 'nobody', groups: ['smoke:nobody'] }] });
  console.log(`kube-apiserver ready in ${kube.startMs} ms at ${kube.server}`);
});

afterAll(async () => {
  await kube?.stop();
});

async function kubectlOk(args: readonly string[], input?: string): Promise<string> {
  const result = await kube.kubectl(args, { input });
  expect(result.code, `kubectl ${args.join(' ')}: ${result.stderr}`).toBe(0);
  return result.stdout;
}

const crd = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'widgets.smoke.packsmith.dev' },
  spec: {
    group: 'smoke.packsmith.dev',
    scope: 'Cluster',
    names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        subresources: { status: {} },
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: { type: 'object', properties: { size: { type: 'integer', minimum: 1 } }, required: ['size'] },
              status: { type: 'object', properties: { ready: { type: 'boolean' } } },
            },
          },
        },
      },
    ],
  },
};

describe('kube-apiserver + etcd', () => {
  it('reports the server version to kubectl', async () => {
    const out = await kubectlOk(['version']);
    expect(out).toMatch(/Server Version: v1\.\d+\.\d+/);
  });

  it('creates, reads and deletes a namespace (which stays Terminating: no controllers run)', async () => {
    await kubectlOk(['create', 'namespace', 'smoke-ns']);
    const created = JSON.parse(await kubectlOk(['get', 'namespace', 'smoke-ns', '-o', 'json'])) as { metadata: { uid?: string } };
    expect(created.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    await kubectlOk(['delete', 'namespace', 'smoke-ns', '--wait=false']);
    const after = await kube.kubectl(['get', 'namespace', 'smoke-ns', '-o', 'json']);
    if (after.code === 0) {
      const ns = JSON.parse(after.stdout) as { metadata: { deletionTimestamp?: string }; status?: { phase?: string } };
      expect(ns.metadata.deletionTimestamp).toBeTruthy();
      expect(ns.status?.phase).toBe('Terminating');
    } else {
      expect(after.stderr).toMatch(/NotFound/);
    }
  });

  it('registers a structural CRD with a status subresource and serves its objects', async () => {
    await kubectlOk(['apply', '-f', '-'], JSON.stringify(crd));
    await kubectlOk(['wait', '--for=condition=Established', 'crd/widgets.smoke.packsmith.dev', '--timeout=30s']);

    const widget = { apiVersion: 'smoke.packsmith.dev/v1', kind: 'Widget', metadata: { name: 'w1' }, spec: { size: 3 } };
    await kubectlOk(['create', '-f', '-'], JSON.stringify(widget));
    const invalid = await kube.kubectl(['create', '-f', '-'], { input: JSON.stringify({ ...widget, metadata: { name: 'w2' }, spec: { size: 0 } }) });
    expect(invalid.code).not.toBe(0);
    expect(invalid.stderr).toMatch(/spec\.size/);

    await kubectlOk(['patch', 'widget', 'w1', '--subresource=status', '--type=merge', '-p', '{"status":{"ready":true}}']);
    const read = JSON.parse(await kubectlOk(['get', 'widget', 'w1', '-o', 'json'])) as { spec: { size: number }; status: { ready: boolean } };
    expect(read).toMatchObject({ spec: { size: 3 }, status: { ready: true } });

    await kubectlOk(['delete', 'widget', 'w1']);
    expect((await kube.kubectl(['get', 'widget', 'w1'])).stderr).toMatch(/NotFound/);
    await kubectlOk(['delete', 'crd', 'widgets.smoke.packsmith.dev']);
  });

  it('shares one apiserver between sharedKube callers until the last one stops', async () => {
    const second = await sharedKube();
    expect(second.server).toBe(kube.server);
    await second.stop();
    expect((await kube.request({ path: '/readyz' })).status).toBe(200);
  });

  it('enforces RBAC for static-token users and answers the admin', async () => {
    const denied = await kube.request({ path: '/api/v1/namespaces', token: kube.userTokens.nobody });
    expect(denied.status).toBe(403);
    const allowed = await kube.request({ path: '/api/v1/namespaces' });
    expect(allowed.status).toBe(200);
    expect(JSON.parse(allowed.body)).toMatchObject({ kind: 'NamespaceList' });
  });
});

interface Review {
  request: { uid: string; name: string; object: { metadata: { labels?: Record<string, string> } } };
}

// Denies objects labelled smoke/deny=yes, allows everything else; records what it was asked.
function reviewResponse(review: Review): string {
  const allowed = review.request.object.metadata.labels?.['smoke/deny'] !== 'yes';
  const status = allowed ? undefined : { code: 403, message: 'denied by smoke webhook' };
  return JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid: review.request.uid, allowed, status } });
}

describe('admission webhooks on 127.0.0.1', () => {
  let server: Server | undefined;
  const reviewed: string[] = [];

  beforeAll(async () => {
    const certs = await loopbackServerCertificates();
    const webhook = createServer({ cert: certs.certPem, key: certs.keyPem }, (req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        const review = JSON.parse(body) as Review;
        // The apiserver appends its timeout as a query (?timeout=5s): record the path only.
        reviewed.push(`${new URL(req.url ?? '/', 'https://webhook').pathname} ${review.request.name}`);
        res.setHeader('Content-Type', 'application/json');
        res.end(reviewResponse(review));
      });
    });
    server = webhook;
    await new Promise<void>((resolve) => webhook.listen(0, '127.0.0.1', resolve));
    const port = (webhook.address() as { port: number }).port;
    const config = {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingWebhookConfiguration',
      metadata: { name: 'smoke-deny' },
      webhooks: [
        {
          name: 'deny.smoke.packsmith.dev',
          clientConfig: { url: `https://127.0.0.1:${port}/validate`, caBundle: Buffer.from(certs.caPem).toString('base64') },
          rules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['namespaces'] }],
          objectSelector: { matchLabels: { 'smoke/webhook': 'on' } },
          sideEffects: 'None',
          admissionReviewVersions: ['v1'],
          failurePolicy: 'Fail',
          timeoutSeconds: 5,
        },
      ],
    };
    await kubectlOk(['apply', '-f', '-'], JSON.stringify(config));
  });

  afterAll(async () => {
    await kube?.kubectl(['delete', 'validatingwebhookconfiguration', 'smoke-deny', '--ignore-not-found']);
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  });

  function namespace(name: string, deny: boolean): string {
    const labels = { 'smoke/webhook': 'on', 'smoke/deny': deny ? 'yes' : 'no' };
    return JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });
  }

  it('calls the webhook over TLS and honours its verdict', async () => {
    // A new webhook configuration reaches the admission plugin after a moment: until the
    // webhook has seen a request, try again with a fresh name.
    let name = '';
    let created = { code: -1, stdout: '', stderr: '' };
    for (let i = 0; i < 50 && !reviewed.includes(`/validate ${name}`); i++) {
      if (i > 0) await new Promise((resolve) => setTimeout(resolve, 200));
      name = `smoke-allowed-${i}`;
      created = await kube.kubectl(['create', '-f', '-'], { input: namespace(name, false) });
    }
    expect(reviewed).toContain(`/validate ${name}`);
    expect(created.code, created.stderr).toBe(0);

    const denied = await kube.kubectl(['create', '-f', '-'], { input: namespace('smoke-denied', true) });
    expect(denied.code).not.toBe(0);
    expect(denied.stderr).toMatch(/denied by smoke webhook/);
    expect(reviewed).toContain('/validate smoke-denied');
  });
});
