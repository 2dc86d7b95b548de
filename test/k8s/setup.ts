// Shared set-up of the k8s adapter's integration tests: one real apiserver per test file with the
// kpack.io CRDs applied and established, and a KubeConnection through the harness's kubeconfig.
import { fileURLToPath } from 'node:url';
import { loadKubeConfig, type KubeConnection } from '../../src/k8s/index.ts';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sharedKube, waitUntil, type KubeHandle, type StartKubeOptions } from '../harness/index.ts';

const crdDir = fileURLToPath(new URL('../../config/crds', import.meta.url));

/** The apiserver and a connection to it as admin. */
export interface KubeSetup {
  kube: KubeHandle;
  connection: KubeConnection;
}

/** Runs kubectl and returns stdout; throws with stderr on a non-zero exit. */
export async function kubectlOk(kube: KubeHandle, args: readonly string[], input?: string): Promise<string> {
  const result = await kube.kubectl(args, { input });
  if (result.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout;
}

/** Starts (or joins) the shared apiserver and installs the CRDs; `options` apply only to the first caller. */
export async function setUpKube(options: StartKubeOptions = {}): Promise<KubeSetup> {
  const kube = await sharedKube(options);
  await kubectlOk(kube, ['apply', '-f', crdDir]);
  await kubectlOk(kube, ['wait', '--for=condition=Established', '--timeout=60s', '-f', crdDir]);
  // Established is not yet servable: lists answer 429 "storage is (re)initializing" for a moment.
  const plurals = ['clusterstores', 'clusterstacks', 'clusterlifecycles', 'buildpacks', 'clusterbuildpacks', 'builders', 'clusterbuilders'];
  await waitUntil(
    async () => (await Promise.all(plurals.map(async (p) => (await kube.request({ path: `/apis/kpack.io/v1alpha2/${p}` })).status === 200))).every(Boolean),
    { timeoutMs: 30_000, intervalMs: 100, describe: async () => kube.logs() },
  );
  return { kube, connection: loadKubeConfig({ kubeconfig: kube.kubeconfigPath }) };
}

/** A connection as one of the harness's extra static-token users (written next to `dir`). */
export async function connectAs(kube: KubeHandle, user: string, dir: string): Promise<KubeConnection> {
  const path = join(dir, `kubeconfig-${user}`);
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    'current-context': user,
    clusters: [{ name: 'test', cluster: { server: kube.server, 'certificate-authority': kube.caFile } }],
    users: [{ name: user, user: { token: kube.userTokens[user] } }],
    contexts: [{ name: user, context: { cluster: 'test', user } }],
  };
  await writeFile(path, JSON.stringify(config), { mode: 0o600 });
  return loadKubeConfig({ kubeconfig: path });
}
