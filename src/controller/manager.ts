/**
 * Runs the controller: one informer per kind (events only enqueue keys), a shared keyed work queue,
 * N workers calling the kind's reconciler, leader election gating the workers (informers run on a
 * standby too, so a new leader starts warm), and a graceful stop: on abort no new key is taken and
 * in-flight reconciles get a grace period before their signal aborts them. Losing leadership ends
 * `run` (the process exits and restarts, as client-go controllers do).
 */
import { resourceKey, type KindName } from '../api/index.ts';
import { createGeneratedLayerCache, createSourceRecordCache, policyKinds, type Clock, type ImageAccess, type TagAccess } from '../app/index.ts';
import {
  createInformer,
  createLeaderElector,
  createShardMembership,
  createTracker,
  shardOf,
  createWorkQueue,
  type Informer,
  type KubeClient,
  type LeaseClient,
  type ShardMembershipOptions,
  type Tracker,
  type WorkQueue,
  type WorkQueueOptions,
} from '../k8s/index.ts';
import { messageOf, NotFoundError, sleep, type HostBackoffOptions, type Logger } from '../shared/index.ts';
import { builderReconciler } from './builder.ts';
import { clusterLifecycleReconciler } from './cluster-lifecycle.ts';
import { apiEventSink, apiStatusWriter, informerCache } from './cluster-ports.ts';
import { clusterStackReconciler } from './cluster-stack.ts';
import { buildpackReconciler, clusterStoreReconciler } from './cluster-store.ts';
import { keysForCredentialEvent, type CredentialKind, type CredentialView } from './credential-enqueue.ts';
import { keysForEvent, parseQueueKey, queueKey } from './enqueue.ts';
import { rebuildRank } from './rebuild-order.ts';
import type { ControllerMetrics } from './metrics.ts';
import type { CosignSecretSource, KeychainSource, ReconcilerDeps } from './ports.ts';
import type { Reconciler } from './reconciler.ts';
import { createUpdatePoller, type UpdatePoller } from './update-poller.ts';
import { runWorkers } from './workers.ts';

/** The kinds the controller reconciles, dependencies first. */
export const controllerKinds: readonly KindName[] = [
  'ClusterStore',
  'Buildpack',
  'ClusterBuildpack',
  'ClusterStack',
  'ClusterLifecycle',
  'Builder',
  'ClusterBuilder',
];

/** Leader election settings; without them this replica always works. */
export interface LeaderSettings {
  leases: LeaseClient;
  namespace: string;
  name: string;
  identity: string;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
}

/**
 * Work shared by replicas: keys are cut into `shards`, each guarded by a Lease (k8s/shards.ts);
 * this replica reconciles only the keys of the shards it holds. Replaces single-Lease election.
 */
export type ShardSettings = Omit<ShardMembershipOptions, 'onChange' | 'clock' | 'logger'>;

/** Options of `createManager`. */
export interface ManagerOptions {
  client: KubeClient;
  keychains: KeychainSource;
  /** cosign key Secrets of builders' ServiceAccounts (none: builders are not signed). */
  cosignSecrets?: CosignSecretSource;
  /**
   * Or made over the manager's own Secret and ServiceAccount caches (a `get` that reads them), so a
   * reconcile asks the API server nothing for them: those kinds are watched anyway, and a change
   * re-enqueues their users.
   */
  cosignSecretsOver?: (cached: Pick<KubeClient, 'get'>) => CosignSecretSource;
  images: ImageAccess;
  clock: Clock;
  logger: Logger;
  /** Reconciles at once (default 2, as kpack). */
  workers?: number;
  /** Informer resync period (default 10 hours). */
  resyncMs?: number;
  /** How long in-flight reconciles may run after a stop (default 20 s). */
  shutdownGraceMs?: number;
  leader?: LeaderSettings;
  /** Share the work with other replicas by shard instead of electing one leader. */
  shards?: ShardSettings;
  metrics?: ControllerMetrics;
  queue?: WorkQueueOptions;
  /** Store status size past which buildpacks are listed in compact form (default 512 KiB). */
  statusBudgetBytes?: number;
  /** Tag reads for update policies (none: `spec.updatePolicy` is not followed). */
  tags?: TagAccess;
  /** Update poller settings: the shortest interval honoured (default 1 minute) and the per-registry backoff. */
  updates?: { minimumIntervalMs?: number; backoff?: HostBackoffOptions };
}

/** A controller instance. */
export interface Manager {
  /** Runs until `signal` aborts (resolves 'stopped') or leadership is lost ('lost-leadership'). */
  run(signal: AbortSignal): Promise<'stopped' | 'lost-leadership'>;
  /** True once every informer has synced. */
  ready(): boolean;
  /** True while workers run. */
  leading(): boolean;
  /** Keys waiting. */
  queueDepth(): number;
  /** The dependency index (for tests and diagnostics). */
  readonly tracker: Tracker;
}

