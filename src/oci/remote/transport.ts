/**
 * The HTTP layer of the registry client. One RegistryTransport serves many registries: it pings
 * `/v2/` once per registry to learn the scheme and the auth challenge, adds Basic or Bearer
 * authorization (tokens fetched before any body is sent, cached per registry and scope set), retries
 * transient failures with backoff, bounds concurrent requests per registry, follows blob redirects
 * without the Authorization header, pauses all requests to a registry that throttles (host-pause.ts),
 * and reports each exchange to an optional hook.
 */
import { createLimiter, memoize, silentLogger, type Logger } from '../../shared/index.ts';
import { anonymousKeychain, type Credentials, type Keychain } from '../auth/index.ts';
import { mergeScopes, pickChallenge, type Challenge } from './challenge.ts';
import { ConnectionPool, type ConnectionOptions } from './connection.ts';
import { exchange, type RegistryResponse } from './http-exchange.ts';
import { RegistryError, appErrorIn, connectionError, redactText, redactUrl, responseError } from './errors.ts';
import { defaultRetryPolicy, withRetries, type RetryPolicy } from './retry.ts';
import { discard, pingRegistry, type Endpoint } from './ping.ts';
import { TokenCache, basicAuthorization, parseTokenResponse, tokenHttpRequest } from './token-auth.ts';
import { TransferCounters, type RequestEvent, type RequestKind } from './counters.ts';
import type { ContentCache } from './content-cache.ts';
import { HostPause } from './host-pause.ts';
import { KnownBlobs } from './known-blobs.ts';

/** Runs a request within its registry's concurrency bound. */
export type HostLimiter = <T>(task: () => Promise<T>) => Promise<T>;

/** A request body: bytes (replayable, so retried) or a stream (sent once). */
export type RequestBody = Uint8Array | string | AsyncIterable<Uint8Array>;

/** One registry request. */
export interface RegistryRequest {
  registry: string;
  method: string;
  /** A path below the registry root (`/v2/…`), or an absolute URL such as an upload `Location`. */
  path: string | URL;
  /** Token scopes this request needs; the whole set is requested at once, so pass the same set for a whole push. */
  scopes: readonly string[];
  /** Statuses that count as success; any other becomes a RegistryError. */
  expect: readonly number[];
  headers?: Record<string, string>;
  body?: RequestBody;
  /** Follow 3xx answers (blob GETs), dropping the Authorization header. */
  followRedirects?: boolean;
  /** Set false for requests that must not be repeated (a retry then happens a level up). Streams are never retried. */
  retry?: boolean;
  signal?: AbortSignal;
}

/** Options of a RegistryTransport; every field has a default. */
export interface TransportOptions extends ConnectionOptions {
  keychain?: Keychain;
  /** Concurrent requests per registry (default 4), across every transport sharing `hostLimiters`. */
  concurrency?: number;
  /** Per-host request limiters to share with other transports, so the bound holds per registry whatever the credentials. */
  hostLimiters?: Map<string, HostLimiter>;
  retry?: Partial<RetryPolicy>;
  logger?: Logger;
  /** Called after every HTTP exchange (pings, tokens, registry calls, redirects), for metrics and tests. */
  onRequest?: (event: RequestEvent) => void;
  userAgent?: string;
  /** Clock for token expiry, epoch milliseconds. */
  now?: () => number;
  /** Manifests, configs and tag digests kept between runs (local mode); none: every read asks the registry. */
  contentCache?: ContentCache;
  /** Called when a registry host throttles (429) and all requests to it pause for `delayMs`. */
  onThrottle?: (host: string, delayMs: number) => void;
  /** The pauses to share with other transports (one per process: a registry throttles the client, whatever its credentials). */
  hostPause?: HostPause;
}

/** A HostPause for transports made with `options` (their retry policy and throttle hook). */
export function createHostPause(options: Pick<TransportOptions, 'retry' | 'now' | 'onThrottle'> = {}): HostPause {
  const retry = { ...defaultRetryPolicy, ...options.retry };
  return new HostPause({ ...retry, now: options.now ?? Date.now, ...(options.onThrottle ? { onPause: options.onThrottle } : {}) });
}

const redirectStatuses = new Set([301, 302, 303, 307, 308]);
const maxRedirects = 5;

