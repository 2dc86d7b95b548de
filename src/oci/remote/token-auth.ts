/**
 * The pieces of registry authentication that do no I/O: the Basic header, the token-endpoint
 * request for a Bearer challenge (GET with Basic credentials, or the OAuth2 refresh-token POST for
 * an identity token), parsing of the token answer, and a cache of tokens per registry and scope set.
 */
import { isJsonObject } from '../../shared/index.ts';
import type { Credentials } from '../auth/index.ts';
import { RegistryError } from './errors.ts';

/** What a token request needs: the challenge's realm and service, the scopes, and who asks. */
export interface TokenRequest {
  realm: string;
  service: string | undefined;
  scopes: readonly string[];
  credentials: Credentials;
}

/** An HTTP request to a token endpoint, ready to send. */
export interface TokenHttpRequest {
  method: 'GET' | 'POST';
  url: URL;
  headers: Record<string, string>;
  body?: string;
}

/** A bearer token and the time (epoch ms) after which it must not be used. */
export interface IssuedToken {
  token: string;
  expiresAt: number;
}

/** Sent as OAuth2 `client_id`; token servers log it. */
const clientId = 'packsmith';

/** The `Authorization` value for Basic auth with these credentials' username and password. */
export function basicAuthorization(credentials: Credentials): string {
  return `Basic ${Buffer.from(`${credentials.username ?? ''}:${credentials.password ?? ''}`).toString('base64')}`;
}

/**
 * The HTTP request that obtains a token: an OAuth2 refresh-token POST when the credentials hold an
 * identity token, otherwise the Docker token GET (with Basic credentials when present, anonymous
 * when not), scopes repeated as separate `scope` parameters.
 */
export function tokenHttpRequest(request: TokenRequest): TokenHttpRequest {
  const url = new URL(request.realm);
  const { credentials } = request;
  if (credentials.identityToken !== undefined) {
    const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: credentials.identityToken, client_id: clientId });
    if (request.service !== undefined) form.set('service', request.service);
    if (request.scopes.length > 0) form.set('scope', request.scopes.join(' '));
    return { method: 'POST', url, headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: form.toString() };
  }
  if (request.service !== undefined) url.searchParams.set('service', request.service);
  for (const scope of request.scopes) url.searchParams.append('scope', scope);
  const headers: Record<string, string> = {};
  if (credentials.hasBasic) headers.Authorization = basicAuthorization(credentials);
  return { method: 'GET', url, headers };
}

/** Token lifetime assumed when the server names none (the Docker token spec's default). */
const defaultExpiresInSeconds = 60;
/** Tokens are dropped this long before they expire, so a request never starts with one about to lapse. */
const expiryMarginMs = 10_000;

/** Reads `{ token | access_token, expires_in?, issued_at? }`; throws RegistryError when no token is present. */
export function parseTokenResponse(body: unknown, now: number, realm: string): IssuedToken {
  const fields = isJsonObject(body) ? body : {};
  const token = typeof fields.token === 'string' && fields.token ? fields.token : fields.access_token;
  if (typeof token !== 'string' || token === '') {
    throw new RegistryError(`token endpoint ${realm} answered without a token`, { kind: 'permanent' });
  }
  const expiresIn = typeof fields.expires_in === 'number' && fields.expires_in > 0 ? fields.expires_in : defaultExpiresInSeconds;
  const start = issueTime(fields.issued_at, now);
  return { token, expiresAt: start + expiresIn * 1000 - Math.min(expiryMarginMs, (expiresIn * 1000) / 2) };
}

/** The server's issue time when it is close to ours; clock skew would otherwise expire tokens early or late. */
function issueTime(issuedAt: unknown, now: number): number {
  const parsed = typeof issuedAt === 'string' ? Date.parse(issuedAt) : Number.NaN;
  return Number.isNaN(parsed) || Math.abs(parsed - now) > 60_000 ? now : parsed;
}

/** Bearer tokens per registry and canonical scope set, each kept until shortly before it expires. */
export class TokenCache {
  readonly #tokens = new Map<string, IssuedToken>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** The cache key for a registry and an already canonical (merged, sorted) scope list. */
  static key(registry: string, scopes: readonly string[]): string {
    return `${registry} ${scopes.join(' ')}`;
  }

  /** The cached token, or undefined when there is none or it has expired. */
  get(key: string): string | undefined {
    const entry = this.#tokens.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= this.#now()) {
      this.#tokens.delete(key);
      return undefined;
    }
    return entry.token;
  }

  set(key: string, token: IssuedToken): void {
    this.#tokens.set(key, token);
  }

  delete(key: string): void {
    this.#tokens.delete(key);
  }
}
