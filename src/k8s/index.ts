/**
 * k8s: the Kubernetes adapter — the only module that imports @kubernetes/client-node. It offers a
 * narrow client (get/list/watch/patchStatus/events, Leases), informers, a keyed work queue, keychains
 * from ServiceAccounts, the builder dependency tracker and Lease-based leader election. It may import
 * `api`, `oci` (auth types) and `shared`; never `cnb`, `app` or `controller`.
 */
export * from './types.ts';
export * from './errors.ts';
export * from './config.ts';
export * from './client.ts';
export * from './kube-client.ts';
export * from './informer.ts';
export * from './workqueue.ts';
export * from './keychain.ts';
export * from './keychain-cache.ts';
export * from './tracker.ts';
export * from './leader.ts';
export * from './shards.ts';
export * from './object-client.ts';
export { createClusterObjectPatcher, type ClusterObjectPatch } from './object-patcher.ts';
export * from './cosign-secrets.ts';
