/**
 * Composition root: the one place that picks concrete implementations from several modules and
 * hands them to the ones that only know interfaces: the local, controller and CLI environments, the
 * reference rules (from app and adapters) api's validation takes, and the structured JSON logger.
 * Wiring only: rules live in their modules.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { pino, type Logger as PinoLogger } from 'pino';
import {
  DiskContentCache,
  MemoryContentCache,
  OciImageAccess,
  RegistryAccessProbe,
  findLifecycleBinary,
  localReferenceChecks,
  packConfigFiles,
  type LifecycleSearch,
} from './adapters/index.ts';
import { parseGoDuration, type ReferenceChecks } from './api/index.ts';
import {
  builderInUseOf,
  buildersUsing,
  dockerConfigDoctorCredentials,
  imageReferenceChecks,
  serviceAccountDoctorCredentials,
  systemClock,
  type AccessProbe,
  type BuilderInUse,
  type Clock,
  type DoctorCredentials,
  type PackConfigFiles,
} from './app/index.ts';
import {
  createControllerMetrics,
  createManager,
  serviceAccountKeychains,
  type ControllerMetrics,
  type KeychainSource,
  type Manager,
  type ManagerOptions,
} from './controller/index.ts';
import {
  createClusterObjectPatcher,
  createKeychainCache,
  createCosignSecretReader,
  createKeychainFactory,
  createKubeClient,
  createLeaseClient,
  createObjectClient,
  loadKubeConfig,
  type KubeClient,
  type KubeConnection,
  type ObjectClient,
} from './k8s/index.ts';
import { defaultDockerKeychain, dockerConfigPath, type Keychain, type RequestEvent } from './oci/index.ts';
import type { Logger } from './shared/index.ts';
import { publishCaBundle, type UsersLookup } from './webhook/index.ts';

/** The reference rules, re-exported for the callers that hand them to api's validation (webhook, tests). */
export { imageReferenceChecks, localReferenceChecks };

function adaptPino(logger: PinoLogger): Logger {
  return {
    debug: (message, fields) => logger.debug(fields ?? {}, message),
    info: (message, fields) => logger.info(fields ?? {}, message),
    warn: (message, fields) => logger.warn(fields ?? {}, message),
    error: (message, fields) => logger.error(fields ?? {}, message),
    child: (fields) => adaptPino(logger.child(fields)),
  };
}

/** A pino-backed Logger writing one JSON object per line to stderr (file descriptor 2). */
export function jsonLogger(options: { level?: string; name?: string } = {}): Logger {
  const logger = pino(
    { level: options.level ?? 'info', name: options.name, base: undefined, timestamp: pino.stdTimeFunctions.isoTime },
    pino.destination({ fd: 2, sync: true }),
  );
  return adaptPino(logger);
}

/** Options of `createLocalEnvironment`. */
export interface LocalEnvironmentOptions {
  /** Registry hosts reachable over plain HTTP or with unverified TLS (loopback always is). */
  insecureRegistries?: readonly string[];
  /** PEM CA certificates trusted for registries in addition to the system roots. */
  registryCa?: readonly string[];
  /** Environment for `DOCKER_CONFIG`; defaults to the process environment. */
  env?: NodeJS.ProcessEnv;
  /** Called after every registry request (for counting in tests and benchmarks). */
  onRequest?: (event: RequestEvent) => void;
  /**
   * Keep manifests, configs and tag digests on disk between runs (`<cache>/registry`), so a rerun asks
   * one HEAD per tag; default true unless `PACKSMITH_REGISTRY_CACHE=off`.
   */
  registryCache?: boolean;
}

/** Everything local mode needs, wired; `close()` releases registry connections. */
export interface LocalEnvironment {
  images: OciImageAccess;
  /** Docker `config.json` credentials (`$DOCKER_CONFIG` or `~/.docker`), read on each use. */
  keychain: Keychain;
  clock: Clock;
  referenceChecks: ReferenceChecks;
  /** Files that pack's builder.toml names, and packsmith's cache for lifecycle archives. */
  packConfigFiles: PackConfigFiles;
  close(): Promise<void>;
}