function reconcilers(deps: ReconcilerDeps): Map<KindName, Reconciler> {
  return new Map<KindName, Reconciler>([
    ['ClusterStore', clusterStoreReconciler(deps)],
    ['Buildpack', buildpackReconciler('namespaced', deps)],
    ['ClusterBuildpack', buildpackReconciler('cluster', deps)],
    ['ClusterStack', clusterStackReconciler(deps)],
    ['ClusterLifecycle', clusterLifecycleReconciler(deps)],
    ['Builder', builderReconciler('namespaced', deps)],
    ['ClusterBuilder', builderReconciler('cluster', deps)],
  ]);
}

/** Waits until leadership is gained (resolving to its signal) or `signal` aborts (undefined). */
function campaign(settings: LeaderSettings, logger: Logger, stop: AbortSignal): { leading: Promise<AbortSignal | undefined>; done: Promise<void> } {
  let gained: (s: AbortSignal | undefined) => void = () => undefined;
  const leading = new Promise<AbortSignal | undefined>((resolve) => (gained = resolve));
  const elector = createLeaderElector({ ...settings, logger, onStartedLeading: (s) => gained(s) });
  stop.addEventListener('abort', () => gained(undefined), { once: true });
  return { leading, done: elector.run(stop) };
}

const untilAborted = (signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })));

/** Creates the manager; nothing runs until `run`. */
export function createManager(options: ManagerOptions): Manager {
  const tracker = createTracker();
  const logger = options.logger;
  const informers = new Map<string, Informer>(
    controllerKinds.map((kind) => [
      kind,
      createInformer({ client: options.client, kind, resyncMs: options.resyncMs, logger: logger.child({ informer: kind }) }),
    ]),
  );
  // Cluster-wide watches of the credential kinds: a changed Secret or ServiceAccount re-enqueues its users.
  for (const kind of credentialKinds)
    informers.set(kind, createInformer({ client: options.client, kind, resyncMs: 0, logger: logger.child({ informer: kind }) }));
  const credentials = credentialView(informers);
  const deps: ReconcilerDeps = {
    cache: informerCache(informers),
    status: apiStatusWriter(options.client),
    events: apiEventSink(options.client, logger),
    keychains: options.keychains,
    images: options.images,
    clock: options.clock,
    logger,
    tracker,
    ...cosignSecretsOf(options, informers),
    ...(options.statusBudgetBytes ? { statusBudgetBytes: options.statusBudgetBytes } : {}),
    sourceRecords: createSourceRecordCache(),
    generatedLayers: createGeneratedLayerCache(),
    ...(options.metrics ? { updateMetrics: options.metrics } : {}),
  };
  const byKind = reconcilers(deps);
  let queue: WorkQueue | undefined;
  const poller: UpdatePoller | undefined = options.tags
    ? createUpdatePoller({
        ...deps,
        tags: options.tags,
        logger: logger.child({ component: 'update-poller' }),
        ...(options.metrics ? { metrics: options.metrics } : {}),
        ...options.updates,
      })
    : undefined;
  const wakesPoller: ReadonlySet<string> = new Set([...policyKinds, 'Builder', 'ClusterBuilder']);
  let synced = false;
  let working = false;

  /** Runs `work` while this replica leads (always, without election); says why it ended. */
  const lead = async (signal: AbortSignal, work: (stop: AbortSignal) => Promise<void>): Promise<'stopped' | 'lost-leadership'> => {
    const electorStop = new AbortController();
    const election = options.leader ? campaign(options.leader, logger, electorStop.signal) : undefined;
    const leadSignal = election ? await Promise.race([election.leading, untilAborted(signal).then(() => undefined)]) : signal;
    let outcome: 'stopped' | 'lost-leadership' = 'stopped';
    if (leadSignal && !signal.aborted) {
      await work(AbortSignal.any([signal, leadSignal]));
      if (!signal.aborted) outcome = 'lost-leadership';
    }
    // Released only now: the Lease stays ours until in-flight work has ended.
    electorStop.abort();
    await election?.done.catch((error: unknown) => logger.warn('leader election ended with an error', { error: messageOf(error) }));
    return outcome;
  };

  /** True once every cache synced; false when `signal` stopped the wait (a normal stop, not a failure). */
  const waitForCaches = async (signal: AbortSignal): Promise<boolean> => {
    try {
      await Promise.all([...informers.values()].map((i) => i.waitForSync(signal)));
      return true;
    } catch (error) {
      if (signal.aborted) return false;
      throw error;
    }
  };

  const subscribe = (q: WorkQueue, accepts: (key: string) => boolean): void => {
    for (const kind of controllerKinds) {
      informers.get(kind)?.subscribe((event) => {
        if (event.type === 'delete' && (kind === 'Builder' || kind === 'ClusterBuilder')) tracker.forget({ kind, ...splitRef(event.key) });
        // A followed resource changed, or a builder did (a canary may now prove an update).
        if (event.type !== 'sync' && wakesPoller.has(kind)) poller?.wake();
        for (const key of keysForEvent(kind, event, tracker)) if (accepts(key)) q.add(key);
      });
    }
    for (const kind of credentialKinds) {
      informers.get(kind)?.subscribe((event) => {
        // Cached keychains read from this object go first, so the re-enqueued users read the new data.
        if (event.type !== 'sync')
          options.keychains.invalidate?.({
            kind,
            name: event.object.metadata.name,
            ...(event.object.metadata.namespace ? { namespace: event.object.metadata.namespace } : {}),
          });
        for (const key of keysForCredentialEvent(kind, event, credentials, controllerKinds)) if (accepts(key)) q.add(key);
      });
    }
  };

  const workers = (q: WorkQueue, stop: AbortSignal, owns?: (key: string) => boolean): Promise<void> => {
    working = true;
    logger.info('starting workers', { workers: options.workers ?? 2 });
    return runWorkers({
      queue: q,
      reconcilers: byKind,
      workers: options.workers ?? 2,
      graceMs: options.shutdownGraceMs ?? 20_000,
      logger,
      metrics: options.metrics,
      stop,
      clock: options.clock,
      ...(owns ? { owns } : {}),
    }).finally(() => {
      working = false;
    });
  };

  const rankOf = (item: string): number => {
    const parsed = parseQueueKey(item);
    return parsed ? rebuildRank(parsed.kind, informers.get(parsed.kind)?.get(parsed.key)) : 0;
  };

  /** Every cached key of the controller's kinds, for a shard just gained. */
  const cachedKeys = (): string[] =>
    controllerKinds.flatMap((kind) => (informers.get(kind)?.list() ?? []).map((object) => queueKey(kind, resourceKey(object))));

  /** Sharded: workers always run, on the keys of the shards held; gaining a shard queues its keys. */
  const share = async (settings: ShardSettings, q: WorkQueue, owned: Set<number>, signal: AbortSignal): Promise<'stopped'> => {
    const membershipStop = new AbortController();
    const membership = createShardMembership({
      ...settings,
      clock: options.clock,
      logger,
      onChange: (held) => {
        const gained = [...held].filter((shard) => !owned.has(shard));
        owned.clear();
        for (const shard of held) owned.add(shard);
        for (const key of cachedKeys()) if (gained.includes(shardOf(key, settings.shards))) q.add(key);
      },
    });
    const membershipDone = membership.run(membershipStop.signal);
    try {
      const owns = (key: string): boolean => owned.has(shardOf(key, settings.shards));
      await Promise.all([workers(q, signal, owns), poller?.run(signal, owns)]);
    } finally {
      // Released only now: the shards stay ours until in-flight work has ended.
      membershipStop.abort();
      await membershipDone;
    }
    return 'stopped';
  };

  return {
    tracker,
    ready: () => synced,
    leading: () => working,
    queueDepth: () => queue?.length ?? 0,
    async run(signal) {
      // Many keys waiting at once (a store change touching thousands of builders): inputs first, then by rebuild priority.
      const q = createWorkQueue({ ...options.queue, rank: (key) => rankOf(key) });
      queue = q;
      const owned = new Set<number>();
      const sharding = options.shards;
      subscribe(q, sharding ? (key) => owned.has(shardOf(key, sharding.shards)) : () => true);
      for (const informer of informers.values()) informer.start();
      try {
        if (!(await waitForCaches(signal))) return 'stopped';
        synced = true;
        logger.info('caches synced', { kinds: controllerKinds.length });
        if (sharding) return await share(sharding, q, owned, signal);
        return await lead(signal, async (stop) => {
          await Promise.all([workers(q, stop), poller?.run(stop)]);
        });
      } finally {
        await q.shutDown({ drain: false });
        await Promise.all([...informers.values()].map((i) => i.stop()));
        // Let the last log lines and responses flush before the caller exits.
        await sleep(0);
      }
    },
  };
}

