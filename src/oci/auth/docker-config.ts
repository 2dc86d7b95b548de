/**
 * A Keychain over Docker's config.json: `auths` entries (base64 `auth`, `username`/`password`,
 * `identitytoken`, `registrytoken`), plus `credHelpers` / `credsStore` through
 * `docker-credential-<name> get` programs. Keys match the way Docker and kpack match them: the
 * scheme and any path are ignored (`https://index.docker.io/v1/` ↔ `index.docker.io`) and the
 * Docker Hub host aliases are one registry.
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ValidationError, isJsonObject, isNotFoundError, messageOf, type ValidationIssue } from '../../shared/index.ts';
import { Credentials, anonymousCredentials, type Keychain } from './keychain.ts';

/** One `auths` entry as Docker writes it. */
export interface DockerAuthEntry {
  auth?: string;
  username?: string;
  password?: string;
  identitytoken?: string;
  registrytoken?: string;
  email?: string;
}

/** The parts of config.json (and of a `kubernetes.io/dockerconfigjson` Secret) that carry credentials. */
export interface DockerConfig {
  auths?: Record<string, DockerAuthEntry>;
  credHelpers?: Record<string, string>;
  credsStore?: string;
}

/** Runs `docker-credential-<helper> get` with `serverUrl` on stdin; resolves its stdout, or undefined when it has nothing. */
export type CredentialHelperRunner = (helper: string, serverUrl: string) => Promise<string | undefined>;

/** Options of `dockerConfigKeychain`. */
export interface DockerConfigKeychainOptions {
  /** Replaces the default runner that spawns `docker-credential-*` from PATH (tests inject one). */
  runHelper?: CredentialHelperRunner;
}

const dockerHubHost = 'index.docker.io';
const dockerHubAliases = new Set(['index.docker.io', 'docker.io', 'registry-1.docker.io', 'registry.hub.docker.com']);

/** The comparable form of a registry host or config key: no scheme, no path, lower case, Docker Hub aliases folded. */
export function normalizeRegistryKey(key: string): string {
  const withoutScheme = key.trim().replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  const host = withoutScheme.split('/')[0]?.toLowerCase() ?? '';
  return dockerHubAliases.has(host) ? dockerHubHost : host;
}

/** A keychain answering from a parsed Docker config; entries are matched per `normalizeRegistryKey`. */
export function dockerConfigKeychain(config: DockerConfig, options: DockerConfigKeychainOptions = {}): Keychain {
  const runHelper = options.runHelper ?? runCredentialHelper;
  return {
    async resolve(registry) {
      const helper = findHelper(config, registry);
      if (helper !== undefined) {
        const fromHelper = await credentialsFromHelper(runHelper, helper, registry);
        if (!fromHelper.isAnonymous) return fromHelper;
      }
      const entry = findAuthEntry(config.auths ?? {}, registry);
      return entry === undefined ? anonymousCredentials : credentialsFromEntry(entry);
    },
  };
}

function findHelper(config: DockerConfig, registry: string): string | undefined {
  const wanted = normalizeRegistryKey(registry);
  for (const [key, helper] of Object.entries(config.credHelpers ?? {})) {
    if (normalizeRegistryKey(key) === wanted && helper) return helper;
  }
  return config.credsStore || undefined;
}

/** The entry whose key names `registry`: an exact key wins, otherwise the first key that normalises to the same host. */
function findAuthEntry(auths: Record<string, DockerAuthEntry>, registry: string): DockerAuthEntry | undefined {
  if (Object.hasOwn(auths, registry)) return auths[registry];
  const wanted = normalizeRegistryKey(registry);
  const key = Object.keys(auths).find((k) => normalizeRegistryKey(k) === wanted);
  return key === undefined ? undefined : auths[key];
}

/** Credentials from one `auths` entry; a base64 `auth` of `user:password` wins over separate fields. */
export function credentialsFromEntry(entry: DockerAuthEntry): Credentials {
  let { username, password } = entry;
  if (entry.auth) {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) {
      username = decoded.slice(0, colon);
      password = decoded.slice(colon + 1);
    }
  }
  return Credentials.of({ username, password, identityToken: entry.identitytoken, registryToken: entry.registrytoken });
}

async function credentialsFromHelper(runHelper: CredentialHelperRunner, helper: string, registry: string): Promise<Credentials> {
  const serverUrl = normalizeRegistryKey(registry) === dockerHubHost ? 'https://index.docker.io/v1/' : registry;
  const output = await runHelper(helper, serverUrl);
  if (output === undefined) return anonymousCredentials;
  let parsed: unknown;
  try {
    parsed = JSON.parse(output);
  } catch (error) {
    throw new ValidationError([{ path: `credHelpers.${helper}`, message: 'credential helper printed something other than JSON' }], {
      cause: error,
    });
  }
  const answer = isJsonObject(parsed) ? parsed : {};
  const username = typeof answer.Username === 'string' ? answer.Username : undefined;
  const secret = typeof answer.Secret === 'string' ? answer.Secret : undefined;
  // Helpers report an OAuth2 refresh token with the placeholder user name `<token>`.
  if (username === '<token>') return Credentials.of({ identityToken: secret });
  return Credentials.of({ username, password: secret });
}