/** packsmith's cache directory: `${XDG_CACHE_HOME:-$HOME/.cache}/packsmith`. */
function cacheRoot(env: NodeJS.ProcessEnv): string {
  return join(env.XDG_CACHE_HOME || join(env.HOME ?? '/root', '.cache'), 'packsmith');
}

/** Builds local mode's concrete adapters: registry client plus layouts, and the Docker config keychain. */
export function createLocalEnvironment(options: LocalEnvironmentOptions = {}): LocalEnvironment {
  const env = options.env ?? process.env;
  const cached = (options.registryCache ?? true) && env.PACKSMITH_REGISTRY_CACHE !== 'off';
  const images = new OciImageAccess({
    insecureRegistries: options.insecureRegistries,
    ...(cached ? { contentCache: new DiskContentCache(join(cacheRoot(env), 'registry')) } : {}),
    onRequest: options.onRequest,
    userAgent: 'packsmith',
    ...(options.registryCa?.length ? { ca: options.registryCa } : {}),
  });
  return {
    images,
    keychain: defaultDockerKeychain({ path: dockerConfigPath(env) }),
    clock: systemClock,
    referenceChecks: localReferenceChecks,
    packConfigFiles: packConfigFiles(cacheRoot(env)),
    close: () => images.close(),
  };
}

/**
 * Looks for the CNB lifecycle binary for `packsmith samples`: `PACKSMITH_LIFECYCLE`, then the
 * packsmith tools cache, then PATH (see adapters/lifecycle-binary.ts).
 */
export function locateLifecycleBinary(env: NodeJS.ProcessEnv): Promise<LifecycleSearch> {
  return findLifecycleBinary(env);
}

/** Options of `createControllerEnvironment`. */
export interface ControllerEnvironmentOptions {
  kubeconfig?: string;
  context?: string;
  insecureRegistries?: readonly string[];
  workers?: number;
  /** Requests in flight to one registry host at most, over every transport (default 8). */
  registryConcurrency?: number;
  /** Store status size past which buildpacks are listed in compact form (default 512 KiB). */
  statusBudgetBytes?: number;
  resyncMs?: number;
  shutdownGraceMs?: number;
  /** Lease namespace when leader election is on; undefined turns it off. */
  leaseNamespace?: string;
  /** This replica's identity in the Lease (default: host name and a random suffix). */
  identity?: string;
  /** With leader election on and 2 or more: replicas share the work by shard instead of electing one leader. */
  shards?: number;
  logger: Logger;
  env?: NodeJS.ProcessEnv;
}

/** `PACKSMITH_UPDATE_MIN_INTERVAL` (a Go duration): lowers the update poller's one-minute floor, for tests and demos. */
function updateSettings(env: NodeJS.ProcessEnv): Pick<ManagerOptions, 'updates'> {
  const text = env.PACKSMITH_UPDATE_MIN_INTERVAL;
  const ms = text === undefined ? undefined : parseGoDuration(text);
  return ms === undefined ? {} : { updates: { minimumIntervalMs: ms, backoff: { initialMs: Math.max(ms, 100) } } };
}

/** The controller wired to a cluster: the manager, its metrics, and `close()` for registry connections. */
export interface ControllerEnvironment {
  manager: Manager;
  metrics: ControllerMetrics;
  /** Where the API server is (for the startup log line). */
  server: string;
  close(): Promise<void>;
}

/**
 * Builds the controller's concrete adapters: the Kubernetes client and Lease client from the
 * kubeconfig, service-account keychains with the controller's Docker config as the controller-wide
 * fallback, the registry client, and metrics fed by the registry transports' counters.
 */
