/**
 * Starts and stops the real CNCF distribution registry (Debian `docker-registry` 2.8) on loopback,
 * one instance per call, in each auth mode: plain HTTP, htpasswd Basic, TLS, and Docker token auth
 * backed by our own token server. Each instance has its own config, port and scratch directory,
 * and is stopped by PID (also when the test process exits).
 */
import { chmod, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { mountRequests, parseAccessLog, type AccessLogEntry, type MountRequest } from './access-log.ts';
import { tokenSigningCertificate, writeServerCertificates, type ServerCertificateFiles } from './certs.ts';
import { HarnessError } from './harness-error.ts';
import { freePort, removeDir, scratchDir, startProcess, waitUntil, type ManagedProcess } from './process.ts';
import { registryConfig, type RegistryConfigInput, type RegistryMode, type RegistryStorage } from './registry-config.ts';
import { startTokenServer, type TokenPolicy, type TokenServer } from './token-server.ts';

export type { RegistryMode, RegistryStorage } from './registry-config.ts';

/** Options for `startRegistry`. */
export interface StartRegistryOptions {
  readonly mode: RegistryMode;
  /** Default `memory`. */
  readonly storage?: RegistryStorage;
  /** Serve HTTPS; always true in `tls` mode, optional for `basic` and `token` (the token server then uses HTTPS too). */
  readonly tls?: boolean;
  /** Credentials for `basic` and `token` modes (default `packsmith` / `packsmith-secret`). */
  readonly username?: string;
  readonly password?: string;
  /** More users (name → password) for `basic` and `token` modes, e.g. one a token policy grants `pull` only. */
  readonly extraUsers?: Readonly<Record<string, string>>;
  /** Token mode: which actions each user gets (default: users everything, anonymous `pull` only). */
  readonly tokenPolicy?: TokenPolicy;
  /** The registry's own log level (default `info`); the access log is written at every level. */
  readonly logLevel?: RegistryConfigInput['logLevel'];
}

/** Options for `RegistryHandle.skopeoArgs`. */
export interface SkopeoArgsOptions {
  /** `src` / `dest` give the `--src-…` / `--dest-…` flags of `skopeo copy`; omitted gives the plain flags (inspect, list-tags). */
  readonly role?: 'src' | 'dest';
  /** Include `--creds` when the mode has credentials (default true). */
  readonly credentials?: boolean;
  /** Include `--cert-dir` with the CA when the registry uses TLS (default true). */
  readonly ca?: boolean;
}

/** A running registry. Fields that a mode does not use are undefined. */
export interface RegistryHandle {
  readonly mode: RegistryMode;
  readonly storage: RegistryStorage;
  readonly tls: boolean;
  /** `127.0.0.1:PORT`, the registry part of image references. */
  readonly host: string;
  readonly port: number;
  /** `http://127.0.0.1:PORT` or `https://127.0.0.1:PORT`. */
  readonly url: string;
  /** The instance's scratch directory (config, log, data, certificates); removed by `stop()`. */
  readonly dir: string;
  readonly pid: number;
  readonly username: string | undefined;
  readonly password: string | undefined;
  /** The CA certificate that signed the server certificate (TLS only), as a file and as PEM text. */
  readonly caFile: string | undefined;
  readonly caPem: string | undefined;
  /** A directory holding only `ca.crt`, for skopeo's `--cert-dir` (TLS only). */
  readonly certDir: string | undefined;
  /** The token server (token mode only): realm, service, and the requests it answered. */
  readonly tokenServer: TokenServer | undefined;
  /** The registry's whole log so far (its messages and the access log). */
  log(): Promise<string>;
  /** The access-log entries so far, one per HTTP request, in order. */
  accessLog(): Promise<AccessLogEntry[]>;
  /** The cross-repository mount attempts seen so far. */
  mounts(): Promise<MountRequest[]>;
  /** Writes a Docker `config.json` with this registry's credentials (empty `auths` without them) and returns its path. */
  authFile(path?: string): Promise<string>;
  /** The skopeo flags that reach this registry (TLS or not, CA, credentials). */
  skopeoArgs(options?: SkopeoArgsOptions): string[];
  /** Stops the registry (by PID) and the token server and removes the scratch directory; safe to call twice. */
  stop(): Promise<void>;
}

const live = new Set<RegistryHandle>();

/** Stops every registry this process started and has not stopped yet (for an `afterAll` safety net). */
export async function stopAllRegistries(): Promise<void> {
  await Promise.all([...live].map(async (r) => r.stop()));
}

/** The status of `GET <url>/v2/`, trusting `caPem` for HTTPS. */
async function probeV2(url: string, caPem: string | undefined): Promise<number> {
  const request = url.startsWith('https:') ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(`${url}/v2/`, { method: 'GET', ca: caPem, timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.once('timeout', () => req.destroy(new HarnessError('probe timed out')));
    req.once('error', reject);
    req.end();
  });
}

/** The environment without REGISTRY_* variables, which would silently override our config. */
function registryEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('REGISTRY_')));
}

