/**
 * A list+watch cache of one kind: lists once, watches from the list's resourceVersion, relists on 410
 * Gone, restarts with exponential backoff after any watch error or end, and re-emits every cached
 * object as `sync` on a resync period. Handlers get keys and objects only; reconcilers read the
 * read-only cache, so they always act on the latest state (level-triggered). Cached objects keep of
 * `metadata.managedFields` only the time of the newest spec write (managed-fields.ts), to keep memory
 * down, and always carry `kind` and `apiVersion`.
 */
import {
  backoffDelay,
  clockSleep,
  messageOf,
  silentLogger,
  systemClock,
  type BackoffOptions,
  type CancelTimer,
  type Clock,
  type Logger,
} from '../shared/index.ts';
import type { KubeClient } from './client.ts';
import { GoneError } from './errors.ts';
import { newestSpecWrite } from './managed-fields.ts';
import { apiVersionOf } from './paths.ts';
import { keyOf, type KubeObject, type ResourceKind, type WatchEvent } from './types.ts';

/** What happened to a cached object; `sync` is a periodic re-announcement without a change. */
export type InformerEventType = 'add' | 'update' | 'delete' | 'sync';

/** One cache change: the object's key (`namespace/name` or `name`), the object, and for updates the previous one. */
export interface InformerEvent {
  type: InformerEventType;
  key: string;
  object: KubeObject;
  oldObject?: KubeObject;
}

/** Receives informer events; it must not mutate the objects (they are the cache's own). */
export type InformerHandler = (event: InformerEvent) => void;

/** A running list+watch cache of one kind (the controller's kind-indexed ObjectCache is built over these). */
export interface Informer {
  readonly kind: ResourceKind;
  /** The cached object for a key, or undefined. */
  get(key: string): KubeObject | undefined;
  /** Every cached object (order unspecified). */
  list(): readonly KubeObject[];
  /** Starts listing and watching; idempotent. */
  start(): void;
  /** Stops the watch and timers; resolves once the loop has ended. */
  stop(): Promise<void>;
  /** True once the first list has filled the cache. */
  hasSynced(): boolean;
  /** Resolves once `hasSynced()`; rejects if `signal` aborts first. */
  waitForSync(signal?: AbortSignal): Promise<void>;
  /** Adds a handler; returns a function that removes it. Objects already cached are not replayed. */
  subscribe(handler: InformerHandler): () => void;
}

/** Options of `createInformer`. */
export interface InformerOptions {
  client: KubeClient;
  kind: ResourceKind;
  /** Restrict to one namespace; all namespaces when absent. */
  namespace?: string;
  /** Period of `sync` re-emission in ms; 0 disables (default 10 hours, as kpack). */
  resyncMs?: number;
  /** Delays between failed list/watch attempts (default 500 ms doubling to 30 s, jittered). */
  backoff?: BackoffOptions;
  clock?: Clock;
  logger?: Logger;
}

const defaultBackoff: BackoffOptions = { initialMs: 500, maxMs: 30_000, factor: 2, jitter: 0.2 };
const defaultResyncMs = 10 * 60 * 60 * 1000;
const minHealthyWatchMs = 1000;

/** Creates an informer (not started). */
export function createInformer(options: InformerOptions): Informer {
  return new ListWatchInformer(options);
}

/**
 * The object as cached: `metadata.managedFields` (server-side bookkeeping, often half the object's
 * size) cut to the newest spec write, which the rebuild order reads, and with `kind`/`apiVersion`
 * filled in (list items of core kinds lack them).
 */
function slim(object: KubeObject, kind: ResourceKind): KubeObject {
  const complete = object.kind !== undefined && object.apiVersion !== undefined;
  if (complete && object.metadata.managedFields === undefined) return object;
  const { managedFields, ...rest } = object.metadata;
  const specWrite = newestSpecWrite(managedFields);
  const metadata = specWrite ? { ...rest, managedFields: [specWrite] } : rest;
  return { ...object, kind: object.kind ?? kind, apiVersion: object.apiVersion ?? apiVersionOf(kind), metadata };
}

class ListWatchInformer implements Informer {
  readonly kind: ResourceKind;
  readonly #options: InformerOptions;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #cache = new Map<string, KubeObject>();
  readonly #handlers = new Set<InformerHandler>();
  readonly #syncWaiters = new Set<() => void>();
  #synced = false;
  #resourceVersion = '';
  #abort: AbortController | undefined;
  #loop: Promise<void> | undefined;
  #cancelResync: CancelTimer | undefined;

  constructor(options: InformerOptions) {
    this.kind = options.kind;
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    this.#logger = (options.logger ?? silentLogger).child({ informer: options.kind });
  }

  get(key: string): KubeObject | undefined {
    return this.#cache.get(key);
  }