/** The shared HTTP client for registries; create one per process or per operation, and `close()` it when done. */
export class RegistryTransport {
  readonly counters = new TransferCounters();
  /** Blobs this transport saw in a repository, so pushes skip their HEAD (known-blobs.ts). */
  readonly knownBlobs = new KnownBlobs();
  /** The content cache reads through this transport consult, if any. */
  readonly contentCache: ContentCache | undefined;
  readonly #pool: ConnectionPool;
  readonly #keychain: Keychain;
  readonly #retry: RetryPolicy;
  readonly #logger: Logger;
  readonly #onRequest: ((event: RequestEvent) => void) | undefined;
  readonly #userAgent: string;
  readonly #now: () => number;
  readonly #concurrency: number;
  readonly #tokens: TokenCache;
  readonly #endpoints = new Map<string, () => Promise<Endpoint>>();
  readonly #repings = new WeakMap<Endpoint, () => Promise<Endpoint>>();
  readonly #credentials = new Map<string, () => Promise<Credentials>>();
  readonly #pendingTokens = new Map<string, Promise<string>>();
  readonly #limiters: Map<string, HostLimiter>;
  readonly #pause: HostPause;
  /** Requests that already slept their own retry delay: they do not wait out the host's pause again. */
  readonly #retried = new WeakSet<RegistryRequest>();

  constructor(options: TransportOptions = {}) {
    this.#pool = new ConnectionPool(options);
    this.#keychain = options.keychain ?? anonymousKeychain;
    this.#retry = { ...defaultRetryPolicy, ...options.retry };
    this.#logger = options.logger ?? silentLogger;
    this.#onRequest = options.onRequest;
    this.#userAgent = options.userAgent ?? 'packsmith';
    this.#now = options.now ?? Date.now;
    this.contentCache = options.contentCache;
    this.#concurrency = options.concurrency ?? 4;
    this.#limiters = options.hostLimiters ?? new Map<string, HostLimiter>();
    this.#tokens = new TokenCache(this.#now);
    this.#pause = options.hostPause ?? createHostPause(options);
  }

  /** The registry hosts whose requests are paused now because they throttled. */
  pausedHosts(): string[] {
    return this.#pause.paused();
  }