export function createControllerEnvironment(options: ControllerEnvironmentOptions): ControllerEnvironment {
  const connection = loadKubeConfig({ kubeconfig: options.kubeconfig, context: options.context, env: options.env });
  const client = createKubeClient(connection);
  const controllerKeychain = defaultDockerKeychain({ path: dockerConfigPath(options.env ?? process.env) });
  const { images, keychains } = controllerRegistryAccess({
    client,
    controllerKeychain,
    logger: options.logger,
    settings: {
      insecureRegistries: options.insecureRegistries,
      userAgent: 'packsmith-controller',
      concurrency: options.registryConcurrency ?? 8,
      onThrottle: (registry, delayMs) => {
        metrics.throttled(registry);
        options.logger.warn('registry throttles: pausing all its requests', { registry, delayMs });
      },
    },
  });
  const metrics = createControllerMetrics({
    // Read at scrape time, after the manager below exists.
    queueDepth: () => manager.queueDepth(),
    transfers: () => images.registry.totals(),
    transports: () => images.registry.transportCount(),
    pausedRegistries: () => images.registry.pausedHosts().length,
  });
  const identity = options.identity ?? `${hostname()}-${randomBytes(4).toString('hex')}`;
  const manager = createManager({
    client,
    keychains,
    cosignSecretsOver: (cached) => createCosignSecretReader({ client: cached, logger: options.logger }),
    images,
    clock: systemClock,
    logger: options.logger,
    workers: options.workers,
    resyncMs: options.resyncMs,
    shutdownGraceMs: options.shutdownGraceMs,
    metrics,
    ...(options.statusBudgetBytes ? { statusBudgetBytes: options.statusBudgetBytes } : {}),
    tags: images,
    ...updateSettings(options.env ?? process.env),
    ...leaseSettings(connection, options, identity),
  });
  return { manager, metrics, server: connection.server, close: () => images.close() };
}

/** Single-Lease leader election, shards, or neither (no lease namespace: this replica always works). */
function leaseSettings(connection: KubeConnection, options: ControllerEnvironmentOptions, identity: string): Pick<ManagerOptions, 'leader' | 'shards'> {
  if (!options.leaseNamespace) return {};
  const lease = { leases: createLeaseClient(connection), namespace: options.leaseNamespace, name: 'packsmith-controller', identity };
  return (options.shards ?? 1) > 1 ? { shards: { ...lease, shards: options.shards ?? 1 } } : { leader: lease };
}

/** Options of `controllerRegistryAccess`. */
export interface ControllerRegistryOptions {
  client: Pick<KubeClient, 'get'>;
  /** Controller-wide credentials (default: anonymous). */
  controllerKeychain?: Keychain;
  logger?: Logger;
  settings?: ConstructorParameters<typeof OciImageAccess>[0];
  /** Keychain cache lifetime in ms (default 10 minutes). */
  ttlMs?: number;
}

/**
 * The controller's credentials and registry access, wired so that they share one key: keychains
 * cached by credential key (dropped when a Secret or ServiceAccount they were read from changes),
 * and one registry transport per cached keychain, closed when the keychain is dropped.
 */
