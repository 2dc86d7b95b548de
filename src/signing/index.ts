/**
 * signing: cosign's formats, so that the real `cosign verify` accepts what packsmith signs: key
 * files (encrypted and plain), simple-signing payloads, DSSE envelopes of in-toto statements, and
 * the `.sig` / `.att` artifact manifests. Pure over bytes and oci values: no registry access, no
 * Kubernetes, no files; imports only `oci` and `shared`. Other modules import it through this file.
 */
export * from './errors.ts';
export * from './cosign-key.ts';
export * from './payloads.ts';
export * from './signature-artifact.ts';