  list(): readonly KubeObject[] {
    return [...this.#cache.values()];
  }

  hasSynced(): boolean {
    return this.#synced;
  }

  waitForSync(signal?: AbortSignal): Promise<void> {
    if (this.#synced) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        this.#syncWaiters.delete(done);
        reject(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
      };
      const done = (): void => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      this.#syncWaiters.add(done);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  subscribe(handler: InformerHandler): () => void {
    this.#handlers.add(handler);
    return () => this.#handlers.delete(handler);
  }

  start(): void {
    if (this.#abort !== undefined) return;
    const abort = new AbortController();
    this.#abort = abort;
    this.#loop = this.#run(abort.signal);
    this.#scheduleResync();
  }

  async stop(): Promise<void> {
    this.#abort?.abort();
    this.#cancelResync?.();
    await this.#loop;
    this.#abort = undefined;
    this.#loop = undefined;
  }

  async #run(signal: AbortSignal): Promise<void> {
    let needList = true;
    let attempt = 0;
    while (!signal.aborted) {
      try {
        if (needList) await this.#relist(signal);
        needList = false;
        const started = this.#clock.now();
        await this.#watchOnce(signal);
        // A watch the server ended normally (its timeout) is simply started again; one that ends
        // at once, again and again (a proxy closing streams), backs off instead of spinning.
        if (this.#clock.now() - started >= minHealthyWatchMs) attempt = 0;
        else await this.#pause(attempt++, signal, 'watch ended at once');
      } catch (error) {
        if (signal.aborted) break;
        if (error instanceof GoneError) {
          this.#logger.debug('watch expired; relisting', { resourceVersion: this.#resourceVersion });
          needList = true;
          continue;
        }
        await this.#pause(attempt++, signal, messageOf(error));
      }
    }
  }

  async #pause(attempt: number, signal: AbortSignal, reason: string): Promise<void> {
    const delay = backoffDelay(attempt, this.#options.backoff ?? defaultBackoff);
    this.#logger.warn('list/watch failed; retrying', { error: reason, delayMs: delay, attempt: attempt + 1 });
    await clockSleep(this.#clock, delay, signal).catch(() => undefined);
  }

  async #watchOnce(signal: AbortSignal): Promise<void> {
    const handle = await this.#options.client.watch({
      kind: this.kind,
      namespace: this.#options.namespace,
      resourceVersion: this.#resourceVersion,
      signal,
      onEvent: (event) => this.#apply(event),
    });
    await handle.done;
  }

  async #relist(signal: AbortSignal): Promise<void> {
    const listed = await this.#options.client.list({ kind: this.kind, namespace: this.#options.namespace, signal });
    const fresh = new Map(listed.items.map((item) => [keyOf(item), slim(item, this.kind)]));
    const previous = new Map(this.#cache);
    this.#cache.clear();
    for (const [key, object] of fresh) this.#cache.set(key, object);
    this.#resourceVersion = listed.resourceVersion;
    for (const [key, object] of fresh) {
      const old = previous.get(key);
      if (old === undefined) this.#emit({ type: 'add', key, object });
      else if (old.metadata.resourceVersion !== object.metadata.resourceVersion) this.#emit({ type: 'update', key, object, oldObject: old });
    }
    for (const [key, object] of previous) if (!fresh.has(key)) this.#emit({ type: 'delete', key, object });
    this.#markSynced();
  }

  #apply(event: WatchEvent): void {
    const version = event.object.metadata.resourceVersion;
    if (version) this.#resourceVersion = version;
    if (event.type === 'BOOKMARK') return;
    const object = slim(event.object, this.kind);
    const key = keyOf(object);
    const old = this.#cache.get(key);
    if (event.type === 'DELETED') {
      this.#cache.delete(key);
      this.#emit({ type: 'delete', key, object });
      return;
    }
    this.#cache.set(key, object);
    this.#emit(old === undefined ? { type: 'add', key, object } : { type: 'update', key, object, oldObject: old });
  }

  #emit(event: InformerEvent): void {
    for (const handler of this.#handlers) {
      try {
        handler(event);
      } catch (error) {
        // A failing handler must not stop the watch or starve the other handlers.
        this.#logger.error('informer handler failed', { error: messageOf(error), key: event.key, event: event.type });
      }
    }
  }

  #markSynced(): void {
    if (this.#synced) return;
    this.#synced = true;
    for (const waiter of this.#syncWaiters) waiter();
    this.#syncWaiters.clear();
  }

  #scheduleResync(): void {
    const period = this.#options.resyncMs ?? defaultResyncMs;
    if (period <= 0) return;
    this.#cancelResync = this.#clock.schedule(() => {
      if (this.#abort?.signal.aborted !== false) return;
      for (const [key, object] of this.#cache) this.#emit({ type: 'sync', key, object });
      this.#scheduleResync();
    }, period);
  }
}
