/**
 * A real Kubernetes API for integration tests: etcd plus kube-apiserver (both built by
 * scripts/provision.sh) on loopback ports, with a static admin token, RBAC, and the apiserver's
 * self-signed serving certificate as the kubeconfig's CA. No controllers run (see the toolchain
 * notes, section 10.3): namespaces never finish terminating and no default ServiceAccounts appear.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { access, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { HarnessError } from './harness-error.ts';
import { kubeRequest, type KubeRequest, type KubeResponse } from './kube-request.ts';
import { claimScratchDir, sweepStaleScratchDirs } from './kube-scratch.ts';
import { freePort, removeDir, runCommand, startProcess, toolsBinDir, waitUntil, type ManagedProcess } from './process.ts';

/** Exit code and output of one kubectl run. */
export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A running etcd + kube-apiserver pair and the credentials to use it. */
export interface KubeHandle {
  /** `https://127.0.0.1:<port>`. */
  readonly server: string;
  /** Bearer token of `admin` (group system:masters). */
  readonly token: string;
  /** Bearer tokens of the extra users asked for in `StartKubeOptions.users`, by user name. */
  readonly userTokens: Readonly<Record<string, string>>;
  /** PEM file to trust for `server` (the apiserver's self-signed serving certificate and its CA). */
  readonly caFile: string;
  /** Contents of `caFile`. */
  readonly caPem: string;
  /** A kubeconfig (current context: admin on this server). */
  readonly kubeconfigPath: string;
  /** `http://127.0.0.1:<port>` of the etcd the apiserver stores into. */
  readonly etcdUrl: string;
  /** Milliseconds from the start call until `/readyz` answered 200. */
  readonly startMs: number;
  /** Runs the provisioned kubectl against this server; never throws on a non-zero exit. */
  kubectl(args: readonly string[], options?: { input?: string; timeoutMs?: number }): Promise<KubectlResult>;
  /** One HTTPS request to the apiserver as admin (or with `token`); the body is returned as text. */
  request(request: KubeRequest): Promise<KubeResponse>;
  /** Both server logs so far, for failure messages. */
  logs(): Promise<string>;
  /**
   * Stops the kube-apiserver process (etcd keeps running), waits `downMs`, and starts it again on
   * the same port with the same certificates; resolves once `/readyz` is 200 again.
   */
  restartApiserver(options?: { downMs?: number }): Promise<void>;
  /** Stops the apiserver and etcd by PID and removes their files; safe to call more than once. */
  stop(): Promise<void>;
}

/** Options for `startKube`. */
export interface StartKubeOptions {
  /** Extra static-token users (e.g. for RBAC tests); each gets a random token, see `userTokens`. */
  users?: readonly { name: string; groups?: readonly string[] }[];
  /** Extra kube-apiserver flags, appended last. */
  apiserverArgs?: readonly string[];
  /** How long to wait for `/readyz`; default 60 s (a cold start takes a few seconds). */
  readyTimeoutMs?: number;
}

interface Layout {
  dir: string;
  certDir: string;
  token: string;
  userTokens: Record<string, string>;
}

interface Ports {
  client: number;
  peer: number;
  secure: number;
}

const bin = (name: string): string => join(toolsBinDir(), name);

// setpriv's parent-death signal kills the servers if the test worker dies without stopping them
// (vitest ends its workers without running 'exit' handlers).
function guarded(command: string, args: readonly string[]): { command: string; args: string[] } {
  return { command: 'setpriv', args: ['--pdeathsig', 'KILL', '--', command, ...args] };
}

// The apiserver calls admission and conversion webhooks itself; a proxy from the environment
// would intercept those calls to 127.0.0.1.
function serverEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_PROXY: '127.0.0.1,localhost', no_proxy: '127.0.0.1,localhost' };
  for (const name of ['HTTP_PROXY', 'HTTPS_PROXY', 'ALL_PROXY', 'http_proxy', 'https_proxy', 'all_proxy']) delete env[name];
  return env;
}

async function writeCredentials(options: StartKubeOptions, dir: string): Promise<Layout> {
  const certDir = join(dir, 'certs');
  await mkdir(certDir, { recursive: true });
  // ES256 service-account keys: generated in milliseconds, accepted by the apiserver's token signer.
  const keys = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  await writeFile(join(dir, 'sa.key'), keys.privateKey.export({ type: 'pkcs8', format: 'pem' }));
  await writeFile(join(dir, 'sa.pub'), keys.publicKey.export({ type: 'spki', format: 'pem' }));
  const token = randomBytes(16).toString('hex');
  const userTokens: Record<string, string> = {};
  const lines = [`${token},admin,admin-uid,"system:masters"`];
  for (const user of options.users ?? []) {
    userTokens[user.name] = randomBytes(16).toString('hex');
    lines.push(`${userTokens[user.name]},${user.name},${user.name}-uid,"${(user.groups ?? []).join(',')}"`);
  }
  await writeFile(join(dir, 'tokens.csv'), `${lines.join('\n')}\n`, { mode: 0o600 });
  return { dir, certDir, token, userTokens };
}

