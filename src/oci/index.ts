/**
 * oci: the OCI image model, registry client, local layouts and deterministic layers. Knows nothing
 * of Cloud Native Buildpacks or Kubernetes; imports only `shared`. Other modules import oci only
 * through this file. Silent unless given a logger.
 */
export * from './media-types.ts';
export * from './digest.ts';
export * from './errors.ts';
export type * from './image.ts';
export * from './layout/index.ts';
