/**
 * core/v1 Events with client-go's correlation: the same event (object, type, reason, message) seen
 * again within ten minutes bumps `count` and `lastTimestamp` of the Event already written instead of
 * creating another, so a reconcile that keeps failing does not flood the namespace.
 */
import { HttpMethod, type KubeConfig } from '@kubernetes/client-node';
import { NotFoundError } from '../shared/index.ts';
import type { EventRequest } from './client.ts';
import { requestJson, requestObject } from './rest.ts';

interface Recorded {
  name: string;
  namespace: string;
  count: number;
  at: number;
}

const correlationWindowMs = 10 * 60 * 1000;
const maxRemembered = 4096;

/** Writes Events for one client; remembers recent ones to aggregate repeats. */
export class EventWriter {
  readonly #config: KubeConfig;
  readonly #fieldManager: string;
  readonly #component: string;
  readonly #recent = new Map<string, Recorded>();

  constructor(config: KubeConfig, options: { fieldManager: string; component: string }) {
    this.#config = config;
    this.#fieldManager = options.fieldManager;
    this.#component = options.component;
  }

  /** Creates the Event, or bumps the count of the same Event written within the window. */
  async write(request: EventRequest): Promise<void> {
    const key = correlationKey(request);
    const now = Date.now();
    const seen = this.#recent.get(key);
    if (seen !== undefined && now - seen.at < correlationWindowMs) {
      try {
        await this.#bump(seen, request, now);
        return;
      } catch (error) {
        // Deleted meanwhile (Events expire after an hour): write a new one.
        if (!(error instanceof NotFoundError)) throw error;
      }
    }
    await this.#create(key, request, now);
  }

  async #bump(seen: Recorded, request: EventRequest, now: number): Promise<void> {
    seen.count++;
    seen.at = now;
    await requestJson(this.#config, {
      method: HttpMethod.PATCH,
      path: eventsPath(seen.namespace, seen.name),
      query: { fieldManager: this.#fieldManager },
      body: { count: seen.count, lastTimestamp: new Date(now).toISOString() },
      contentType: 'application/merge-patch+json',
      signal: request.signal,
      what: `events "${seen.name}"`,
    });
  }

  async #create(key: string, request: EventRequest, now: number): Promise<void> {
    const { regarding } = request;
    const namespace = regarding.metadata.namespace || 'default';
    const time = new Date(now).toISOString();
    const created = await requestObject(this.#config, {
      method: HttpMethod.POST,
      path: eventsPath(namespace),
      query: { fieldManager: this.#fieldManager },
      body: {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { generateName: `${regarding.metadata.name}.`, namespace },
        involvedObject: {
          apiVersion: regarding.apiVersion,
          kind: regarding.kind,
          name: regarding.metadata.name,
          namespace: regarding.metadata.namespace,
          uid: regarding.metadata.uid,
          resourceVersion: regarding.metadata.resourceVersion,
        },
        reason: request.reason,
        message: request.message,
        type: request.type,
        source: { component: this.#component },
        firstTimestamp: time,
        lastTimestamp: time,
        count: 1,
      },
      signal: request.signal,
      what: `create event for ${regarding.kind ?? 'object'} "${regarding.metadata.name}"`,
    });
    this.#remember(key, { name: created.metadata.name, namespace, count: 1, at: now });
  }

  #remember(key: string, recorded: Recorded): void {
    this.#recent.delete(key);
    this.#recent.set(key, recorded);
    // Map order is insertion order: the first key is the least recently written.
    if (this.#recent.size > maxRemembered) this.#recent.delete(this.#recent.keys().next().value ?? '');
  }
}

function correlationKey(request: EventRequest): string {
  const { metadata, kind } = request.regarding;
  return JSON.stringify([kind, metadata.namespace, metadata.name, metadata.uid, request.type, request.reason, request.message]);
}

function eventsPath(namespace: string, name?: string): string {
  return `/api/v1/namespaces/${encodeURIComponent(namespace)}/events${name === undefined ? '' : `/${encodeURIComponent(name)}`}`;
}