const credentialKinds: readonly CredentialKind[] = ['Secret', 'ServiceAccount'];

/** The cosign Secret source: given, or made over the credential informers. */
function cosignSecretsOf(options: ManagerOptions, informers: ReadonlyMap<string, Informer>): Pick<ReconcilerDeps, 'cosignSecrets'> {
  if (options.cosignSecrets) return { cosignSecrets: options.cosignSecrets };
  if (!options.cosignSecretsOver) return {};
  const cached: Pick<KubeClient, 'get'> = {
    get: ({ kind, namespace, name }) => {
      const object = informers.get(kind)?.get(namespace ? `${namespace}/${name}` : name);
      return object ? Promise.resolve(object) : Promise.reject(new NotFoundError(`${kind} ${namespace ?? ''}/${name} not found`));
    },
  };
  return { cosignSecrets: options.cosignSecretsOver(cached) };
}

function credentialView(informers: ReadonlyMap<string, Informer>): CredentialView {
  return {
    serviceAccounts: (namespace) => (informers.get('ServiceAccount')?.list() ?? []).filter((a) => a.metadata.namespace === namespace),
    resources: (kind) => informers.get(kind)?.list() ?? [],
  };
}

function splitRef(key: string): { namespace?: string; name: string } {
  const slash = key.indexOf('/');
  return slash < 0 ? { name: key } : { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}
