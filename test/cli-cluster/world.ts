/**
 * A cluster for the resource commands' end-to-end tests: the controller world (real kube-apiserver +
 * etcd with the CRDs, the real docker-registry with Basic auth, inputs published with skopeo), plus
 * what kp users set up: the `kp-config` ConfigMap naming a default repository and its service
 * account, a `default` ServiceAccount with the registry Secret in namespace `team`, the default
 * ClusterLifecycle, a Docker config for the CLI's own uploads, local `.cnb` files, and the
 * controller running in-process so commands that wait see resources become Ready.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { OciImageAccess } from '../../src/adapters/index.ts';
import { systemClock } from '../../src/app/index.ts';
import { runCli } from '../../src/cli/main.ts';
import { createManager, serviceAccountKeychains } from '../../src/controller/index.ts';
import { createKeychainFactory, createKubeClient, loadKubeConfig } from '../../src/k8s/index.ts';
import { writeCnbFile } from '../../src/oci/index.ts';
import { silentLogger } from '../../src/shared/index.ts';
import { buildpackages } from '../app/fixtures.ts';
import { startWorld, type World } from '../controller/world.ts';

/** What one CLI run printed and returned. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** The controller world plus the CLI's settings and a way to run `packsmith`. */
export interface CliWorld extends World {
  /** `<registry>/kp-default`: where relocated images go. */
  defaultRepository: string;
  /** Local buildpackage files: `ruby2` holds test/ruby 2.0.0, `web` the web meta-buildpackage. */
  cnb: Record<'ruby2' | 'web', string>;
  /** Environment the CLI runs with (KUBECONFIG, DOCKER_CONFIG). */
  env: NodeJS.ProcessEnv;
  /** Runs `packsmith <args>` in-process; `answer` is what the user types at a prompt. */
  run: (args: readonly string[], options?: { answer?: string }) => Promise<CliRun>;
  /** The questions asked so far (prompts). */
  questions: string[];
}

/** Starts the servers, the controller and the kp setup. */
export async function startCliWorld(name: string): Promise<CliWorld> {
  const world = await startWorld(name);
  const { registry, kube } = world;
  const defaultRepository = `${registry.host}/kp-default`;
  const auth = Buffer.from(`${registry.username}:${registry.password}`).toString('base64');
  const dockerConfig = JSON.stringify({ auths: { [registry.host]: { auth } } });
  await world.kubectl(['apply', '-f', '-'], setupYaml(dockerConfig, defaultRepository, world.at.lifecycle));
  const dockerDir = join(world.work, 'docker');
  await mkdir(dockerDir, { recursive: true });
  await writeFile(join(dockerDir, 'config.json'), dockerConfig, { mode: 0o600 });
  const packages = await buildpackages('2.0.0');
  const cnb = { ruby2: join(world.work, 'ruby-2.cnb'), web: join(world.work, 'web.cnb') };
  await writeCnbFile(cnb.ruby2, packages.ruby);
  await writeCnbFile(cnb.web, packages.web);

  const client = createKubeClient(loadKubeConfig({ kubeconfig: kube.kubeconfigPath }));
  const images = new OciImageAccess({ userAgent: 'packsmith-cli-e2e' });
  const manager = createManager({
    client,
    keychains: serviceAccountKeychains(createKeychainFactory({ client })),
    images,
    clock: systemClock,
    logger: silentLogger,
    workers: 2,
    resyncMs: 5_000,
  });
  const stop = new AbortController();
  const running = manager.run(stop.signal);

  const env: NodeJS.ProcessEnv = { KUBECONFIG: kube.kubeconfigPath, DOCKER_CONFIG: dockerDir, HOME: world.work, PATH: process.env.PATH };
  const questions: string[] = [];
  const run = async (args: readonly string[], options: { answer?: string } = {}): Promise<CliRun> => {
    const out: string[] = [];
    const err: string[] = [];
    const io = {
      stdout: (t: string) => void out.push(t),
      stderr: (t: string) => void err.push(t),
      isTty: false,
      env,
      ask: (question: string) => {
        questions.push(question);
        out.push(question);
        return Promise.resolve(options.answer ?? '');
      },
      readStdin: () => Promise.resolve(''),
    };
    const code = await runCli(args, io);
    return { code, stdout: out.join(''), stderr: err.join('') };
  };
  return {
    ...world,
    defaultRepository,
    cnb,
    env,
    run,
    questions,
    stop: async () => {
      stop.abort();
      await running.catch(() => undefined);
      await images.close();
      await world.stop();
    },
  };
}

function setupYaml(dockerConfig: string, defaultRepository: string, lifecycle: string): string {
  const secret = (namespace: string): string => `apiVersion: v1
kind: Secret
metadata: {name: registry, namespace: ${namespace}}
type: kubernetes.io/dockerconfigjson
stringData: {.dockerconfigjson: '${dockerConfig}'}`;
  return `apiVersion: v1
kind: Namespace
metadata: {name: kpack}
---
apiVersion: v1
kind: Namespace
metadata: {name: team}
---
${secret('kpack')}
---
${secret('team')}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: kp-sa, namespace: kpack}
secrets: [{name: registry}]
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: default, namespace: team}
secrets: [{name: registry}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: kp-config, namespace: kpack}
data:
  default.repository: ${defaultRepository}
  default.repository.serviceaccount: kp-sa
---
apiVersion: kpack.io/v1alpha2
kind: ClusterLifecycle
metadata: {name: default-lifecycle}
spec:
  serviceAccountRef: {name: kp-sa, namespace: kpack}
  image: ${lifecycle}
`;
}
