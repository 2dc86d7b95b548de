/**
 * Builds the configuration file of one test registry instance (distribution 2.8 reads YAML, and
 * JSON is YAML, so the config is written as JSON). Never the Debian default config: that one
 * listens on every interface.
 */

/** How the registry authenticates clients; `tls` means TLS without authentication. */
export type RegistryMode = 'plain' | 'basic' | 'tls' | 'token';

/** Where the registry keeps blobs: `memory` is fastest; `filesystem` survives nothing but is closer to production. */
export type RegistryStorage = 'memory' | 'filesystem';

/** The inputs of `registryConfig`; paths are absolute. */
export interface RegistryConfigInput {
  readonly port: number;
  readonly storage: RegistryStorage;
  readonly dataDir: string;
  readonly logLevel: 'error' | 'warn' | 'info' | 'debug';
  readonly tls?: { readonly certFile: string; readonly keyFile: string };
  readonly htpasswdFile?: string;
  readonly token?: { readonly realm: string; readonly service: string; readonly issuer: string; readonly rootCertFile: string };
}

function authSection(input: RegistryConfigInput): Record<string, unknown> | undefined {
  if (input.htpasswdFile !== undefined) return { htpasswd: { realm: 'packsmith-test', path: input.htpasswdFile } };
  if (input.token === undefined) return undefined;
  const { realm, service, issuer, rootCertFile } = input.token;
  return { token: { realm, service, issuer, rootcertbundle: rootCertFile } };
}

/** The config object for one instance on 127.0.0.1:`port`, with the access log on (tests read it). */
export function registryConfig(input: RegistryConfigInput): Record<string, unknown> {
  const http: Record<string, unknown> = { addr: `127.0.0.1:${input.port}`, secret: 'packsmith-test-only-secret' };
  if (input.tls) http.tls = { certificate: input.tls.certFile, key: input.tls.keyFile };
  const config: Record<string, unknown> = {
    version: '0.1',
    log: { level: input.logLevel, formatter: 'text', accesslog: { disabled: false } },
    storage: {
      ...(input.storage === 'memory' ? { inmemory: {} } : { filesystem: { rootdirectory: input.dataDir } }),
      delete: { enabled: true },
      // Purging runs on a timer and would only add noise to a short-lived registry.
      maintenance: { uploadpurging: { enabled: false } },
    },
    http,
    health: { storagedriver: { enabled: false } },
  };
  const auth = authSection(input);
  if (auth) config.auth = auth;
  return config;
}
