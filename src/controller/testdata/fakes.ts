/**
 * Hand-written fakes of the reconcilers' ports for table tests: a cache over a map, a status writer
 * that records writes (and can answer 409 first), an event recorder, keychains named after their
 * service account, and a recording tracker.
 */
import { isInvalid, parseResource, type KindName, type KubeObject } from '../../api/index.ts';
import { namedKeychain, type FakeImageAccess } from '../../app/testdata/fakes.ts';
import { fixedClock } from '../../app/testdata/fakes.ts';
import { ConflictError } from '../../k8s/index.ts';
import { silentLogger } from '../../shared/index.ts';
import type { DependencyRef, ObjectEvent, ReconcilerDeps } from '../ports.ts';

/** A fake cluster: objects by `Kind:key`, recorded writes, events and tracked dependencies. */
export class FakeCluster {
  readonly objects = new Map<string, KubeObject>();
  readonly writes: Array<{ kind: KindName; key: string; status: Record<string, unknown> }> = [];
  readonly events: Array<{ kind: KindName; name: string } & ObjectEvent> = [];
  readonly tracked = new Map<string, { objects: readonly DependencyRef[]; buildpackIds?: readonly string[] }>();
  /** Answer this many writes with a 409 first. */
  conflicts = 0;

  put(kind: KindName, object: { name: string; namespace?: string; generation?: number; spec: unknown; status?: unknown }): this {
    const { name, namespace, generation = 1, spec, status } = object;
    const resource: KubeObject = { apiVersion: 'kpack.io/v1alpha2', kind, metadata: { name, ...(namespace ? { namespace } : {}), generation, resourceVersion: '1' }, spec, ...(status ? { status } : {}) };
    this.objects.set(`${kind}:${namespace ? `${namespace}/` : ''}${name}`, resource);
    return this;
  }

  get(kind: KindName, key: string): KubeObject | undefined {
    return this.objects.get(`${kind}:${key}`);
  }

  status(kind: KindName, key: string): Record<string, unknown> {
    return (this.get(kind, key)?.status ?? {}) as Record<string, unknown>;
  }

  deps(images: FakeImageAccess, now = new Date('2026-01-02T03:04:05Z')): ReconcilerDeps {
    return {
      cache: {
        // Parsed on every read here; the informer cache parses each object version once.
        get: (kind, key) => {
          const object = this.get(kind, key);
          return object ? parseResource(kind, object) : undefined;
        },
        list: (kind, namespace) =>
          [...this.objects.entries()].filter(([k, o]) => k.startsWith(`${kind}:`) && (namespace === undefined || o.metadata.namespace === namespace)).map(([, o]) => parseResource(kind, o)),
      },
      status: {
        writeStatus: (kind, object, status) => {
          if (this.conflicts > 0) {
            this.conflicts--;
            return Promise.reject(new ConflictError('the object has been modified'));
          }
          const key = object.metadata.namespace ? `${object.metadata.namespace}/${object.metadata.name}` : object.metadata.name;
          this.writes.push({ kind, key, status });
          // The write lands in the cache, as the informer would deliver it.
          const stored = this.get(kind, key);
          if (stored) this.objects.set(`${kind}:${key}`, { ...stored, status });
          return Promise.resolve();
        },
        fetch: (kind, key) => {
          const object = this.get(kind, key);
          const parsed = object ? parseResource(kind, object) : undefined;
          return Promise.resolve(parsed && !isInvalid(parsed) ? parsed : undefined);
        },
      },
      events: {
        record: (kind, object, event) => {
          this.events.push({ kind, name: object.metadata.name, ...event });
          return Promise.resolve();
        },
      },
      keychains: { keychainFor: (ref) => Promise.resolve(namedKeychain(ref.namespace ? `${ref.namespace}/${ref.serviceAccount ?? 'default'}` : 'controller')) },
      images,
      clock: fixedClock(now),
      logger: silentLogger,
      tracker: {
        setDependencies: (dependent, dependencies) => {
          this.tracked.set(`${dependent.kind}:${dependent.namespace ? `${dependent.namespace}/` : ''}${dependent.name}`, dependencies);
        },
      },
    };
  }
}
