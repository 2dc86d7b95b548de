/**
 * The narrow Kubernetes API the controller needs: read, list and watch our kinds and the core kinds
 * credentials come from, merge-patch a status, and record Events. The implementation over
 * @kubernetes/client-node lives in kube-client.ts; tests and reconcilers depend on this interface.
 */
import type { IoOptions } from '../oci/index.ts';
import type { KubeObject, ObjectList, ResourceKind, WatchEvent } from './types.ts';

/** Which object to read: `namespace` only for namespaced kinds. */
export interface GetRequest {
  kind: ResourceKind;
  namespace?: string;
  name: string;
}

/** Which objects to list or watch: all namespaces when `namespace` is absent. */
export interface ListRequest extends IoOptions {
  kind: ResourceKind;
  namespace?: string;
}

/** A watch from `resourceVersion`; `onEvent` runs for each event in order. */
export interface WatchRequest extends ListRequest {
  resourceVersion: string;
  onEvent(event: WatchEvent): void;
  /** Ask the server for BOOKMARK events (default true). */
  allowBookmarks?: boolean;
}

/** A running watch. */
export interface WatchHandle {
  /** Ends the watch; `done` then resolves. */
  stop(): void;
  /** Resolves when the server closes the stream or `stop` is called; rejects with GoneError (410) or another AppError. */
  readonly done: Promise<void>;
}

/**
 * A merge patch of `/status`: keys absent from `status` are kept, a null value removes one; with
 * `resourceVersion` the write fails with ConflictError if the object changed since.
 */
export interface PatchStatusRequest extends IoOptions {
  kind: ResourceKind;
  namespace?: string;
  name: string;
  status: Record<string, unknown>;
  resourceVersion?: string;
}

/** A core/v1 Event about one object (`regarding`), as `kubectl describe` shows it. */
export interface EventRequest extends IoOptions {
  regarding: KubeObject;
  type: 'Normal' | 'Warning';
  /** CamelCase machine-readable reason, e.g. `BuilderRebuilt`. */
  reason: string;
  message: string;
}

/**
 * The Kubernetes operations of the controller. Failures are AppErrors: NotFoundError (404),
 * ConflictError (409), ForbiddenError (401/403), GoneError (410 on watch), KubeApiError otherwise.
 */
export interface KubeClient {
  /** One object; NotFoundError when it does not exist. */
  get(request: GetRequest & IoOptions): Promise<KubeObject>;
  /** All objects of a kind (one namespace or all) with the list's resourceVersion. */
  list(request: ListRequest): Promise<ObjectList>;
  /** Starts a watch; resolves once the request is accepted by the server. */
  watch(request: WatchRequest): Promise<WatchHandle>;
  /** Merge-patches `/status` and returns the updated object. */
  patchStatus(request: PatchStatusRequest): Promise<KubeObject>;
  /** Records an Event about `regarding` in its namespace (`default` for cluster-scoped objects). */
  createEvent(request: EventRequest): Promise<void>;
}