interface Prepared {
  readonly config: Omit<RegistryConfigInput, 'port'>;
  readonly certs: (ServerCertificateFiles & { caPem: string }) | undefined;
  readonly tokenServer: TokenServer | undefined;
}

async function prepare(options: StartRegistryOptions, dir: string, tls: boolean, creds: { username: string; password: string }): Promise<Prepared> {
  const certs = tls ? await writeServerCertificates(join(dir, 'certs')) : undefined;
  const base = { storage: options.storage ?? 'memory', dataDir: join(dir, 'data'), logLevel: options.logLevel ?? 'info' } as const;
  const tlsFiles = certs ? { certFile: certs.certFile, keyFile: certs.keyFile } : undefined;
  if (options.mode === 'basic') {
    const htpasswdFile = join(dir, 'htpasswd');
    // The registry accepts bcrypt entries only; cost 5 keeps each authenticated request cheap.
    const users = { ...options.extraUsers, [creds.username]: creds.password };
    await writeFile(
      htpasswdFile,
      Object.entries(users)
        .map(([user, password]) => `${user}:${bcrypt.hashSync(password, 5)}\n`)
        .join(''),
    );
    return { config: { ...base, tls: tlsFiles, htpasswdFile }, certs, tokenServer: undefined };
  }
  if (options.mode !== 'token') return { config: { ...base, tls: tlsFiles }, certs, tokenServer: undefined };
  const signing = await tokenSigningCertificate();
  const rootCertFile = join(dir, 'token-signer.crt');
  await writeFile(rootCertFile, signing.certPem);
  const tokenServer = await startTokenServer({
    signing,
    users: { ...options.extraUsers, [creds.username]: creds.password },
    issuer: 'packsmith-test-issuer',
    service: 'packsmith-test-registry',
    policy: options.tokenPolicy,
    tls: certs,
  });
  const token = { realm: tokenServer.realm, service: tokenServer.service, issuer: tokenServer.issuer, rootCertFile };
  return { config: { ...base, tls: tlsFiles, token }, certs, tokenServer };
}

/** Starts the process on a free port and waits until `/v2/` answers 200 or 401; retries when the port was taken meanwhile. */
async function launch(dir: string, prepared: Prepared, scheme: string): Promise<{ process: ManagedProcess; port: number }> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const configFile = join(dir, `config-${attempt}.yml`);
    await writeFile(configFile, JSON.stringify(registryConfig({ ...prepared.config, port }), null, 2));
    // setpriv execs the registry with a parent-death signal: vitest ends its workers with a signal, which
    // skips exit handlers, and the registry must not outlive the test process that started it.
    const child = startProcess({
      command: 'setpriv',
      args: ['--pdeathsig', 'KILL', 'docker-registry', 'serve', configFile],
      logFile: join(dir, 'registry.log'),
      env: registryEnv(),
    });
    const ready = async (): Promise<boolean> => {
      if (!child.alive()) return true;
      const status = await probeV2(`${scheme}://127.0.0.1:${port}`, prepared.certs?.caPem);
      return status === 200 || status === 401;
    };
    await waitUntil(ready, { timeoutMs: 15_000, intervalMs: 20, describe: async () => `registry on port ${port}: ${await child.log()}` }).catch(
      async (error: unknown) => {
        await child.stop(1000);
        throw new HarnessError('docker-registry did not become ready', { cause: error });
      },
    );
    if (child.alive()) return { process: child, port };
    const log = await child.log();
    if (attempt >= 3 || !log.includes('address already in use')) throw new HarnessError(`docker-registry exited at start:\n${log}`);
  }
}

