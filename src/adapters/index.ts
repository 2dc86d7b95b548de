/**
 * adapters: concrete implementations of the `app` ports over `oci` (registry client, local
 * layouts). Only the composition root (`src/compose.ts`) imports this module.
 */
export * from './image-access.ts';
export { RegistryImages, type RegistrySettings, type TransportKeying } from './registry-images.ts';
export { TransportPool, type TransportPoolOptions } from './transport-pool.ts';
export { parseLocalReference, type LocalReference } from './local-images.ts';
export { findLifecycleBinary, probeLifecycleBinary, type LifecycleSearch } from './lifecycle-binary.ts';
export { localReferenceChecks } from './local-reference-checks.ts';
export { packConfigFiles } from './pack-config-files.ts';
export { RegistryAccessProbe } from './registry-access-probe.ts';
export { DiskContentCache } from './registry-content-cache.ts';
export { MemoryContentCache } from './memory-content-cache.ts';
