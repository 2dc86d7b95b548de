// In-cluster configuration, as a pod sees it, against the REAL kube-apiserver: the packsmith CLI runs
// as a child process in its own mount namespace where /run/secrets/kubernetes.io/serviceaccount
// holds a real service-account token (TokenRequest), the cluster CA and the pod's namespace, with
// KUBERNETES_SERVICE_HOST/PORT set and no kubeconfig anywhere. The token's RBAC allows reading
// stacks and builders only: cluster-scoped lists work, namespaced commands default to the pod's
// namespace, and a write is refused with the API server's reason.
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installCrds, renderManifestsYaml } from '../../src/deploy/index.ts';
import { removeDir, runCommand, scratchDir, startKube, type KubeHandle } from '../harness/index.ts';

let kube: KubeHandle;
let work: string;

async function kubectl(args: string[], input?: string): Promise<string> {
  const result = await kube.kubectl(args, input === undefined ? {} : { input });
  if (result.code !== 0) throw new Error(`kubectl ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

async function inPod(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const secrets = '/run/secrets/kubernetes.io/serviceaccount';
  const script = `mount -t tmpfs tmpfs /run && mkdir -p ${secrets} && cp ${join(work, 'sa')}/* ${secrets}/ && exec node ${resolve('bin/packsmith.js')} "$@"`;
  const port = new URL(kube.server).port;
  return runCommand('unshare', ['--mount', 'sh', '-c', script, 'sh', ...args], {
    env: { PATH: process.env.PATH, HOME: work, KUBERNETES_SERVICE_HOST: '127.0.0.1', KUBERNETES_SERVICE_PORT: port },
    timeoutMs: 60_000,
  });
}

beforeAll(async () => {
  kube = await startKube();
  work = await scratchDir('in-cluster');
  await kubectl(['apply', '-f', '-'], renderManifestsYaml(installCrds({ namespace: 'packsmith' })));
  await kubectl(['wait', '--for', 'condition=established', '--timeout=60s', 'crd', '-l', 'app.kubernetes.io/part-of=packsmith']);
  await kubectl(
    ['apply', '-f', '-'],
    `apiVersion: v1
kind: Namespace
metadata: {name: ci}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: reader, namespace: ci}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: kpack-reader}
rules:
- apiGroups: [kpack.io]
  resources: [clusterstacks, builders]
  verbs: [get, list]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: kpack-reader}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: kpack-reader}
subjects: [{kind: ServiceAccount, name: reader, namespace: ci}]
---
apiVersion: kpack.io/v1alpha2
kind: ClusterStack
metadata: {name: pod-visible-stack}
spec: {id: some.stack, buildImage: {image: registry.test/build}, runImage: {image: registry.test/run}}
---
apiVersion: kpack.io/v1alpha2
kind: Builder
metadata: {name: pod-namespace-builder, namespace: ci}
spec:
  tag: registry.test/builder
  stack: {kind: ClusterStack, name: pod-visible-stack}
  order: [{group: [{id: some/buildpack}]}]
`,
  );
  const token = (await kubectl(['create', 'token', 'reader', '-n', 'ci'])).trim();
  await mkdir(join(work, 'sa'));
  await writeFile(join(work, 'sa', 'token'), token);
  await writeFile(join(work, 'sa', 'ca.crt'), kube.caPem);
  await writeFile(join(work, 'sa', 'namespace'), 'ci');
}, 300_000);

afterAll(async () => {
  await kube.stop();
  await removeDir(work);
});

describe('in-cluster configuration', () => {
  it("lists cluster-scoped resources with the pod's service-account token", async () => {
    const result = await inPod(['clusterstack', 'list']);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('NAME                 READY      ID\npod-visible-stack    Unknown    \n\n');
  }, 90_000);

  it("namespaced commands default to the pod's namespace", async () => {
    const result = await inPod(['builder', 'list']);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^NAME\s+READY\s+STACK\s+IMAGE\npod-namespace-builder\s+unknown/);
  }, 90_000);

  it("a write the role does not allow is refused with the API server's reason and exit code 1", async () => {
    const result = await inPod(['clusterstack', 'delete', 'pod-visible-stack']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/forbidden: User "system:serviceaccount:ci:reader" cannot delete resource "clusterstacks"/);
  }, 90_000);
});
