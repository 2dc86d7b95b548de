/**
 * cnb: Cloud Native Buildpacks rules (labels, records, order resolution, compatibility, builder
 * plans), pure over `oci` values. Must not import Kubernetes, HTTP clients, `app`, `api`, `k8s`,
 * `controller` or `cli`; it never fetches, it receives Image and Layer values.
 */
export type * from './records.ts';
export * from './buildpack-version.ts';
export * from './buildpack-lookup.ts';
export * from './resolve.ts';
export * from './api-version.ts';
export * from './labels.ts';
export * from './buildpackage.ts';
export * from './stack.ts';
export * from './platform-records.ts';
export * from './lifecycle.ts';
export * from './compat-rules.ts';
export * from './compat.ts';
export * from './toml.ts';
export * from './builder-plan.ts';
export * from './builder-image.ts';
export * from './generated-layers.ts';
export * from './buildpackage-writer.ts';
export * from './pack-builder-config.ts';
export * from './lifecycle-descriptor.ts';
