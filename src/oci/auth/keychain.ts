/**
 * Registry credentials and the Keychain contract: given a registry host, answer the credentials to
 * use there, or anonymous. Credential objects keep their secrets in private fields, so printing,
 * logging or JSON-serialising one never reveals them.
 */
import { inspect } from 'node:util';
import type { IoOptions } from '../image.ts';

/** The secret material a credential may carry; every field is optional. */
export interface CredentialFields {
  username?: string;
  password?: string;
  /** An OAuth2 refresh token (`identitytoken` in docker config.json), exchanged at the token realm. */
  identityToken?: string;
  /** A ready bearer token (`registrytoken`), sent as it is. */
  registryToken?: string;
}

/** Credentials for one registry. Secrets are readable through the getters but never through toString/toJSON/inspect. */
export class Credentials {
  readonly #fields: Readonly<CredentialFields>;

  private constructor(fields: CredentialFields) {
    this.#fields = Object.freeze({ ...fields });
  }

  /** Credentials from the given fields; empty strings count as absent, and no fields at all means anonymous. */
  static of(fields: CredentialFields): Credentials {
    const clean: CredentialFields = {};
    for (const key of ['username', 'password', 'identityToken', 'registryToken'] as const) {
      const value = fields[key];
      if (value !== undefined && value !== '') clean[key] = value;
    }
    return Object.keys(clean).length === 0 ? anonymous : new Credentials(clean);
  }

  /** The one anonymous value; compare with `isAnonymous`. */
  static readonly anonymous: Credentials = new Credentials({});

  get username(): string | undefined {
    return this.#fields.username;
  }

  get password(): string | undefined {
    return this.#fields.password;
  }

  get identityToken(): string | undefined {
    return this.#fields.identityToken;
  }

  get registryToken(): string | undefined {
    return this.#fields.registryToken;
  }

  /** True when these credentials carry nothing. */
  get isAnonymous(): boolean {
    return Object.keys(this.#fields).length === 0;
  }

  /** True when a username and password are present (usable for Basic auth and the token GET). */
  get hasBasic(): boolean {
    return this.#fields.username !== undefined && this.#fields.password !== undefined;
  }

  /** A description safe to log: which kinds of secret are present, never their values. */
  toString(): string {
    if (this.isAnonymous) return 'Credentials(anonymous)';
    const kinds = Object.keys(this.#fields).filter((k) => k !== 'username');
    const user = this.#fields.username === undefined ? '' : `username=${this.#fields.username}, `;
    return `Credentials(${user}${kinds.map((k) => `${k}=REDACTED`).join(', ')})`;
  }

  toJSON(): string {
    return this.toString();
  }

  [inspect.custom](): string {
    return this.toString();
  }
}

const anonymous = Credentials.anonymous;

/** The anonymous credentials: requests carry no Authorization header (token realms may still grant pull). */
export const anonymousCredentials: Credentials = anonymous;

/** True when `credentials` carry nothing. */
export function isAnonymous(credentials: Credentials): boolean {
  return credentials.isAnonymous;
}

/** Finds credentials for registry hosts; `registry` is the host as used in URLs (`index.docker.io`, `127.0.0.1:5000`). */
export interface Keychain {
  /** The credentials to use for `registry`, or `anonymousCredentials` when this keychain has none. */
  resolve(registry: string, options?: IoOptions): Promise<Credentials>;
}

/** A keychain that never has credentials. */
export const anonymousKeychain: Keychain = {
  resolve: () => Promise.resolve(anonymous),
};

/**
 * A keychain that answers fixed credentials for the listed registries (hosts compared exactly,
 * case-insensitively) and anonymous for any other; with a `'*'` key it answers for every registry.
 */
export function staticKeychain(entries: Readonly<Record<string, Credentials>>): Keychain {
  const byHost = new Map(Object.entries(entries).map(([host, credentials]) => [host.toLowerCase(), credentials]));
  return {
    resolve: (registry) => Promise.resolve(byHost.get(registry.toLowerCase()) ?? byHost.get('*') ?? anonymous),
  };
}

/** Tries keychains in order and returns the first non-anonymous answer (kpack's multi-keychain rule). */
export function multiKeychain(keychains: readonly Keychain[]): Keychain {
  return {
    async resolve(registry, options) {
      for (const keychain of keychains) {
        const credentials = await keychain.resolve(registry, options);
        if (!credentials.isAnonymous) return credentials;
      }
      return anonymous;
    },
  };
}