function flag(role: SkopeoArgsOptions['role'], name: string, value?: string): string {
  const full = role ? `--${role}-${name}` : `--${name}`;
  return value === undefined ? full : `${full}=${value}`;
}

/** Starts one registry instance; stop it with `handle.stop()` (or `stopAllRegistries()`). */
export async function startRegistry(options: StartRegistryOptions): Promise<RegistryHandle> {
  const tls = options.mode === 'tls' || options.tls === true;
  const hasCreds = options.mode === 'basic' || options.mode === 'token';
  const creds = { username: options.username ?? 'packsmith', password: options.password ?? 'packsmith-secret' };
  const dir = await scratchDir(`registry-${options.mode}`);
  // Readable by all, so tools run as an unprivileged user (umoci --rootless) can read the CA.
  await chmod(dir, 0o755);
  let prepared: Prepared | undefined;
  try {
    prepared = await prepare(options, dir, tls, creds);
    const scheme = tls ? 'https' : 'http';
    const { process: child, port } = await launch(dir, prepared, scheme);
    return makeHandle({ options, dir, prepared, child, port, tls, creds: hasCreds ? creds : undefined });
  } catch (error) {
    await prepared?.tokenServer?.stop();
    await removeDir(dir);
    throw error;
  }
}

interface HandleParts {
  readonly options: StartRegistryOptions;
  readonly dir: string;
  readonly prepared: Prepared;
  readonly child: ManagedProcess;
  readonly port: number;
  readonly tls: boolean;
  readonly creds: { username: string; password: string } | undefined;
}

function makeHandle(parts: HandleParts): RegistryHandle {
  const { dir, prepared, child, port, tls, creds } = parts;
  const host = `127.0.0.1:${port}`;
  let stopping: Promise<void> | undefined;
  const handle: RegistryHandle = {
    mode: parts.options.mode,
    storage: parts.options.storage ?? 'memory',
    tls,
    host,
    port,
    url: `${tls ? 'https' : 'http'}://${host}`,
    dir,
    pid: child.pid,
    username: creds?.username,
    password: creds?.password,
    caFile: prepared.certs?.caFile,
    caPem: prepared.certs?.caPem,
    certDir: prepared.certs?.caDir,
    tokenServer: prepared.tokenServer,
    log: async () => child.log(),
    accessLog: async () => parseAccessLog(await child.log()),
    mounts: async () => mountRequests(parseAccessLog(await child.log())),
    authFile: async (path = join(dir, 'auth.json')) => {
      const auths = creds ? { [host]: { auth: Buffer.from(`${creds.username}:${creds.password}`).toString('base64') } } : {};
      await writeFile(path, JSON.stringify({ auths }, null, 2), { mode: 0o644 });
      return path;
    },
    skopeoArgs: ({ role, credentials = true, ca = true } = {}) => {
      const args = tls ? [] : [flag(role, 'tls-verify', 'false')];
      if (tls && ca && prepared.certs) args.push(flag(role, 'cert-dir', prepared.certs.caDir));
      if (creds && credentials) args.push(flag(role, 'creds', `${creds.username}:${creds.password}`));
      return args;
    },
    stop: async () => {
      stopping ??= (async () => {
        live.delete(handle);
        await child.stop(3000);
        await prepared.tokenServer?.stop();
        await removeDir(dir);
      })();
      return stopping;
    },
  };
  live.add(handle);
  return handle;
}
