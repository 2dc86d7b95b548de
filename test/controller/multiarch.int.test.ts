// The controller makes a multi-arch builder against a REAL kube-apiserver (+ etcd) and the REAL
// docker-registry: index inputs (stack, lifecycle, a buildpackage) copied in with skopeo, a
// ClusterBuilder with spec.targets. Checked: the apiserver keeps packsmith's new status fields
// (buildpack platforms, stack and lifecycle platforms, builder targets; the CRD schema does not
// prune them), status.latestImage names the index skopeo reads, and narrowing spec.targets to one
// platform gives that platform's single builder image, the very member of the index.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OciImageAccess } from '../../src/adapters/index.ts';
import { systemClock } from '../../src/app/index.ts';
import { createManager, serviceAccountKeychains, type Manager } from '../../src/controller/index.ts';
import { createKeychainFactory, createKubeClient, loadKubeConfig } from '../../src/k8s/index.ts';
import { silentLogger } from '../../src/shared/index.ts';
import { skopeoInspectRaw } from '../harness/index.ts';
import { stackId } from '../app/fixtures.ts';
import { publishMultiarchInputs, type MultiarchInputs } from '../app/multiarch-fixtures.ts';
import { conditionOf, startWorld, type World } from './world.ts';

let world: World;
let manager: Manager;
let images: OciImageAccess;
let inputs: MultiarchInputs;
const stop = new AbortController();
let running: Promise<unknown> = Promise.resolve();

function resourcesYaml(targets: string): string {
  const { registry } = world;
  const sa = '{name: builder, namespace: team}';
  return `${world.accountYaml()}---
apiVersion: kpack.io/v1alpha2
kind: ClusterStore
metadata: {name: multi}
spec: {serviceAccountRef: ${sa}, sources: [{image: ${inputs.node}}, {image: ${inputs.shell}}]}
---
apiVersion: kpack.io/v1alpha2
kind: ClusterStack
metadata: {name: multi}
spec: {id: ${stackId}, serviceAccountRef: ${sa}, buildImage: {image: ${inputs.build}}, runImage: {image: ${inputs.run}}}
---
apiVersion: kpack.io/v1alpha2
kind: ClusterLifecycle
metadata: {name: default-lifecycle}
spec: {serviceAccountRef: ${sa}, image: ${inputs.lifecycle}}
---
apiVersion: kpack.io/v1alpha2
kind: ClusterBuilder
metadata: {name: multi}
spec:
  tag: ${registry.host}/builders/multi:v1
  serviceAccountRef: ${sa}
  stack: {kind: ClusterStack, name: multi}
  store: {kind: ClusterStore, name: multi}
  targets: ${targets}
  order:
  - group: [{id: test/node}]
  - group: [{id: test/shell}]
`;
}

interface BuilderStatus {
  latestImage?: string;
  observedGeneration?: number;
  targets?: Array<{ os: string; arch: string; latestImage: string }>;
}

const builderStatus = async (): Promise<BuilderStatus & Record<string, unknown>> => (await world.getJson('clusterbuilders.kpack.io', 'multi')).status ?? {};

beforeAll(async () => {
  world = await startWorld('controller-multiarch');
  inputs = await publishMultiarchInputs(world.registry, world.work);
  const client = createKubeClient(loadKubeConfig({ kubeconfig: world.kube.kubeconfigPath }));
  images = new OciImageAccess({ userAgent: 'packsmith-multiarch' });
  manager = createManager({
    client,
    keychains: serviceAccountKeychains(createKeychainFactory({ client })),
    images,
    clock: systemClock,
    logger: silentLogger,
    workers: 2,
    resyncMs: 3_000,
  });
  running = manager.run(stop.signal);
}, 240_000);

afterAll(async () => {
  stop.abort();
  await running.catch(() => undefined);
  await images.close();
  await world.stop();
});

describe('the controller and a ClusterBuilder with two targets', () => {
  let index = '';
  let members: string[] = [];

  it('pushes an image index and keeps every new status field', async () => {
    await world.kubectl(['apply', '-f', '-'], resourcesYaml('[{os: linux, arch: amd64}, {os: linux, arch: arm64}]'));
    await world.until(async () => conditionOf(await builderStatus(), 'Ready')?.status === 'True', 120_000, 'the ClusterBuilder is Ready');
    const status = await builderStatus();
    const raw = await skopeoInspectRaw(`docker://${world.registry.host}/builders/multi:v1`, world.registry.skopeoArgs());
    expect(raw.json.mediaType).toBe('application/vnd.oci.image.index.v1+json');
    index = `${world.registry.host}/builders/multi:v1@${raw.digest}`;
    expect(status.latestImage).toBe(index);
    members = (raw.json.manifests as Array<{ digest: string }>).map((m) => m.digest);
    expect(status.targets).toEqual([
      { os: 'linux', arch: 'amd64', latestImage: `${world.registry.host}/builders/multi:v1@${members[0]}` },
      { os: 'linux', arch: 'arm64', latestImage: `${world.registry.host}/builders/multi:v1@${members[1]}` },
    ]);
    const stack = (await world.getJson('clusterstacks.kpack.io', 'multi')).status as { platforms?: Array<{ target: { arch: string } }> };
    expect(stack.platforms?.map((p) => p.target.arch)).toEqual(['amd64', 'arm64']);
    const lifecycle = (await world.getJson('clusterlifecycles.kpack.io', 'default-lifecycle')).status as { platforms?: Array<{ arch: string }> };
    expect(lifecycle.platforms?.map((p) => p.arch)).toEqual(['amd64', 'arm64']);
    const store = (await world.getJson('clusterstores.kpack.io', 'multi')).status as {
      buildpacks: Array<{ id: string; platforms?: Array<{ arch: string; digest?: string; targets?: unknown }> }>;
    };
    const node = store.buildpacks.find((b) => b.id === 'test/node');
    expect(node?.platforms?.map((p) => [p.arch, p.digest !== undefined, p.targets])).toEqual([
      ['amd64', false, undefined],
      ['arm64', true, [{ os: 'linux', arch: 'arm64' }]],
    ]);
    expect(store.buildpacks.find((b) => b.id === 'test/shell')?.platforms).toBeUndefined();
  });

  it('gives the arm64 member itself, as a single image, when spec.targets names arm64 only', async () => {
    const before = await world.getJson('clusterbuilders.kpack.io', 'multi');
    await world.kubectl(['patch', 'clusterbuilder', 'multi', '--type', 'merge', '-p', '{"spec":{"targets":[{"os":"linux","arch":"arm64"}]}}']);
    await world.until(
      async () => {
        const status = await builderStatus();
        return (status.observedGeneration ?? 0) > Number((before.status as BuilderStatus).observedGeneration ?? 0) && status.latestImage !== index;
      },
      120_000,
      'the ClusterBuilder is rebuilt for arm64',
    );
    const status = await builderStatus();
    expect(conditionOf(status, 'Ready')?.status).toBe('True');
    expect(status.latestImage).toBe(`${world.registry.host}/builders/multi:v1@${members[1]}`);
    expect(status.targets).toBeUndefined();
  });
});
