/**
 * A list+watch cache of one kind: lists once, watches from the list's resourceVersion, relists on 410
 * Gone, restarts with exponential backoff after any watch error or end, and re-emits every cached
 * object as `sync` on a resync period. Handlers get keys and objects only; reconcilers read the
 * read-only cache, so they always act on the latest state (level-triggered).
 */
import { InternalError, type Logger } from '../shared/index.ts';
import type { BackoffOptions } from '../shared/index.ts';
import type { KubeClient } from './client.ts';
import type { Clock } from './clock.ts';
import type { KubeObject, ResourceKind } from './types.ts';

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

/** Read-only view of the cache. */
export interface ObjectCache {
  /** The cached object for a key, or undefined. */
  get(key: string): KubeObject | undefined;
  /** Every cached object (order unspecified). */
  list(): readonly KubeObject[];
}

/** A running list+watch cache. */
export interface Informer extends ObjectCache {
  readonly kind: ResourceKind;
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

/** Creates an informer (not started). */
export function createInformer(options: InformerOptions): Informer {
  throw new InternalError(`informer for ${options.kind} not implemented yet`);
}
