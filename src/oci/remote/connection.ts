/**
 * Per-registry connection settings: which schemes to try, which CAs to trust, whether certificate
 * checks may be skipped, and the keep-alive Agents of Node's HTTP client (http-exchange.ts) that
 * carry the requests. Plain HTTP follows go-containerregistry: HTTPS is always tried first, and
 * HTTP is the fallback only for loopback registries and registries listed as insecure.
 */
import type { Agent as HttpAgent } from 'node:http';
import type { Agent as HttpsAgent } from 'node:https';
import { rootCertificates } from 'node:tls';
import { isLoopbackRegistry } from '../reference.ts';
import { httpModule, httpsModule } from './http-exchange.ts';

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
  /** The Agent for a URL of that registry, by its scheme. */
  agentFor(url: URL): HttpAgent | HttpsAgent;
}

/** The Agents for one set of TLS settings, created on first use. */
class AgentPair {
  readonly #tls: { ca: readonly string[]; insecure: boolean };
  #http: HttpAgent | undefined;
  #https: HttpsAgent | undefined;

  constructor(tls: { ca: readonly string[]; insecure: boolean }) {
    this.#tls = tls;
  }

  agentFor(url: URL): HttpAgent | HttpsAgent {
    if (url.protocol !== 'https:') return (this.#http ??= new (httpModule().Agent)({ keepAlive: true }));
    const { ca, insecure } = this.#tls;
    return (this.#https ??= new (httpsModule().Agent)({
      keepAlive: true,
      ...(ca.length > 0 ? { ca: [...rootCertificates, ...ca] } : {}),
      rejectUnauthorized: !insecure,
    }));
  }

  /** Ends the idle connections; one still in use ends when the registry or the process closes it (idle ones do not hold the process). */
  close(): void {
    for (const agent of [this.#http, this.#https]) {
      for (const sockets of Object.values(agent?.freeSockets ?? {})) for (const socket of sockets ?? []) socket.destroy();
    }
  }
}

/** Owns the Agents of a transport: one shared pair, plus one per registry that needs its own TLS settings. */
export class ConnectionPool {
  readonly #options: ConnectionOptions;
  readonly #insecure: Set<string>;
  readonly #agents = new Map<string, AgentPair>();
  readonly #shared: AgentPair;

  constructor(options: ConnectionOptions = {}) {
    this.#options = options;
    this.#insecure = new Set((options.insecureRegistries ?? []).map((r) => r.toLowerCase()));
    this.#shared = this.#createAgents([], false);
  }

  /** Time allowed to open a connection, in milliseconds. */
  get connectTimeoutMs(): number {
    return this.#options.connectTimeoutMs ?? defaultConnectTimeoutMs;
  }

  /** Longest silence while waiting for an answer or between body chunks, in milliseconds. */
  get idleTimeoutMs(): number {
    return this.#options.idleTimeoutMs ?? defaultIdleTimeoutMs;
  }

  /** How to reach `registry`: its schemes and the Agent to use. */
  connection(registry: string): RegistryConnection {
    const host = registry.toLowerCase();
    const settings = this.#settings(host, registry);
    const insecure = settings.insecure === true || this.#insecure.has(host) || this.#insecure.has('*');
    const schemes = insecure || isLoopbackRegistry(host) ? (['https', 'http'] as const) : (['https'] as const);
    const pair = this.#agentsFor(host, asList(settings.ca), insecure);
    return { schemes, agentFor: (url) => pair.agentFor(url) };
  }

  /** The shared Agents, or the registry's own when it needs other TLS settings. */
  #agentsFor(host: string, ca: readonly string[], insecure: boolean): AgentPair {
    if (!insecure && ca.length === 0) return this.#shared;
    let pair = this.#agents.get(host);
    if (pair === undefined) {
      pair = this.#createAgents(ca, insecure);
      this.#agents.set(host, pair);
    }
    return pair;
  }

  /** The Agent for a URL: the registry's own when the URL is on a configured registry, else the shared one. */
  agentFor(url: URL): HttpAgent | HttpsAgent {
    return this.connection(url.host).agentFor(url);
  }

  /** Closes the idle connections of every Agent. */
  close(): Promise<void> {
    for (const pair of [this.#shared, ...this.#agents.values()]) pair.close();
    return Promise.resolve();
  }

  #settings(host: string, registry: string): RegistryHostSettings {
    const all = this.#options.registries ?? {};
    return all[host] ?? all[registry] ?? {};
  }

  #createAgents(extraCa: readonly string[], insecure: boolean): AgentPair {
    return new AgentPair({ ca: [...asList(this.#options.ca), ...extraCa], insecure });
  }
}

function asList(value: string | readonly string[] | undefined): string[] {
  if (value === undefined) return [];
  return typeof value === 'string' ? [value] : [...value];
}
