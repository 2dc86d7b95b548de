/**
 * KubeClient and LeaseClient over the API server's REST interface, authenticated and TLS-configured by
 * client-node's KubeConfig.
 */
import { HttpMethod } from '@kubernetes/client-node';
import type { EventRequest, GetRequest, KubeClient, ListRequest, PatchStatusRequest, WatchHandle, WatchRequest } from './client.ts';
import type { KubeConnection } from './config.ts';
import { EventWriter } from './events.ts';
import type { LeaseRecord } from './leader.ts';
import type { NamedLease, ShardLeaseClient } from './shards.ts';
import { describeObject, resourcePath } from './paths.ts';
import { requestJson, requestList, requestObject } from './rest.ts';
import { errorCode, isJsonObject } from '../shared/index.ts';
import type { IoOptions } from '../oci/index.ts';
import type { KubeObject, ObjectList } from './types.ts';
import { openWatch } from './watch-stream.ts';

/** Options of `createKubeClient`. */
export interface KubeClientOptions {
  /** Field manager recorded for status patches and created objects (default `packsmith-controller`). */
  fieldManager?: string;
  /** Reported as the Events' source component (default `packsmith-controller`). */
  component?: string;
}

/** A KubeClient talking to the server of `connection`. */
export function createKubeClient(connection: KubeConnection, options: KubeClientOptions = {}): KubeClient {
  return new RestKubeClient(connection, options);
}

class RestKubeClient implements KubeClient {
  readonly #connection: KubeConnection;
  readonly #fieldManager: string;
  readonly #events: EventWriter;

  constructor(connection: KubeConnection, options: KubeClientOptions) {
    this.#connection = connection;
    this.#fieldManager = options.fieldManager ?? 'packsmith-controller';
    this.#events = new EventWriter(connection.config, { fieldManager: this.#fieldManager, component: options.component ?? 'packsmith-controller' });
  }

  get(request: GetRequest & IoOptions): Promise<KubeObject> {
    return requestObject(this.#connection.config, {
      method: HttpMethod.GET,
      path: resourcePath(request),
      signal: request.signal,
      what: describeObject(request),
    });
  }

  async list(request: ListRequest): Promise<ObjectList> {
    return requestList(this.#connection.config, {
      method: HttpMethod.GET,
      path: resourcePath(request),
      signal: request.signal,
      what: `list ${describeObject(request)}`,
    });
  }

  watch(request: WatchRequest): Promise<WatchHandle> {
    return openWatch(this.#connection.config, request);
  }

  patchStatus(request: PatchStatusRequest): Promise<KubeObject> {
    const metadata = request.resourceVersion === undefined ? undefined : { resourceVersion: request.resourceVersion };
    return requestObject(this.#connection.config, {
      method: HttpMethod.PATCH,
      path: resourcePath({ ...request, subresource: 'status' }),
      query: { fieldManager: this.#fieldManager },
      // A merge patch carrying metadata.resourceVersion is an optimistic-concurrency precondition.
      body: metadata === undefined ? { status: request.status } : { metadata, status: request.status },
      contentType: 'application/merge-patch+json',
      signal: request.signal,
      what: `patch status of ${describeObject(request)}`,
    });
  }

  createEvent(request: EventRequest): Promise<void> {
    return this.#events.write(request);
  }
}

const leaseStrings = ['holderIdentity', 'acquireTime', 'renewTime'] as const;
const leaseNumbers = ['leaseDurationSeconds', 'leaseTransitions'] as const;

/** The record of a Lease object the server sent: the spec fields packsmith uses, when they have their types. */
function leaseRecordOf(body: unknown): LeaseRecord {
  const object = isJsonObject(body) ? body : {};
  const spec = isJsonObject(object.spec) ? object.spec : {};
  const record: LeaseRecord = {};
  for (const key of leaseStrings) if (typeof spec[key] === 'string') record[key] = spec[key];
  for (const key of leaseNumbers) if (typeof spec[key] === 'number') record[key] = spec[key];
  const resourceVersion = isJsonObject(object.metadata) ? object.metadata.resourceVersion : undefined;
  return { ...record, resourceVersion: typeof resourceVersion === 'string' ? resourceVersion : undefined };
}

/** A LeaseClient over coordination.k8s.io/v1 on the server of `connection` (with `list`, for shards). */
export function createLeaseClient(connection: KubeConnection): ShardLeaseClient {
  const config = connection.config;
  const path = (namespace: string, name?: string): string =>
    `/apis/coordination.k8s.io/v1/namespaces/${encodeURIComponent(namespace)}/leases${name === undefined ? '' : `/${encodeURIComponent(name)}`}`;
  const toObject = (namespace: string, name: string, lease: LeaseRecord): object => {
    const { resourceVersion, ...spec } = lease;
    return { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name, namespace, resourceVersion }, spec };
  };
  const what = (namespace: string, name: string): string => `leases "${name}" in namespace "${namespace}"`;
  return {
    async read(namespace, name) {
      try {
        return leaseRecordOf(await requestJson(config, { method: HttpMethod.GET, path: path(namespace, name), what: what(namespace, name) }));
      } catch (error) {
        if (errorCode(error) === 'NOT_FOUND') return undefined;
        throw error;
      }
    },
    async create(namespace, name, lease) {
      const body = toObject(namespace, name, { ...lease, resourceVersion: undefined });
      return leaseRecordOf(await requestJson(config, { method: HttpMethod.POST, path: path(namespace), body, what: what(namespace, name) }));
    },
    async replace(namespace, name, lease) {
      const body = toObject(namespace, name, lease);
      return leaseRecordOf(await requestJson(config, { method: HttpMethod.PUT, path: path(namespace, name), body, what: what(namespace, name) }));
    },
    async list(namespace) {
      const body = await requestJson(config, { method: HttpMethod.GET, path: path(namespace), what: `leases in namespace "${namespace}"` });
      const items = isJsonObject(body) && Array.isArray(body.items) ? body.items : [];
      return items.flatMap((item: unknown): NamedLease[] => {
        const name = isJsonObject(item) && isJsonObject(item.metadata) ? item.metadata.name : undefined;
        return typeof name === 'string' ? [{ name, ...leaseRecordOf(item) }] : [];
      });
    },
  };
}
