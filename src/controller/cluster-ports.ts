/**
 * The reconcilers' ports implemented over the Kubernetes adapter: the cache over informers, status
 * writes as merge patches guarded by resourceVersion (fields a new status drops are patched to null,
 * so the result equals a full replace), Events that never fail a reconcile, and service-account
 * keychains.
 */
import type { KindName, KpackResource } from '../api/index.ts';
import type { Informer, KeychainCache, KeychainFactory, KubeClient, KubeObject } from '../k8s/index.ts';
import { isAppError, messageOf, type Logger } from '../shared/index.ts';
import type { EventSink, KeychainSource, ObjectCache, StatusWriter } from './ports.ts';

const asResource = (object: KubeObject | undefined): KpackResource | undefined => object as unknown as KpackResource | undefined;

function split(key: string): { namespace?: string; name: string } {
  const slash = key.indexOf('/');
  return slash < 0 ? { name: key } : { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}

/** The cache over one informer per kind; a kind without an informer reads as empty. */
export function informerCache(informers: ReadonlyMap<string, Informer>): ObjectCache {
  return {
    get: (kind, key) => asResource(informers.get(kind)?.get(key)),
    list: (kind, namespace) =>
      (informers.get(kind)?.list() ?? [])
        .filter((o) => namespace === undefined || o.metadata.namespace === namespace)
        .map((o) => o as unknown as KpackResource),
  };
}

/** Status writes and fresh reads through the API server. */
export function apiStatusWriter(client: KubeClient): StatusWriter {
  return {
    async writeStatus(kind: KindName, object, status) {
      const previous = (object.status ?? {}) as Record<string, unknown>;
      const removed = Object.keys(previous).filter((key) => !(key in status));
      const patch = { ...status, ...Object.fromEntries(removed.map((key) => [key, null])) };
      const { name = '', namespace, resourceVersion } = object.metadata;
      await client.patchStatus({ kind, name, ...(namespace ? { namespace } : {}), status: patch, ...(resourceVersion ? { resourceVersion } : {}) });
    },
    async fetch(kind, key) {
      try {
        return asResource(await client.get({ kind, ...split(key) }));
      } catch (error) {
        if (isAppError(error) && error.code === 'NOT_FOUND') return undefined;
        throw error;
      }
    },
  };
}

/** Events through the API server; a failure is logged, never thrown. */
export function apiEventSink(client: KubeClient, logger: Logger): EventSink {
  return {
    async record(kind, object, event) {
      try {
        await client.createEvent({ regarding: { ...(object as unknown as KubeObject), kind }, ...event });
      } catch (error) {
        logger.warn('event not recorded', { kind, name: object.metadata.name, reason: event.reason, error: messageOf(error) });
      }
    },
  };
}

/** Service-account keychains from the adapter's factory; a caching factory also gets the invalidations. */
export function serviceAccountKeychains(factory: KeychainFactory & Partial<Pick<KeychainCache, 'invalidate'>>): KeychainSource {
  return { keychainFor: (ref) => factory.keychainFor(ref), ...(factory.invalidate ? { invalidate: (change) => factory.invalidate?.(change) } : {}) };
}
