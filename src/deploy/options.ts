/** Settings of an installation and the names of the objects it creates. */

/** What can vary between installations. */
export interface InstallOptions {
  /** Namespace of the controller, the webhook and their Service; `packsmith` by default. */
  namespace: string;
  /** The packsmith image both Deployments run. */
  image: string;
  /** Image of the default ClusterLifecycle (`default-lifecycle`). */
  lifecycleImage: string;
}

/** Defaults of everything but the image (which carries the packsmith version). */
export const installDefaults = {
  namespace: 'packsmith',
  lifecycleImage: 'mirror.gcr.io/buildpacksio/lifecycle:0.21.17',
} as const;

/** Names shared by the manifests and the processes they start. */
export const installNames = {
  controller: 'packsmith-controller',
  webhook: 'packsmith-webhook',
  /** The webhook's container port (unprivileged, since it runs as non-root); the Service maps 443 to it. */
  webhookPort: 8443,
  /** The uid and gid of the image's non-root user. */
  user: 65532,
} as const;

/** Labels every object of the installation carries. */
export function commonLabels(component?: string): Record<string, string> {
  return { 'app.kubernetes.io/part-of': 'packsmith', ...(component ? { 'app.kubernetes.io/name': component } : {}) };
}
