/**
 * The port the CLI's cluster commands reach the API server through, in plain types (objects in api's
 * one envelope).
 * compose.ts provides it from the Kubernetes adapter (src/k8s), which the CLI may not import; the
 * adapter's object client fits these shapes as it is.
 */
import type { KindName, KubeObject } from '../../api/index.ts';

/** Objects come back in the one envelope (src/api/resource.ts), which the adapter's objects already are. */
export type { KubeObject };

/** The kinds the CLI reads and writes: the kpack.io kinds and the ConfigMap kp-config lives in. */
export type ClusterKind = KindName | 'ConfigMap';

/** Names one object; `namespace` is absent for cluster-scoped kinds. `signal` cancels the request. */
export interface ObjectName {
  kind: ClusterKind;
  namespace?: string;
  name: string;
  signal?: AbortSignal;
}

/** Writes may be a server-side dry run: validated, defaulted and admitted, but not stored. */
export interface WriteOptions {
  dryRun?: boolean;
  signal?: AbortSignal;
}

/** The CLI's view of the API server. Failures are AppErrors (NotFoundError on 404, ...). */
export interface ObjectClient {
  /** The server URL of the connection, for messages. */
  readonly server: string;
  get(request: ObjectName): Promise<KubeObject>;
  /** One object, or undefined when it does not exist (for create-or-update commands). */
  find(request: ObjectName): Promise<KubeObject | undefined>;
  /** The objects of a kind, in the server's order; all namespaces when `namespace` is absent. */
  list(request: { kind: ClusterKind; namespace?: string; signal?: AbortSignal }): Promise<KubeObject[]>;
  /** Creates `object`; `apiVersion` is filled in from the kind when absent. */
  create(request: WriteOptions & { kind: ClusterKind; object: KubeObject }): Promise<KubeObject>;
  /** Applies a JSON merge patch (RFC 7386) to one object. */
  patch(request: WriteOptions & { kind: ClusterKind; namespace?: string | undefined; name: string; patch: Record<string, unknown> }): Promise<KubeObject>;
  delete(request: ObjectName): Promise<void>;
}