function startEtcd(layout: Layout, ports: Ports): ManagedProcess {
  const client = `http://127.0.0.1:${ports.client}`;
  const peer = `http://127.0.0.1:${ports.peer}`;
  const args = [
    '--name=test',
    `--data-dir=${join(layout.dir, 'etcd')}`,
    `--listen-client-urls=${client}`,
    `--advertise-client-urls=${client}`,
    `--listen-peer-urls=${peer}`,
    `--initial-advertise-peer-urls=${peer}`,
    `--initial-cluster=test=${peer}`,
    // Throw-away data: skipping fsync makes every write (and the apiserver's bootstrap) faster.
    '--unsafe-no-fsync',
    '--log-level=warn',
  ];
  return startProcess({ ...guarded(bin('etcd'), args), logFile: join(layout.dir, 'etcd.log'), env: serverEnv() });
}

function startApiserver(layout: Layout, ports: Ports, extraArgs: readonly string[]): ManagedProcess {
  const args = [
    `--etcd-servers=http://127.0.0.1:${ports.client}`,
    '--bind-address=127.0.0.1',
    '--advertise-address=127.0.0.1',
    `--secure-port=${ports.secure}`,
    // No --tls-cert-file: the apiserver writes a self-signed apiserver.crt (with its CA) here.
    `--cert-dir=${layout.certDir}`,
    '--service-cluster-ip-range=10.0.0.0/24',
    '--service-account-issuer=https://kubernetes.default.svc',
    `--service-account-key-file=${join(layout.dir, 'sa.pub')}`,
    `--service-account-signing-key-file=${join(layout.dir, 'sa.key')}`,
    `--token-auth-file=${join(layout.dir, 'tokens.csv')}`,
    '--authorization-mode=RBAC',
    // A loopback advertise address makes the endpoint reconciler log errors and stall shutdown.
    '--endpoint-reconciler-type=none',
    '--profiling=false',
    ...extraArgs,
  ];
  return startProcess({ ...guarded(bin('kube-apiserver'), args), logFile: join(layout.dir, 'apiserver.log'), env: serverEnv() });
}

async function writeKubeconfig(layout: Layout, server: string, caFile: string): Promise<string> {
  const path = join(layout.dir, 'kubeconfig');
  // JSON is valid YAML, and kubectl reads either.
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'packsmith-test', cluster: { server, 'certificate-authority': caFile } }],
    users: [{ name: 'admin', user: { token: layout.token } }],
    contexts: [{ name: 'packsmith-test', context: { cluster: 'packsmith-test', user: 'admin' } }],
    'current-context': 'packsmith-test',
  };
  await writeFile(path, JSON.stringify(config, null, 2), { mode: 0o600 });
  return path;
}

async function tail(processes: readonly ManagedProcess[]): Promise<string> {
  const logs = await Promise.all(processes.map(async (p) => `--- ${p.logFile}\n${(await p.log()).split('\n').slice(-25).join('\n')}`));
  return logs.join('\n');
}

/** A server died while starting, most likely because another process took its port: worth one retry. */
class ServerExitedError extends HarnessError {}

async function waitReady(servers: { etcd: ManagedProcess; api: ManagedProcess }, probe: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  await waitUntil(
    async () => {
      // A server that died (e.g. its port was taken meanwhile) will not become ready: stop waiting.
      if (!servers.etcd.alive() || !servers.api.alive()) return true;
      return probe();
    },
    { timeoutMs, intervalMs: 100, describe: () => tail([servers.etcd, servers.api]) },
  );
  if (!servers.etcd.alive() || !servers.api.alive()) {
    throw new ServerExitedError(`etcd or kube-apiserver exited during start\n${await tail([servers.etcd, servers.api])}`);
  }
}

