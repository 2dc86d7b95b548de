/**
 * oci/auth: registry credentials and keychains (static, anonymous, first-match multi, Docker
 * config.json with credential helpers). Depends only on `shared` and the oci contracts; knows nothing
 * of Kubernetes (the k8s adapter builds keychains from Secrets with `dockerConfigKeychain`).
 */
export * from './keychain.ts';
export * from './docker-config.ts';
