/**
 * webhook: packsmith's admission and conversion webhook for the kpack.io kinds — HTTPS server,
 * `/defaults`, `/validate`, `/protect`, `/convert`, `/healthz`, its own certificates and their rotation, and
 * the registrations that point the API server at it. Imports only `api` and `shared`; no
 * Kubernetes client (publishing the CA bundle goes through an injected patch function).
 */
export * from './review-types.ts';
export * from './json-patch.ts';
export * from './admission.ts';
export * from './protection.ts';
export * from './conversion.ts';
export * from './routes.ts';
export * from './certificates.ts';
export * from './certificate-source.ts';
export * from './server.ts';
export * from './registration.ts';
export * from './ca-bundle.ts';
