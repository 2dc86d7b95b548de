/**
 * Per-registry connection settings: which schemes to try, which CAs to trust, whether certificate
 * checks may be skipped, and the undici Agents (connection pools with connect and idle timeouts)
 * that carry the requests. Plain HTTP follows go-containerregistry: HTTPS is always tried first, and
 * HTTP is the fallback only for loopback registries and registries listed as insecure.
 */
import { rootCertificates } from 'node:tls';
import { Agent, type Dispatcher } from 'undici';
import { isLoopbackRegistry } from '../reference.ts';

/** Settings for one registry host. */
export interface RegistryHostSettings {
  /** Allow plain HTTP and accept any TLS certificate. Never implied except by this flag and `insecureRegistries`. */
  insecure?: boolean;
  /** PEM CA certificates trusted for this registry in addition to the system roots. */
  ca?: string | readonly string[];
}

/** Connection options shared by every registry a transport talks to. */
export interface ConnectionOptions {
  /** Registry hosts (`host[:port]`) that may be reached over plain HTTP or with unverified TLS; `*` means every registry. */
  insecureRegistries?: readonly string[];
  /** Settings by registry host. */
  registries?: Readonly<Record<string, RegistryHostSettings>>;
  /** PEM CA certificates trusted for every registry and token server, in addition to the system roots. */
  ca?: string | readonly string[];
  /** Time allowed to open a TCP/TLS connection, in milliseconds. */
  connectTimeoutMs?: number;
  /** Longest silence while waiting for response headers or between body chunks, in milliseconds. */
  idleTimeoutMs?: number;
}

/** Defaults: 30 s to connect; 5 min of silence, since a registry may take long to hash a large upload before answering. */
export const defaultConnectTimeoutMs = 30_000;
export const defaultIdleTimeoutMs = 300_000;

/** How to reach one registry. */
export interface RegistryConnection {
  /** Schemes in the order they are tried. */
  schemes: readonly ('https' | 'http')[];
  dispatcher: Dispatcher;
}

/** Owns the Agents of a transport: one shared pool, plus one per registry that needs its own TLS settings. */
export class ConnectionPool {
  readonly #options: ConnectionOptions;
  readonly #insecure: Set<string>;
  readonly #agents = new Map<string, Dispatcher>();
  readonly #shared: Dispatcher;

  constructor(options: ConnectionOptions = {}) {
    this.#options = options;
    this.#insecure = new Set((options.insecureRegistries ?? []).map((r) => r.toLowerCase()));
    this.#shared = this.#createAgent([], false);
  }

  /** How to reach `registry`: its schemes and the Agent to use. */
  connection(registry: string): RegistryConnection {
    const host = registry.toLowerCase();
    const settings = this.#settings(host, registry);
    const insecure = settings.insecure === true || this.#insecure.has(host) || this.#insecure.has('*');
    const schemes = insecure || isLoopbackRegistry(host) ? (['https', 'http'] as const) : (['https'] as const);
    const ca = asList(settings.ca);
    if (!insecure && ca.length === 0) return { schemes, dispatcher: this.#shared };
    let agent = this.#agents.get(host);
    if (agent === undefined) {
      agent = this.#createAgent(ca, insecure);
      this.#agents.set(host, agent);
    }
    return { schemes, dispatcher: agent };
  }

  /** The Agent for a URL: the registry's own when the URL is on a configured registry, else the shared one. */
  dispatcherFor(url: URL): Dispatcher {
    return this.connection(url.host).dispatcher;
  }

  /** Closes every pool; in-flight requests finish first. */
  async close(): Promise<void> {
    await Promise.all([this.#shared, ...this.#agents.values()].map((agent) => agent.close()));
  }

  #settings(host: string, registry: string): RegistryHostSettings {
    const all = this.#options.registries ?? {};
    return all[host] ?? all[registry] ?? {};
  }

  #createAgent(extraCa: readonly string[], insecure: boolean): Dispatcher {
    const ca = [...asList(this.#options.ca), ...extraCa];
    const agent = new Agent({
      connect: {
        ...(ca.length > 0 ? { ca: [...rootCertificates, ...ca] } : {}),
        rejectUnauthorized: !insecure,
      },
      connectTimeout: this.#options.connectTimeoutMs ?? defaultConnectTimeoutMs,
      headersTimeout: this.#options.idleTimeoutMs ?? defaultIdleTimeoutMs,
      bodyTimeout: this.#options.idleTimeoutMs ?? defaultIdleTimeoutMs,
    });
    return agent.compose(keepAliveAfterHead);
  }
}

/**
 * undici closes an HTTP/1.1 connection after every HEAD, in case a faulty server sends a body
 * anyway; registries answer HEAD as HTTP says, and a rerun is mostly HEADs, each of which would
 * otherwise cost a new connection (and, on TLS, a handshake). A stray body would show as a parse
 * error of the next answer on that connection, a connection failure that the transport retries.
 */
const keepAliveAfterHead: Dispatcher.DispatcherComposeInterceptor = (dispatch) => (options, handler) =>
  dispatch(options.method === 'HEAD' && options.reset === undefined ? { ...options, reset: false } : options, handler);

function asList(value: string | readonly string[] | undefined): string[] {
  if (value === undefined) return [];
  return typeof value === 'string' ? [value] : [...value];
}
