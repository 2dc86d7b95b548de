/**
 * oci: the OCI image model, registry client, local layouts and deterministic layers. Knows nothing
 * of Cloud Native Buildpacks or Kubernetes; imports only `shared`. Other modules import oci only
 * through this file. Silent unless given a logger.
 */
export * from './media-types.ts';
export * from './digest.ts';
export * from './errors.ts';
export type * from './image.ts';
export * from './reference.ts';
export * from './manifest.ts';
export * from './platform.ts';
export * from './layout/index.ts';
export {
  compressionOf,
  createDecompressor,
  createVerifyingStream,
  digestCompressedStream,
  layerFromCompressed,
  layerFromUncompressed,
  type CompressedLayerCore,
  type ExpectedContent,
  type LayerCompression,
  type LayerDigests,
  type UncompressedLayerCore,
} from './partial.ts';
export * from './layers.ts';
export * from './tar-layer.ts';
export * from './in-memory.ts';
export * from './image-index.ts';
export * from './empty.ts';
export * from './mutate.ts';
export * from './auth/index.ts';
export * from './remote/index.ts';
