/**
 * What the reconcilers need from the cluster, as narrow interfaces: a read-only object cache, a
 * status writer, an event sink, service-account keychains and a dependency recorder. The manager
 * implements them over the Kubernetes adapter (src/k8s); unit tests pass hand-written fakes.
 */
import type { CredentialRef, KindName, ObjectMeta, ParsedResource, Resource } from '../api/index.ts';
import type { ImageAccess, Clock, GeneratedLayerCache, SourceRecordCache } from '../app/index.ts';
import type { Keychain } from '../oci/index.ts';
import type { Logger } from '../shared/index.ts';
import type { CosignSecret } from '../k8s/index.ts';

/** Reads objects the informers hold, each parsed once into a typed resource (or its problems); never does I/O. */
export interface ObjectCache {
  /** The cached object, or undefined when it does not exist (or was deleted). */
  get<K extends KindName>(kind: K, key: string): ParsedResource<K> | undefined;
  /** Every cached object of a kind, optionally in one namespace. */
  list<K extends KindName>(kind: K, namespace?: string): ParsedResource<K>[];
}

/** The parts of a resource a status write and an Event need. */
export interface ObjectOfRecord {
  metadata: ObjectMeta;
  status?: object | undefined;
}

/** Writes the status subresource. Errors carry the HTTP `status` (409 on a conflict). */
export interface StatusWriter {
  /** Replaces `status` of the object (identified by kind, namespace and name; resourceVersion if set). */
  writeStatus(kind: KindName, object: ObjectOfRecord, status: Record<string, unknown>): Promise<void>;
  /** The object as the API server has it now (bypassing the cache), parsed, or undefined. */
  fetch<K extends KindName>(kind: K, key: string): Promise<Resource<K> | undefined>;
}

/** A Kubernetes Event about an object. */
export interface ObjectEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

/** Records Events; failures are logged by the implementation, never thrown. */
export interface EventSink {
  record(kind: KindName, object: ObjectOfRecord, event: ObjectEvent): Promise<void>;
}

/** Credentials for images, from a service account's secrets (kpack's rules) plus controller-wide ones. */
export interface KeychainSource {
  keychainFor(ref: CredentialRef): Promise<Keychain>;
  /** The names of the Secrets `ref`'s credentials come from, for messages (never their content). */
  secretsOf?(ref: CredentialRef): Promise<readonly string[]>;
  /** Forgets credentials read from a changed Secret or ServiceAccount (a caching source implements it). */
  invalidate?(change: { kind: 'Secret' | 'ServiceAccount'; namespace?: string; name: string }): void;
}

/** A Secret holding a cosign key, decoded: the k8s adapter's shape (one definition). */
export type { CosignSecret } from '../k8s/index.ts';

/** cosign key Secrets on a resource's ServiceAccount, with which kpack signs what the resource pushes. */
export interface CosignSecretSource {
  cosignSecretsFor(ref: CredentialRef): Promise<CosignSecret[]>;
}

/** Names one object: `namespace` absent for cluster-scoped kinds (the Kubernetes adapter's ObjectRef shape). */
export interface DependencyRef {
  kind: string;
  namespace?: string;
  name: string;
}

/** Remembers which objects (and which buildpack ids) a builder used, so their changes enqueue it. */
export interface DependencyRecorder {
  /** Replaces everything recorded for `dependent`. */
  setDependencies(dependent: DependencyRef, dependencies: { objects: readonly DependencyRef[]; buildpackIds?: readonly string[] }): void;
}

/** Counts what update policies do (Prometheus in the controller). */
export interface UpdateMetrics {
  /** One update `UpdateFound`, `UpdateApplied` or `UpdateHeld` on a resource of `kind`. */
  updated(kind: string, reason: 'UpdateFound' | 'UpdateApplied' | 'UpdateHeld'): void;
  /** One check of one image; `failure` is the error's kind when the check failed. */
  checked(kind: string, failure?: string): void;
}

/** Everything a reconciler is constructed with. */
export interface ReconcilerDeps {
  cache: ObjectCache;
  status: StatusWriter;
  events: EventSink;
  keychains: KeychainSource;
  images: ImageAccess;
  clock: Clock;
  logger: Logger;
  /** Builders only. */
  tracker?: DependencyRecorder;
  /** Builders only: signing keys from the builder's ServiceAccount (none: builders stay unsigned). */
  cosignSecrets?: CosignSecretSource;
  /** Stores: the status size past which buildpacks are listed in compact form (default app's `defaultStatusBudgetBytes`). */
  statusBudgetBytes?: number;
  /** Builders only: the records of compact stores' sources, by pinned digest (shared by every builder). */
  sourceRecords?: SourceRecordCache;
  /** Builders only: generated layers by content, shared by every builder (each compressed and hashed once). */
  generatedLayers?: GeneratedLayerCache;
  /** Counts updates applied by approvals. */
  updateMetrics?: UpdateMetrics;
}
