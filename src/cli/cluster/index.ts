/**
 * What the resource commands (clusterstore, clusterstack, builder, ...) share: flags, the cluster
 * session, kp's output shapes, kp-config, relocation into the default repository, and writes that
 * wait for the controller.
 */
export * from './flags.ts';
export * from './kp-format.ts';
export * from './reporter.ts';
export * from './session.ts';
export * from './kp-config.ts';
export * from './relocate.ts';
export * from './wait-ready.ts';
export * from './conditions.ts';
export * from './write-resource.ts';
export { alignColumns } from './tabwriter.ts';
export { mergePatchOf } from './merge-patch.ts';
export * from './port.ts';
export * from './object-fields.ts';
export * from './resync.ts';
export * from './delete-resource.ts';
export * from './builder-impact.ts';
export * from './source-impact.ts';
export * from './approve-update.ts';