/** Spawns `docker-credential-<helper> get`; a missing program or a "not found" answer yields undefined. */
export function runCredentialHelper(helper: string, serverUrl: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const child = spawn(`docker-credential-${helper}`, ['get'], { stdio: ['pipe', 'pipe', 'ignore'], timeout: 30_000 });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    // Docker also goes on without credentials when a helper is absent or fails; there is nothing to retry.
    child.once('error', () => resolve(undefined));
    child.once('close', (code) => resolve(code === 0 ? stdout : undefined));
    child.stdin.end(serverUrl);
  });
}

/**
 * Checks the shape of a parsed config.json (or dockerconfigjson Secret payload) and returns its
 * credential parts; reports every bad field at once.
 */
export function parseDockerConfig(value: unknown, source = 'config.json'): DockerConfig {
  if (!isJsonObject(value)) throw new ValidationError([{ path: source, message: 'expected a JSON object' }]);
  const issues: ValidationIssue[] = [];
  const credHelpers = stringMap(value.credHelpers, `${source}.credHelpers`, issues);
  const credsStore = value.credsStore;
  if (credsStore !== undefined && typeof credsStore !== 'string') issues.push({ path: `${source}.credsStore`, message: 'expected a string' });
  const auths = authEntries(value.auths, `${source}.auths`, issues);
  if (issues.length > 0) throw new ValidationError(issues);
  const config: DockerConfig = {};
  if (auths !== undefined) config.auths = auths;
  if (credHelpers !== undefined) config.credHelpers = credHelpers;
  if (typeof credsStore === 'string') config.credsStore = credsStore;
  return config;
}

// Object.fromEntries (not assignment) keeps keys such as `__proto__` as plain data.
function stringMap(value: unknown, path: string, issues: ValidationIssue[]): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  if (!isJsonObject(value)) {
    issues.push({ path, message: 'expected an object' });
    return undefined;
  }
  const entries = Object.entries(value);
  for (const [key, entry] of entries) {
    if (typeof entry !== 'string') issues.push({ path: `${path}.${key}`, message: 'expected a string' });
  }
  return Object.fromEntries(entries.filter((pair): pair is [string, string] => typeof pair[1] === 'string'));
}

function authEntries(value: unknown, path: string, issues: ValidationIssue[]): Record<string, DockerAuthEntry> | undefined {
  if (value === undefined) return undefined;
  if (!isJsonObject(value)) {
    issues.push({ path, message: 'expected an object' });
    return undefined;
  }
  const entries: [string, DockerAuthEntry][] = [];
  for (const [key, entry] of Object.entries(value)) {
    if (!isJsonObject(entry)) {
      issues.push({ path: `${path}["${key}"]`, message: 'expected an object' });
      continue;
    }
    // Every field is text (auth, username, password, tokens, email, serveraddress).
    const fields = Object.entries(entry);
    for (const [field, fieldValue] of fields) {
      if (typeof fieldValue !== 'string') issues.push({ path: `${path}["${key}"].${field}`, message: 'expected a string' });
    }
    entries.push([key, Object.fromEntries(fields.filter((pair): pair is [string, string] => typeof pair[1] === 'string'))]);
  }
  return Object.fromEntries(entries);
}

/** Where Docker looks for config.json: `$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`. */
export function dockerConfigPath(env: NodeJS.ProcessEnv = process.env, home: string = homedir()): string {
  return env.DOCKER_CONFIG ? join(env.DOCKER_CONFIG, 'config.json') : join(home, '.docker', 'config.json');
}

/** Reads and checks config.json; a missing file is an empty config (every registry anonymous). */
export async function loadDockerConfig(path: string = dockerConfigPath()): Promise<DockerConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (isNotFoundError(error)) return {};
    throw new ValidationError([{ path, message: `cannot read: ${messageOf(error)}` }], { cause: error });
  }
  try {
    return parseDockerConfig(JSON.parse(text), path);
  } catch (error) {
    if (error instanceof ValidationError) throw error;
    throw new ValidationError([{ path, message: 'not valid JSON' }], { cause: error });
  }
}

/** The default keychain of a developer machine: the Docker config at the usual place, read once per call. */
export function defaultDockerKeychain(options: DockerConfigKeychainOptions & { path?: string } = {}): Keychain {
  return {
    async resolve(registry, io) {
      const config = await loadDockerConfig(options.path ?? dockerConfigPath());
      return dockerConfigKeychain(config, options).resolve(registry, io);
    },
  };
}
