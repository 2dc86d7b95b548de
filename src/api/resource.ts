/** The envelope every kpack.io object has, before its spec is checked. */
export interface KpackResource {
  apiVersion: string;
  kind: string;
  metadata: {
    name?: string;
    namespace?: string;
    generation?: number;
    resourceVersion?: string;
    uid?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    [field: string]: unknown;
  };
  spec?: unknown;
  status?: unknown;
}

/** `namespace/name` for namespaced objects, `name` for cluster-scoped ones. */
export function resourceKey(resource: Pick<KpackResource, 'metadata'>): string {
  const { name = '', namespace } = resource.metadata;
  return namespace ? `${namespace}/${name}` : name;
}