export function controllerRegistryAccess(options: ControllerRegistryOptions): { images: OciImageAccess; keychains: KeychainSource } {
  const factory = createKeychainFactory({
    client: options.client,
    ...(options.controllerKeychain ? { controllerKeychain: options.controllerKeychain } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
  });
  const cache = createKeychainCache({
    build: (ref, io) => factory.build(ref, io),
    onEvict: (key) => images.registry.release(key),
    ...(options.ttlMs ? { ttlMs: options.ttlMs } : {}),
  });
  // Each transport (one per credential key) keeps the manifests and configs it read: builders share their stack and lifecycle images.
  const images = new OciImageAccess(options.settings ?? {}, {
    keyOf: (keychain) => cache.transportKeyOf(keychain),
    contentCacheOf: () => new MemoryContentCache(),
  });
  return { images, keychains: serviceAccountKeychains(cache) };
}

/**
 * Publishes the webhook's CA bundle into packsmith's webhook configurations and the convertible CRDs
 * through the cluster the kubeconfig (or the in-cluster service account) names.
 */
export function createCaBundlePublisher(options: { kubeconfig?: string; context?: string; env?: NodeJS.ProcessEnv } = {}): (caPem: string) => Promise<void> {
  const connection = loadKubeConfig({ kubeconfig: options.kubeconfig, context: options.context, env: options.env });
  const patch = createClusterObjectPatcher(connection);
  return (caPem) => publishCaBundle(caPem, patch);
}

/**
 * The webhook's in-use lookup: lists every Builder and ClusterBuilder through the cluster the
 * kubeconfig (or the in-cluster service account) names and applies app's rule. Listed at each
 * delete, not watched: deletes are rare, and a fresh list cannot miss a builder created a moment ago.
 * The connection is made at the first delete, so a webhook without cluster access still serves
 * (its deletes are allowed with a warning).
 */
export function createBuilderUsersLookup(options: { kubeconfig?: string; context?: string; env?: NodeJS.ProcessEnv } = {}): UsersLookup {
  let objects: ObjectClient | undefined;
  return async (target) => {
    objects ??= createObjectClient(loadKubeConfig(options), 'packsmith-webhook');
    const [builders, clusterBuilders] = await Promise.all([objects.list({ kind: 'Builder' }), objects.list({ kind: 'ClusterBuilder' })]);
    const all = [...builders.map((b) => builderInUseOf('Builder', b)), ...clusterBuilders.map((b) => builderInUseOf('ClusterBuilder', b))].filter(
      (b): b is BuilderInUse => b !== undefined,
    );
    return buildersUsing(target, all);
  };
}

/** Options of `createClusterCliEnvironment`: kubectl's connection flags and kp's registry flags. */
export interface ClusterCliOptions {
  kubeconfig?: string | undefined;
  context?: string | undefined;
  /** Registry hosts reachable over plain HTTP or with unverified TLS (loopback always is). */
  insecureRegistries?: readonly string[];
  /** PEM CA certificates trusted for registries in addition to the system roots. */
  registryCa?: readonly string[];
  env?: NodeJS.ProcessEnv;
  /** Called after every registry request (tests count requests with it). */
  onRequest?: (event: RequestEvent) => void;
}

/** What the resource commands need: the API server, the context's namespace, and registry access with Docker credentials. */
export interface ClusterCliEnvironment extends LocalEnvironment {
  objects: ObjectClient;
  /** The kubeconfig context's namespace (`default` when it sets none). */
  namespace: string;
}

/**
 * Builds the CLI's cluster adapters: an ObjectClient from the kubeconfig (`--kubeconfig`, KUBECONFIG,
 * in-cluster, ~/.kube/config) and local mode's registry access for relocating images, whose
 * credentials come from the user's Docker config as with kp.
 */
export function createClusterCliEnvironment(options: ClusterCliOptions = {}): ClusterCliEnvironment {
  const connection = loadKubeConfig({ kubeconfig: options.kubeconfig, context: options.context, env: options.env });
  const images = new OciImageAccess({
    insecureRegistries: options.insecureRegistries,
    onRequest: options.onRequest,
    userAgent: 'packsmith-cli',
    ...(options.registryCa?.length ? { ca: options.registryCa } : {}),
  });
  return {
    objects: createObjectClient(connection, 'packsmith-cli'),
    namespace: connection.namespace,
    images,
    keychain: defaultDockerKeychain({ path: dockerConfigPath(options.env ?? process.env) }),
    clock: systemClock,
    referenceChecks: localReferenceChecks,
    packConfigFiles: packConfigFiles(cacheRoot(options.env ?? process.env)),
    close: () => images.close(),
  };
}

/** The doctor's registry probe over `images`' transports (which write nothing). */
export function registryAccessProbe(images: OciImageAccess): AccessProbe {
  return new RegistryAccessProbe(images.registry);
}

/**
 * The doctor's credentials: in a cluster, each resource's ServiceAccount and Secrets read through the
 * kubeconfig's identity as the controller reads them; locally, the Docker config.
 */
export function doctorCredentials(
  options:
    { mode: 'cluster'; kubeconfig?: string | undefined; context?: string | undefined; env?: NodeJS.ProcessEnv } | { mode: 'local'; env?: NodeJS.ProcessEnv },
): DoctorCredentials {
  if (options.mode === 'local') {
    const path = dockerConfigPath(options.env ?? process.env);
    return dockerConfigDoctorCredentials(path, defaultDockerKeychain({ path }));
  }
  const client = createKubeClient(loadKubeConfig({ kubeconfig: options.kubeconfig, context: options.context, env: options.env }));
  const factory = createKeychainFactory({ client });
  return serviceAccountDoctorCredentials((ref, io) => factory.build(ref, io));
}