  /** Sends `request` with authorization and retries; resolves the response (body unread) when its status is expected. */
  async request(request: RegistryRequest): Promise<RegistryResponse> {
    const replayable = request.body === undefined || typeof request.body === 'string' || request.body instanceof Uint8Array;
    const policy = (request.retry ?? true) && replayable ? this.#retry : { ...this.#retry, maxAttempts: 1 };
    return withRetries(policy, () => this.#attempt(request, replayable), {
      signal: request.signal,
      onRetry: ({ attempt, delayMs, error }) => {
        this.#retried.add(request);
        this.#logger.debug('retrying registry request', {
          registry: request.registry,
          method: request.method,
          attempt: attempt + 1,
          delayMs,
          error: redactText(String(error)),
        });
      },
    });
  }

  /** The base URL (`scheme://host/`) this transport uses for `registry`, pinging it first if needed. */
  async baseUrl(registry: string): Promise<URL> {
    return (await this.#endpoint(registry)).base;
  }

  /** The retry policy in force, for callers that retry whole operations (a blob upload restarted in a new session). */
  get retryPolicy(): RetryPolicy {
    return this.#retry;
  }

  /** Closes the connection pools. */
  async close(): Promise<void> {
    await this.#pool.close();
  }

  async #attempt(request: RegistryRequest, replayable: boolean): Promise<RegistryResponse> {
    const scopes = mergeScopes(request.scopes);
    const { endpoint, url, authorization, response: first } = await this.#firstSend(request, scopes, replayable);
    let response = first;
    if (response.status === 401 && replayable && this.#adoptChallenge(endpoint, response)) {
      // The token expired, or the registry wants a scope or scheme the ping did not show. Ask once
      // more, but only with different authorization: resending rejected Basic credentials is pointless.
      await this.#remember(request.registry, endpoint);
      const wanted = endpoint.challenge?.params.scope;
      const retryScopes = wanted === undefined ? scopes : mergeScopes([...scopes, ...wanted.split(' ')]);
      this.#tokens.delete(TokenCache.key(request.registry, retryScopes));
      const renewed = await this.#authorization(request.registry, endpoint, retryScopes);
      if (renewed !== authorization) {
        await discard(response);
        response = await this.#send(request, url, renewed, 'registry');
      }
    }
    if (request.followRedirects === true) response = await this.#followRedirects(request, url, response);
    if (!request.expect.includes(response.status)) throw await responseError(request.method, url.href, response);
    return response;
  }

  /**
   * Authorizes and sends `request` on its registry's endpoint. An endpoint remembered from an earlier
   * run that is wrong now (the scheme changed, or the old token realm is gone) shows as a failure
   * before any answer of the registry, or as 400 from a TLS server spoken to in plain HTTP: then
   * ping, and send again once. A failure that was not the endpoint's costs that one ping.
   */
  async #firstSend(
    request: RegistryRequest,
    scopes: string[],
    replayable: boolean,
  ): Promise<{ endpoint: Endpoint; url: URL; authorization: string | undefined; response: RegistryResponse }> {
    const sendOn = async (endpoint: Endpoint) => {
      const url = typeof request.path === 'string' ? new URL(request.path, endpoint.base) : request.path;
      const authorization = await this.#authorization(request.registry, endpoint, scopes);
      return { endpoint, url, authorization, response: await this.#send(request, url, authorization, 'registry') };
    };
    const endpoint = await this.#endpoint(request.registry);
    if (endpoint.remembered !== true || !replayable) return sendOn(endpoint);
    let sent: Awaited<ReturnType<typeof sendOn>>;
    try {
      sent = await sendOn(endpoint);
    } catch (error) {
      // No answer, or the remembered token realm refused: whatever the cause, a ping settles it.
      if (request.signal?.aborted === true) throw error;
      return sendOn(await this.#pingAgain(request.registry, endpoint));
    }
    if (sent.response.status !== 400 || endpoint.base.protocol !== 'http:') return sent;
    await discard(sent.response);
    return sendOn(await this.#pingAgain(request.registry, endpoint));
  }

  /** Records a 401's challenge on the endpoint; false when the answer carries nothing usable. */
  #adoptChallenge(endpoint: Endpoint, response: RegistryResponse): boolean {
    const challenge = pickChallenge(response.headers.get('www-authenticate'));
    if (challenge === undefined) return false;
    endpoint.challenge = challenge;
    return true;
  }

  async #followRedirects(request: RegistryRequest, from: URL, first: RegistryResponse): Promise<RegistryResponse> {
    let response = first;
    let url = from;
    for (let hop = 0; hop < maxRedirects && redirectStatuses.has(response.status); hop++) {
      const location = response.headers.get('location');
      if (location === null) break;
      await discard(response);
      url = new URL(location, url);
      // Storage back-ends (S3, CDNs) sign the URL itself; the registry's credentials must not leak to them.
      response = await this.#send({ ...request, method: request.method === 'HEAD' ? 'HEAD' : 'GET' }, url, undefined, 'redirect');
    }
    return response;
  }

  // Pings, credential look-ups and token fetches are shared by concurrent callers, so they run
  // without any one caller's AbortSignal; the connect and idle timeouts bound them instead.
  #endpoint(registry: string): Promise<Endpoint> {
    let ping = this.#endpoints.get(registry);
    if (ping === undefined) {
      ping = memoize(() => this.#rememberedOrPinged(registry));
      this.#endpoints.set(registry, ping);
    }
    return ping();
  }

  /** The endpoint the content cache remembers, when the connection settings still allow its scheme; else a ping. */
  async #rememberedOrPinged(registry: string): Promise<Endpoint> {
    const remembered = await this.contentCache?.endpoint?.(registry);
    if (remembered !== undefined && this.#pool.connection(registry).schemes.includes(remembered.scheme)) {
      return { base: new URL(`${remembered.scheme}://${registry}/`), challenge: remembered.challenge, remembered: true };
    }
    return this.#ping(registry);
  }

  /** Replaces a remembered endpoint that failed by a fresh ping; requests that failed on the same one share it. */
  #pingAgain(registry: string, stale: Endpoint): Promise<Endpoint> {
    let ping = this.#repings.get(stale);
    if (ping === undefined) {
      ping = memoize(() => this.#ping(registry));
      this.#repings.set(stale, ping);
      this.#endpoints.set(registry, ping);
    }
    return ping();
  }

  async #ping(registry: string): Promise<Endpoint> {
    const probe: RegistryRequest = { registry, method: 'GET', path: '/v2/', scopes: [], expect: [] };
    const endpoint = await pingRegistry(this.#pool.connection(registry).schemes, registry, (url) => this.#send(probe, url, undefined, 'ping'));
    await this.#remember(registry, endpoint);
    return endpoint;
  }

  /** Keeps what a ping (or a later 401) taught about a registry for the next run, when there is a content cache. */
  async #remember(registry: string, endpoint: Endpoint): Promise<void> {
    const scheme = endpoint.base.protocol === 'http:' ? 'http' : 'https';
    // A 401's scope belongs to the request that got it; the next run asks for its own.
    const { scope: _scope, ...params } = endpoint.challenge?.params ?? {};
    const challenge = endpoint.challenge === undefined ? undefined : { scheme: endpoint.challenge.scheme, params };
    await this.contentCache?.putEndpoint?.(registry, { scheme, challenge });
  }

  async #authorization(registry: string, endpoint: Endpoint, scopes: string[]): Promise<string | undefined> {
    const challenge = endpoint.challenge;
    if (challenge === undefined) return undefined;
    const credentials = await this.#credentialsFor(registry);
    if (challenge.scheme === 'basic') return credentials.hasBasic ? basicAuthorization(credentials) : undefined;
    if (credentials.registryToken !== undefined) return `Bearer ${credentials.registryToken}`;
    const key = TokenCache.key(registry, scopes);
    const cached = this.#tokens.get(key);
    if (cached !== undefined) return `Bearer ${cached}`;
    let pending = this.#pendingTokens.get(key);
    if (pending === undefined) {
      pending = this.#fetchToken({ registry, challenge, scopes, credentials, key }).finally(() => this.#pendingTokens.delete(key));
      this.#pendingTokens.set(key, pending);
    }
    return `Bearer ${await pending}`;
  }

  #credentialsFor(registry: string): Promise<Credentials> {
    let resolve = this.#credentials.get(registry);
    if (resolve === undefined) {
      resolve = memoize(() => this.#keychain.resolve(registry));
      this.#credentials.set(registry, resolve);
    }
    return resolve();
  }

  async #fetchToken(ask: { registry: string; challenge: Challenge; scopes: string[]; credentials: Credentials; key: string }): Promise<string> {
    const realm = ask.challenge.params.realm;
    if (realm === undefined) throw new RegistryError(`${ask.registry} sent a Bearer challenge without a realm`, { kind: 'permanent' });
    const http = tokenHttpRequest({ realm, service: ask.challenge.params.service, scopes: ask.scopes, credentials: ask.credentials });
    const request: RegistryRequest = {
      registry: ask.registry,
      method: http.method,
      path: http.url,
      scopes: ask.scopes,
      expect: [200],
      headers: http.headers,
      body: http.body,
    };
    const response = await this.#send(request, http.url, undefined, 'token');
    if (response.status !== 200) throw await responseError(http.method, http.url.href, response);
    const issued = parseTokenResponse(await response.json(), this.#now(), redactUrl(realm));
    this.#tokens.set(ask.key, issued);
    return issued.token;
  }

  async #send(request: RegistryRequest, url: URL, authorization: string | undefined, kind: RequestKind): Promise<RegistryResponse> {
    const headers: Record<string, string> = { 'User-Agent': this.#userAgent, ...request.headers };
    if (authorization !== undefined) headers.Authorization = authorization;
    const body = request.body === undefined ? undefined : this.counters.countSent(request.body);
    const pool = this.#pool;
    const send = (): Promise<RegistryResponse> =>
      exchange(url, {
        method: request.method,
        headers,
        body,
        signal: request.signal,
        agent: pool.agentFor(url),
        connectTimeoutMs: pool.connectTimeoutMs,
        idleTimeoutMs: pool.idleTimeoutMs,
      });
    const started = this.#now();
    const event = { registry: request.registry, kind, method: request.method, url: redactUrl(url), scopes: kind === 'token' ? request.scopes : undefined };
    try {
      // Streamed uploads skip the limiter: their body may itself be a download from this host (a copy),
      // and holding a slot while it waits for another would deadlock. The pusher bounds them instead.
      if (!this.#retried.has(request)) await this.#pause.wait(url.host, request.signal);
      const response = await (isStream(body) ? send() : this.#limiter(url.host)(send));
      this.#pause.observe(url.host, response.status, response.headers.get('retry-after'));
      this.#report({ ...event, status: response.status, durationMs: this.#now() - started });
      return response;
    } catch (error) {
      const failure = this.#failure(request, url, error);
      this.#report({ ...event, error: redactText(failure instanceof Error ? failure.message : String(failure)), durationMs: this.#now() - started });
      throw failure;
    }
  }

  /** What to throw for a request that got no response: the abort reason, an AppError from a body stream, or a connection error. */
  #failure(request: RegistryRequest, url: URL, error: unknown): unknown {
    if (request.signal?.aborted === true) return error;
    // A body stream that failed (a layer whose bytes did not match its digest) is the real cause.
    return appErrorIn(error) ?? connectionError(request.method, url.href, error);
  }

  #report(event: RequestEvent): void {
    this.counters.record(event);
    this.#logger.debug('registry request', { ...event });
    this.#onRequest?.(event);
  }

  #limiter(host: string): HostLimiter {
    let limiter = this.#limiters.get(host);
    if (limiter === undefined) {
      limiter = createLimiter(this.#concurrency);
      this.#limiters.set(host, limiter);
    }
    return limiter;
  }
}

function isStream(body: RequestBody | undefined): boolean {
  return body !== undefined && typeof body !== 'string' && !(body instanceof Uint8Array);
}
