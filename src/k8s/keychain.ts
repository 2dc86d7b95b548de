/**
 * Registry credentials from a ServiceAccount and its Secrets, resolved the way kpack does
 * (kpack-behaviour §5.7): basic-auth Secrets annotated `kpack.io/docker`, dockerconfigjson and
 * dockercfg Secrets listed in the account's `secrets`, then the controller-wide keychain (kpack's
 * volume keychain), then pull secrets (the ref's and the account's `imagePullSecrets`). Within each
 * group the first Secret naming a registry wins. Secret values never reach logs or error messages.
 */
import { isJsonObject, NotFoundError, silentLogger, type Logger } from '../shared/index.ts';
import { anonymousCredentials, anonymousKeychain, multiKeychain, normalizeRegistryKey, type Credentials, type IoOptions, type Keychain } from '../oci/index.ts';
import type { CredentialRef } from '../api/index.ts';
import type { KubeClient } from './client.ts';
import { credentialsOfSecrets } from './secret-credentials.ts';
import type { KubeObject } from './types.ts';

/** Builds keychains for resources. */
export interface KeychainFactory {
  /**
   * The keychain for `ref`. Namespaced: service-account secrets, controller-wide, pull secrets (first
   * non-anonymous answer wins; a missing ServiceAccount or Secret is skipped). Otherwise: controller-wide only.
   */
  keychainFor(ref: CredentialRef, options?: IoOptions): Promise<Keychain>;
}

/** Options of `createKeychainFactory`. */
export interface KeychainFactoryOptions {
  /** Reads ServiceAccounts and Secrets (an informer-backed reader works too). */
  client: Pick<KubeClient, 'get'>;
  /** Controller-wide credentials tried after the service account's (kpack's volume + default docker keychains). */
  controllerKeychain?: Keychain;
  logger?: Logger;
}

/** A built keychain and the objects it was read from (the keychain cache evicts it when one changes). */
export interface BuiltKeychain {
  keychain: Keychain;
  /** The ServiceAccount's name (read even when missing: its creation changes the answer). */
  serviceAccount?: string;
  /** Names of the Secrets it looked for, found or not. */
  secrets: readonly string[];
}

/** Creates a factory; each `keychainFor` call reads the ServiceAccount and its Secrets once, eagerly. */
export function createKeychainFactory(
  options: KeychainFactoryOptions,
): KeychainFactory & { build(ref: CredentialRef, io?: IoOptions): Promise<BuiltKeychain> } {
  const controller = options.controllerKeychain ?? anonymousKeychain;
  const logger = options.logger ?? silentLogger;
  const build = async (ref: CredentialRef, io: IoOptions = {}): Promise<BuiltKeychain> => {
    if (!ref.namespace) return { keychain: controller, secrets: [] };
    const read = new SecretReader(options.client, ref.namespace, logger, io.signal);
    const serviceAccount = ref.serviceAccount || 'default';
    const account = await read.serviceAccount(serviceAccount);
    const saNames = namesOf(account?.secrets);
    const pullNames = [...(ref.imagePullSecrets ?? []), ...namesOf(account?.imagePullSecrets)];
    const saSecrets = await read.secrets(saNames);
    const pullSecrets = await read.secrets(pullNames);
    // kpack's order: the service account's own secrets, the controller-wide (volume) credentials,
    // then pull secrets (go-containerregistry's k8schain).
    const keychain = multiKeychain([
      authMapKeychain(credentialsOfSecrets(saSecrets, { basicAuth: true })),
      controller,
      authMapKeychain(credentialsOfSecrets(pullSecrets, { basicAuth: false })),
    ]);
    return { keychain, serviceAccount, secrets: [...new Set([...saNames, ...pullNames])] };
  };
  return { build, keychainFor: async (ref, io) => (await build(ref, io)).keychain };
}

/** The names in a list of object references (`secrets`, `imagePullSecrets`). */
export function namesOf(refs: unknown): string[] {
  if (!Array.isArray(refs)) return [];
  return refs.map((r) => (isJsonObject(r) ? r.name : undefined)).filter((n): n is string => typeof n === 'string' && n !== '');
}

/** Reads ServiceAccounts and Secrets of one namespace; missing objects are skipped, as kpack does. */
export class SecretReader {
  readonly #client: Pick<KubeClient, 'get'>;
  readonly #namespace: string;
  readonly #logger: Logger;
  readonly #signal: AbortSignal | undefined;

  constructor(client: Pick<KubeClient, 'get'>, namespace: string, logger: Logger, signal: AbortSignal | undefined) {
    this.#client = client;
    this.#namespace = namespace;
    this.#logger = logger;
    this.#signal = signal;
  }

  async serviceAccount(name: string): Promise<KubeObject | undefined> {
    return this.#getOrUndefined('ServiceAccount', name);
  }

  async secrets(names: readonly string[]): Promise<KubeObject[]> {
    const found: KubeObject[] = [];
    for (const name of new Set(names)) {
      const secret = await this.#getOrUndefined('Secret', name);
      if (secret !== undefined) found.push(secret);
    }
    return found;
  }

  async #getOrUndefined(kind: 'Secret' | 'ServiceAccount', name: string): Promise<KubeObject | undefined> {
    try {
      return await this.#client.get({ kind, namespace: this.#namespace, name, signal: this.#signal });
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
      this.#logger.warn(`${kind} not found; its credentials are skipped`, { namespace: this.#namespace, name });
      return undefined;
    }
  }
}

function authMapKeychain(byRegistry: ReadonlyMap<string, Credentials>): Keychain {
  return {
    resolve: (registry) => Promise.resolve(byRegistry.get(normalizeRegistryKey(registry)) ?? anonymousCredentials),
  };
}
