/**
 * The update poller: for every resource with `spec.updatePolicy` (on the keys this replica works
 * on), once per interval, one HEAD per followed image (plus the tag list when the policy follows a
 * semver range), with the resource's own credentials. What it finds goes into status next to the
 * tag (`resolvedImages`, `pendingUpdates`; the spec is never rewritten), Events and metrics say what
 * happened, and a resource whose digests changed is reconciled (its informer event queues it), which
 * reads the recorded digests. A registry answering 429 or 5xx is backed off as a whole (shared/host-backoff.ts).
 * Time comes from the injected Clock, so tests drive the intervals by hand.
 */
import {
  approveUpdateAnnotation,
  credentialRefOf,
  findCondition,
  intervalOf,
  isInvalid,
  minimumUpdateIntervalMs,
  resourceKey,
  rolloutOf,
  type Resource,
} from '../api/index.ts';
import {
  checkTag,
  decideUpdates,
  followedImages,
  policyKinds,
  promoteCanary,
  registryOf,
  updatePolicyOf,
  updateStateOf,
  updateStatusFieldsOf,
  type Clock,
  type LocalStatus,
  type PolicyKind,
  type PolicyResource,
  type TagAccess,
  type TagCheck,
  type UpdateDecision,
} from '../app/index.ts';
import { createLimiter, errorKindOf, HostBackoff, messageOf, retryAfterOf, type HostBackoffOptions, type Logger } from '../shared/index.ts';
import { queueKey } from './enqueue.ts';
import type { EventSink, KeychainSource, ObjectCache, StatusWriter, UpdateMetrics } from './ports.ts';
import { commitStatus, type AnyStatus } from './status.ts';
import { announceUpdates } from './update-follow.ts';

/** Options of `createUpdatePoller`. */
export interface UpdatePollerOptions {
  cache: ObjectCache;
  status: StatusWriter;
  events: EventSink;
  keychains: KeychainSource;
  tags: TagAccess;
  clock: Clock;
  logger: Logger;
  metrics?: UpdateMetrics;
  /** The shortest interval honoured (default 1 minute, the webhook's minimum; tests lower it). */
  minimumIntervalMs?: number;
  backoff?: HostBackoffOptions;
  /** Resources checked at once (default 8). */
  concurrency?: number;
}

/** A running poller. */
export interface UpdatePoller {
  /** Checks resources as they fall due until `signal` aborts; `owns` limits it to the work-queue items this replica works on. */
  run(signal: AbortSignal, owns?: (item: string) => boolean): Promise<void>;
  /** Looks at the cache again now (a resource appeared, or its policy changed). */
  wake(): void;
}

interface Followed {
  kind: PolicyKind;
  item: string;
  resource: PolicyResource;
  intervalMs: number;
}

const isoOf = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** When a resource seen for the first time is due: at once, unless every image was checked less than an interval ago (a restart). */
function firstDue(followed: Followed, now: number): number {
  const state = updateStateOf(followed.resource.status);
  const times = followedImages(followed.resource).map((image) => Date.parse(state.resolvedImages.find((e) => e.image === image)?.checkedAt ?? ''));
  if (times.length === 0 || times.some((t) => Number.isNaN(t))) return now;
  return Math.max(now, Math.min(...times) + followed.intervalMs);
}

/** The canary builder a canary policy with held updates names, from the cache; undefined otherwise. */
function canaryBuilderOf(followed: Followed, cache: ObjectCache): Resource<'Builder'> | Resource<'ClusterBuilder'> | undefined {
  const policy = updatePolicyOf(followed.resource) ?? {};
  const canary = rolloutOf(policy) === 'canary' ? policy.canary : undefined;
  if (!canary?.name || updateStateOf(followed.resource.status).pendingUpdates.length === 0) return undefined;
  const builder = canary.kind === 'ClusterBuilder' ? cache.get('ClusterBuilder', canary.name) : cache.get('Builder', `${canary.namespace}/${canary.name}`);
  return builder && !isInvalid(builder) ? builder : undefined;
}