async function launch(options: StartKubeOptions, layout: Layout, started: number): Promise<KubeHandle> {
  const ports: Ports = { client: await freePort(), peer: await freePort(), secure: await freePort() };
  const server = `https://127.0.0.1:${ports.secure}`;
  const caFile = join(layout.certDir, 'apiserver.crt');
  // Started together: the apiserver retries etcd until it answers, which is quicker than waiting.
  const servers = { etcd: startEtcd(layout, ports), api: startApiserver(layout, ports, options.apiserverArgs ?? []) };
  const stopServers = async (): Promise<void> => {
    await servers.api.stop();
    await servers.etcd.stop();
  };
  // Until the apiserver has written its certificate, TLS cannot be verified; readiness is
  // checked against the certificate file once it exists.
  const probe = async (): Promise<boolean> => {
    const response = await kubeRequest({ server, caFile, token: layout.token }, { path: '/readyz' });
    return response.status === 200;
  };
  try {
    await waitReady(servers, probe, options.readyTimeoutMs ?? 60_000);
  } catch (error) {
    await stopServers();
    throw error;
  }
  const restartApiserver = async (restart: { downMs?: number } = {}): Promise<void> => {
    await servers.api.stop();
    await new Promise((resolve) => setTimeout(resolve, restart.downMs ?? 0));
    servers.api = startApiserver(layout, ports, options.apiserverArgs ?? []);
    await waitReady(servers, probe, options.readyTimeoutMs ?? 60_000);
  };
  return makeHandle({ layout, server, caFile, etcdUrl: `http://127.0.0.1:${ports.client}`, started, servers, stopServers, restartApiserver });
}

interface HandleParts {
  layout: Layout;
  server: string;
  caFile: string;
  etcdUrl: string;
  started: number;
  servers: { etcd: ManagedProcess; api: ManagedProcess };
  stopServers: () => Promise<void>;
  restartApiserver: (options?: { downMs?: number }) => Promise<void>;
}

async function makeHandle(parts: HandleParts): Promise<KubeHandle> {
  const { layout, server, caFile } = parts;
  const kubeconfigPath = await writeKubeconfig(layout, server, caFile);
  const caPem = await readFile(caFile, 'utf8');
  const home = join(layout.dir, 'home');
  await mkdir(home, { recursive: true });
  let stopping: Promise<void> | undefined;
  return {
    server,
    token: layout.token,
    userTokens: layout.userTokens,
    caFile,
    caPem,
    kubeconfigPath,
    etcdUrl: parts.etcdUrl,
    startMs: Date.now() - parts.started,
    kubectl: async (args, options = {}) =>
      runCommand(bin('kubectl'), ['--kubeconfig', kubeconfigPath, ...args], {
        // kubectl keeps a discovery cache under $HOME/.kube: keep it with this server's files.
        env: { ...serverEnv(), HOME: home, KUBECONFIG: kubeconfigPath },
        input: options.input,
        timeoutMs: options.timeoutMs ?? 60_000,
      }),
    request: async (request) => kubeRequest({ server, caFile, token: layout.token }, request),
    logs: async () => tail([parts.servers.etcd, parts.servers.api]),
    restartApiserver: parts.restartApiserver,
    stop: async () => {
      stopping ??= parts.stopServers().then(async () => removeDir(layout.dir));
      return stopping;
    },
  };
}

/**
 * Starts etcd and kube-apiserver on free loopback ports and resolves once `/readyz` is 200.
 * The caller must `stop()` the handle (in `afterAll`); if the handle is never stopped, the
 * servers die with the test process. A second attempt is made if the first pair exits during
 * start (a port taken between choosing and binding it).
 */
export async function startKube(options: StartKubeOptions = {}): Promise<KubeHandle> {
  const started = Date.now();
  for (const tool of ['etcd', 'kube-apiserver', 'kubectl']) {
    await access(bin(tool), constants.X_OK).catch((error: unknown) => {
      throw new HarnessError(`${tool} not provisioned at ${bin(tool)}: run scripts/provision.sh`, { cause: error });
    });
  }
  await sweepStaleScratchDirs();
  for (let attempt = 1; ; attempt++) {
    const dir = await claimScratchDir();
    try {
      return await launch(options, await writeCredentials(options, dir), started);
    } catch (error) {
      await removeDir(dir);
      if (attempt >= 2 || !(error instanceof ServerExitedError)) {
        throw new HarnessError(`could not start etcd + kube-apiserver: ${(error as Error).message}`, { cause: error });
      }
    }
  }
}

interface SharedEntry {
  handle: Promise<KubeHandle>;
  users: number;
}

let shared: SharedEntry | undefined;

/**
 * One apiserver shared by every caller in this test process (under vitest's default isolation
 * that is one test file; with `isolate: false`, the files a worker runs while it is in use).
 * Each caller gets its own handle and must `stop()` it; the last stop stops the servers. State
 * is shared, so tests must use their own namespaces and object names. The first caller's
 * options start the servers; later callers' options are ignored.
 */
export async function sharedKube(options: StartKubeOptions = {}): Promise<KubeHandle> {
  shared ??= { handle: startKube(options), users: 0 };
  const entry = shared;
  entry.users++;
  let handle: KubeHandle;
  try {
    handle = await entry.handle;
  } catch (error) {
    if (shared === entry) shared = undefined;
    throw error;
  }
  let released = false;
  const release = async (): Promise<void> => {
    if (released) return;
    released = true;
    entry.users--;
    if (entry.users > 0) return;
    if (shared === entry) shared = undefined;
    await handle.stop();
  };
  return { ...handle, stop: release };
}
