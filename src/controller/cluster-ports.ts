/**
 * The reconcilers' ports implemented over the Kubernetes adapter: the cache over informers, status
 * writes as merge patches guarded by resourceVersion (fields a new status drops are patched to null,
 * so the result equals a full replace), Events that never fail a reconcile, and service-account
 * keychains.
 */
import { isInvalid, parseResource, type KindName, type KubeObject, type ParsedResource } from '../api/index.ts';
import type { Informer, KeychainCache, KeychainFactory, KubeClient } from '../k8s/index.ts';
import { isAppError, messageOf, type Logger } from '../shared/index.ts';
import type { EventSink, KeychainSource, ObjectCache, StatusWriter } from './ports.ts';

function split(key: string): { namespace?: string; name: string } {
  const slash = key.indexOf('/');
  return slash < 0 ? { name: key } : { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}

/**
 * The cache over one informer per kind; a kind without an informer reads as empty. Each object the
 * informer holds is parsed once (the informer replaces an object on every change, so its identity
 * is its version).
 */
export function informerCache(informers: ReadonlyMap<string, Informer>): ObjectCache {
  const parsed = new WeakMap<KubeObject, ParsedResource>();
  const parse = <K extends KindName>(kind: K, object: KubeObject): ParsedResource<K> => {
    const known = parsed.get(object);
    // Cast: one WeakMap holds every kind, so TypeScript cannot tie an entry to K; the kind check
    // (an informer holds one kind) is what makes it the K parse.
    if (known?.kind === kind) return known as ParsedResource<K>;
    const fresh = parseResource(kind, object);
    parsed.set(object, fresh);
    return fresh;
  };
  return {
    get: (kind, key) => {
      const object = informers.get(kind)?.get(key);
      return object ? parse(kind, object) : undefined;
    },
    list: (kind, namespace) =>
      (informers.get(kind)?.list() ?? []).filter((o) => namespace === undefined || o.metadata.namespace === namespace).map((o) => parse(kind, o)),
  };
}

/** Status writes and fresh reads through the API server. */
export function apiStatusWriter(client: KubeClient): StatusWriter {
  return {
    async writeStatus(kind: KindName, object, status) {
      const previous = object.status ?? {};
      const removed = Object.keys(previous).filter((key) => !(key in status));
      const patch = { ...status, ...Object.fromEntries(removed.map((key) => [key, null])) };
      const { name, namespace, resourceVersion } = object.metadata;
      await client.patchStatus({ kind, name, ...(namespace ? { namespace } : {}), status: patch, ...(resourceVersion ? { resourceVersion } : {}) });
    },
    async fetch(kind, key) {
      try {
        const fresh = parseResource(kind, await client.get({ kind, ...split(key) }));
        return isInvalid(fresh) ? undefined : fresh;
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
        await client.createEvent({ regarding: { ...object, kind }, ...event });
      } catch (error) {
        logger.warn('event not recorded', { kind, name: object.metadata.name, reason: event.reason, error: messageOf(error) });
      }
    },
  };
}

/** Service-account keychains from the adapter's factory; a caching factory also gets the invalidations. */
export function serviceAccountKeychains(factory: KeychainFactory & Partial<Pick<KeychainCache, 'invalidate' | 'build'>>): KeychainSource {
  const { build, invalidate } = factory;
  return {
    keychainFor: (ref) => factory.keychainFor(ref),
    ...(build ? { secretsOf: async (ref) => (await build(ref)).secrets } : {}),
    ...(invalidate ? { invalidate: (change) => invalidate(change) } : {}),
  };
}