/** The held updates of `followed` its canary builder is built with and up to date with; empty when none. */
function canaryBuilt(followed: Followed, cache: ObjectCache): Array<{ image: string; digest: string }> {
  const status = canaryBuilderOf(followed, cache)?.status;
  if (findCondition(status?.conditions, 'UpToDate')?.status !== 'True') return [];
  return (status?.canaryUpdates ?? []).filter((u) => u.kind === followed.kind && u.name === followed.resource.metadata.name);
}

/** Creates the poller; nothing runs until `run`. */
export function createUpdatePoller(options: UpdatePollerOptions): UpdatePoller {
  const backoff = new HostBackoff(options.backoff);
  const due = new Map<string, { at: number; intervalMs: number }>();
  const lastFailure = new Map<string, string>();
  const limit = createLimiter(options.concurrency ?? 8);
  const minimum = options.minimumIntervalMs ?? minimumUpdateIntervalMs;
  let wakeUp: () => void = () => undefined;
  // A wake while checks run is kept, so the next pass is not put off until the next due check.
  let woken = false;

  const followedNow = (owns: (item: string) => boolean): Followed[] =>
    policyKinds.flatMap((kind) =>
      options.cache.list(kind).flatMap((parsed) => {
        if (isInvalid(parsed)) return [];
        const resource = parsed as PolicyResource;
        const policy = updatePolicyOf(resource);
        const item = queueKey(kind, resourceKey(resource));
        if (!policy || resource.metadata.deletionTimestamp || !owns(item)) return [];
        return [{ kind, item, resource, intervalMs: Math.max(minimum, intervalOf(policy)) }];
      }),
    );

  /** One check of every image of one resource; failed images are left out (and the failures reported). */
  const checkImages = async (followed: Followed, now: number): Promise<{ checks: TagCheck[]; failures: string[]; until?: number }> => {
    const policy = updatePolicyOf(followed.resource) ?? {};
    const keychain = await options.keychains.keychainFor(credentialRefOf(followed.resource));
    const checks: TagCheck[] = [];
    const failures: string[] = [];
    let until: number | undefined;
    for (const image of followedImages(followed.resource)) {
      try {
        checks.push(await checkTag(image, policy, { tags: options.tags, keychain }));
        options.metrics?.checked(followed.kind);
        backoff.succeeded(registryOf(image));
      } catch (error) {
        const kind = errorKindOf(error);
        options.metrics?.checked(followed.kind, kind);
        failures.push(`${image}: ${messageOf(error)}`);
        if (kind === 'transient') until = Math.max(until ?? 0, backoff.failed(registryOf(image), now, retryAfterOf(error)));
      }
    }
    return { checks, failures, ...(until === undefined ? {} : { until }) };
  };

  const decide = (followed: Followed, checks: readonly TagCheck[], status: PolicyResource['status'], now: number): UpdateDecision =>
    decideUpdates(updateStateOf(status), {
      checks,
      images: followedImages(followed.resource),
      rollout: rolloutOf(updatePolicyOf(followed.resource) ?? {}),
      now: isoOf(now),
      approval: followed.resource.metadata.annotations?.[approveUpdateAnnotation],
    });

  /** Writes the update fields `decideFor` gives for the status the server has (the rest is the reconcile's, kept as it is), then announces. */
  const commit = async (followed: Followed, first: UpdateDecision, decideFor: (current: AnyStatus) => UpdateDecision): Promise<void> => {
    const { kind, resource } = followed;
    const written = await commitStatus(options.status, kind, resource, (current) => {
      const { resolvedImages: _r, pendingUpdates: _p, lastApproval: _l, ...rest } = current;
      return { ...rest, conditions: current.conditions ?? [], ...updateStatusFieldsOf(decideFor(current).state) } as LocalStatus;
    });
    // The written digests enqueue the resource through its informer event (enqueue.ts), once the cache has them.
    if (written)
      await announceUpdates(kind, resource, first.events, { events: options.events, ...(options.metrics ? { updateMetrics: options.metrics } : {}) });
  };

  const record = (followed: Followed, checks: readonly TagCheck[], now: number): Promise<void> =>
    commit(followed, decide(followed, checks, followed.resource.status, now), (current) => decide(followed, checks, current, now));

  /** Under canary: the held updates the canary builder was built with (and is up to date with) go into use for everyone. */
  const promote = async (followed: Followed): Promise<void> => {
    const built = canaryBuilt(followed, options.cache);
    if (built.length === 0) return;
    const first = promoteCanary(updateStateOf(followed.resource.status), built);
    if (first.applied) await commit(followed, first, (current) => promoteCanary(updateStateOf(current as PolicyResource['status']), built));
  };

  const reportFailures = async (followed: Followed, failures: readonly string[]): Promise<void> => {
    const message = failures.join('; ');
    if (message === '') {
      lastFailure.delete(followed.item);
      return;
    }
    // One Event per distinct failure, not one per interval.
    if (lastFailure.get(followed.item) === message) return;
    lastFailure.set(followed.item, message);
    options.logger.warn('update check failed', { kind: followed.kind, key: resourceKey(followed.resource), error: message });
    await options.events.record(followed.kind, followed.resource, { type: 'Warning', reason: 'UpdateCheckFailed', message });
  };

  const checkOne = async (followed: Followed): Promise<void> => {
    const now = options.clock.now();
    const blocked = Math.max(0, ...followedImages(followed.resource).map((image) => backoff.blockedUntil(registryOf(image), now) ?? 0));
    if (blocked > now) {
      due.set(followed.item, { at: blocked, intervalMs: followed.intervalMs });
      return;
    }
    let until: number | undefined;
    try {
      const found = await checkImages(followed, now);
      until = found.until;
      if (found.checks.length > 0) await record(followed, found.checks, now);
      await reportFailures(followed, found.failures);
    } catch (error) {
      await reportFailures(followed, [messageOf(error)]);
    }
    due.set(followed.item, { at: Math.max(now + followed.intervalMs, until ?? 0), intervalMs: followed.intervalMs });
  };

  /** One pass: the schedule brought up to date with the cache, canaries promoted, due resources checked. */
  const pass = async (owns: (item: string) => boolean): Promise<void> => {
    const now = options.clock.now();
    const followed = followedNow(owns);
    const present = new Set(followed.map((f) => f.item));
    for (const item of due.keys()) if (!present.has(item)) due.delete(item);
    for (const f of followed) {
      const known = due.get(f.item);
      if (!known || known.intervalMs !== f.intervalMs) due.set(f.item, { at: firstDue(f, now), intervalMs: f.intervalMs });
    }
    await Promise.all(followed.map((f) => limit(() => promote(f).catch((error: unknown) => reportFailures(f, [messageOf(error)])))));
    const ready = followed.filter((f) => (due.get(f.item)?.at ?? now) <= now);
    await Promise.all(ready.map((f) => limit(() => checkOne(f))));
  };

  /** Resolves after `ms`, on `wake()`, or on abort. */
  const pause = (ms: number, signal: AbortSignal): Promise<void> =>
    new Promise((resolve) => {
      const done = (): void => {
        cancel();
        signal.removeEventListener('abort', done);
        wakeUp = () => undefined;
        resolve();
      };
      const cancel = options.clock.schedule(done, ms);
      wakeUp = done;
      signal.addEventListener('abort', done, { once: true });
    });

  return {
    wake: () => {
      woken = true;
      wakeUp();
    },
    async run(signal, owns = () => true) {
      while (!signal.aborted) {
        woken = false;
        await pass(owns);
        if (signal.aborted) return;
        if (woken) continue;
        const next = Math.min(...[...due.values()].map((d) => d.at));
        // Nothing followed: sleep until woken (an hour is only a safety net).
        await pause(Number.isFinite(next) ? Math.max(0, next - options.clock.now()) : 3_600_000, signal);
      }
    },
  };
}
