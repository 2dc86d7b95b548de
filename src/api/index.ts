/**
 * api: the kpack.io resource shapes (v1alpha1 and v1alpha2) as plain data — schemas, kinds table,
 * defaults and validation. No I/O and no Kubernetes client; may import `cnb` for types only and
 * `shared`. Image references are checked through functions the caller passes in.
 */
export * from './common.ts';
export * from './v1alpha2.ts';
export * from './v1alpha1.ts';
export * from './kinds.ts';
export * from './resource.ts';
export * from './parse-resource.ts';
export * from './field-issues.ts';
export * from './defaults.ts';
export * from './validate.ts';
export * from './crd.ts';
export * from './convert.ts';
export * from './documents.ts';
export * from './conditions.ts';
export * from './credentials.ts';
export * from './annotations.ts';
export * from './update-policy.ts';
