/**
 * A real cluster and registry for the controller's end-to-end tests: kube-apiserver + etcd with the
 * CRDs applied, the docker-registry with htpasswd Basic auth, and the test inputs (buildpackages
 * made by our writer, a stack, a lifecycle image holding the real lifecycle binary) copied into it
 * with skopeo. The registry password reaches the controller only through a ServiceAccount's
 * dockerconfigjson Secret in the resources this module renders.
 */
import { join } from 'node:path';
import { installCrds, renderManifestsYaml } from '../../src/deploy/index.ts';
import { writeLayout, type Image } from '../../src/oci/index.ts';
import {
  removeDir,
  scratchDir,
  skopeoCopy,
  startKube,
  startRegistry,
  stopAllRegistries,
  waitUntil,
  type KubeHandle,
  type RegistryHandle,
} from '../harness/index.ts';
import { buildpackages, lifecycleImage, stackId, stackImage } from '../app/fixtures.ts';

/** An object as `kubectl get -o json` prints it. */
export interface KubeJson {
  metadata: { resourceVersion: string };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
}

/** The running servers, where the inputs are, and helpers over them. */
export interface World {
  kube: KubeHandle;
  registry: RegistryHandle;
  work: string;
  /** Image references of the inputs: web, ruby, build, run, lifecycle. */
  at: Record<'web' | 'ruby' | 'build' | 'run' | 'lifecycle', string>;
  /** kubectl that throws with stderr on a non-zero exit. */
  kubectl: (args: string[], input?: string) => Promise<string>;
  getJson: (kind: string, name: string, namespace?: string) => Promise<KubeJson>;
  /** Copies `image` into the registry with skopeo; returns its reference. */
  publish: (image: Image, repository: string, tag?: string) => Promise<string>;
  /** Waits for `check`; a timeout shows every kind's objects. */
  until: (check: () => Promise<boolean>, timeoutMs: number, what: string) => Promise<void>;
  /** Namespace team, its Secret and ServiceAccount, the store, stack, lifecycle and one Builder (default `web`). */
  resourcesYaml: (storeSources: readonly string[], builder?: string) => string;
  /** Namespace team, its `registry` dockerconfigjson Secret (for the registry and `extraHosts`, same password) and ServiceAccount `builder`. */
  accountYaml: (extraHosts?: readonly string[]) => string;
  stop: () => Promise<void>;
}

/** A condition of a status, by type. */
export const conditionOf = (status: Record<string, unknown> | undefined, type: string): { status?: string; reason?: string; message?: string } | undefined =>
  (status?.conditions as Array<{ type: string; status: string; reason?: string; message?: string }> | undefined)?.find((c) => c.type === type);

/** Starts the servers (registry with Basic auth, or token auth for benchmarks that count token requests), applies the CRDs and publishes the inputs. */
export async function startWorld(name: string, options: { registryMode?: 'basic' | 'token' } = {}): Promise<World> {
  const work = await scratchDir(name);
  const [kube, registry] = await Promise.all([startKube(), startRegistry({ mode: options.registryMode ?? 'basic' })]);
  const kubectl = async (args: string[], input?: string): Promise<string> => {
    const result = await kube.kubectl(args, input === undefined ? {} : { input });
    if (result.code !== 0) throw new Error(`kubectl ${args.join(' ')}: ${result.stderr}`);
    return result.stdout;
  };
  const publish = async (image: Image, repository: string, tag = '1'): Promise<string> => {
    const layout = join(work, 'staging');
    const staged = `${repository.replaceAll('/', '-')}-${tag}`;
    await writeLayout(layout, image, { tag: staged });
    await skopeoCopy({ src: `oci:${layout}:${staged}`, dest: `docker://${registry.host}/${repository}:${tag}`, flags: registry.skopeoArgs({ role: 'dest' }) });
    return `${registry.host}/${repository}:${tag}`;
  };
  await kubectl(['apply', '-f', '-'], renderManifestsYaml(installCrds({ namespace: 'packsmith' })));
  await kubectl(['wait', '--for', 'condition=established', '--timeout=60s', 'crd', '-l', 'app.kubernetes.io/part-of=packsmith']);
  const packages = await buildpackages();
  const at = {
    web: await publish(packages.web, 'store/web'),
    ruby: await publish(packages.ruby, 'store/ruby'),
    build: await publish(stackImage('build'), 'stack/build'),
    run: await publish(stackImage('run'), 'stack/run'),
    lifecycle: await publish(await lifecycleImage(true), 'lifecycle'),
  };
  const accountYaml = (extraHosts: readonly string[] = []): string => {
    const auth = Buffer.from(`${registry.username}:${registry.password}`).toString('base64');
    const config = JSON.stringify({ auths: Object.fromEntries([registry.host, ...extraHosts].map((host) => [host, { auth }])) });
    return `apiVersion: v1
kind: Namespace
metadata: {name: team}
---
apiVersion: v1
kind: Secret
metadata: {name: registry, namespace: team}
type: kubernetes.io/dockerconfigjson
stringData: {.dockerconfigjson: '${config}'}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: builder, namespace: team}
secrets: [{name: registry}]
`;
  };
  const resourcesYaml = (storeSources: readonly string[], builder = 'web'): string => {
    return `${accountYaml()}---
apiVersion: kpack.io/v1alpha2
kind: ClusterStore
metadata: {name: default}
spec:
  serviceAccountRef: {name: builder, namespace: team}
  sources: [${storeSources.map((s) => `{image: ${s}}`).join(', ')}]
---
apiVersion: kpack.io/v1alpha2
kind: ClusterStack
metadata: {name: base}
spec:
  id: ${stackId}
  serviceAccountRef: {name: builder, namespace: team}
  buildImage: {image: ${at.build}}
  runImage: {image: ${at.run}}
---
apiVersion: kpack.io/v1alpha2
kind: ClusterLifecycle
metadata: {name: default-lifecycle}
spec:
  serviceAccountRef: {name: builder, namespace: team}
  image: ${at.lifecycle}
---
apiVersion: kpack.io/v1alpha2
kind: Builder
metadata: {name: ${builder}, namespace: team}
spec:
  tag: ${registry.host}/builders/app
  serviceAccountName: builder
  stack: {name: base}
  store: {name: default}
  order:
  - group: [{id: test/web}]
  - group: [{id: test/ruby}]
`;
  };
  return {
    kube,
    registry,
    work,
    at,
    kubectl,
    publish,
    resourcesYaml,
    accountYaml,
    getJson: async (kind, objectName, namespace) =>
      JSON.parse(await kubectl(['get', kind, objectName, '-o', 'json', ...(namespace ? ['-n', namespace] : [])])) as KubeJson,
    until: async (check, timeoutMs, what) => {
      const describe = async (): Promise<string> =>
        `${what}:\n${await kubectl(['get', 'clusterstores,clusterstacks,clusterlifecycles,builders', '-A', '-o', 'yaml']).catch(String)}`;
      await waitUntil(check, { timeoutMs, intervalMs: 250, describe });
    },
    stop: async () => {
      await kube.stop();
      await stopAllRegistries();
      await removeDir(work);
    },
  };
}
