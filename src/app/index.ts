/**
 * app: the use cases (read stores, resolve stacks, read lifecycles, create builders, local mode).
 * Orchestrates `cnb` and `oci` values and reaches registries and files only through the ports in
 * `ports.ts`; knows nothing of Kubernetes, HTTP or the CLI.
 */
export * from './ports.ts';
export * from './errors.ts';
export * from './read-store.ts';
export * from './resolve-stack.ts';
export * from './read-lifecycle.ts';
export * from './builder-tag.ts';
export type * from './builder-record.ts';
export * from './builder-run-image.ts';
export * from './create-builder.ts';
export * from './builder-inputs.ts';
export * from './builder-dependencies.ts';
export * from './local-status.ts';
export * from './local-build.ts';
export * from './inspect-image.ts';
export * from './inspect-builder.ts';
export * from './write-samples.ts';
export * from './reference-checks.ts';
export * from './status-records.ts';
export * from './pack-builder-resources.ts';
export * from './lifecycle-image.ts';
export type { Platform } from '../oci/index.ts';
export { createGeneratedLayerCache, type GeneratedLayerCache } from '../cnb/index.ts';
export * from './sign-image.ts';
export * from './builder-provenance.ts';
export * from './builder-signing.ts';
export * from './verify-image.ts';
export * from './builder-sbom.ts';
export * from './credential-doctor.ts';
export * from './dry-run-images.ts';
export * from './builder-changes.ts';
export * from './plan-local-build.ts';
export * from './suppliers.ts';
export * from './builder-impact.ts';
export * from './store-status.ts';
export * from './expand-store.ts';
export * from './update-sources.ts';
export * from './check-tag.ts';
export * from './update-rollout.ts';
