/**
 * deploy: the Kubernetes manifests that install packsmith (namespace, CRDs, RBAC, Deployments,
 * Service, webhook registrations, default ClusterLifecycle) as plain data and YAML. Pure; imports
 * only `api`, `webhook` and `shared`.
 */
export * from './options.ts';
export * from './rbac.ts';
export * from './workloads.ts';
export * from './install.ts';
