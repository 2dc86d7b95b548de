/**
 * Typed registry failures and the redaction every message goes through. A RegistryError carries the
 * HTTP status (absent for connection-level failures), the OCI error codes from the response body and
 * its kind (shared/error-kind.ts): connection-level faults, 408, 429 and 5xx are transient; a 404 is a
 * missing dependency (the image may be pushed later); 401, 403 and other 4xx are permanent
 * (packsmith's difference D-a from kpack).
 */
import {
  AppError,
  isAppError,
  isArray,
  isJsonObject,
  isTransientNetworkError,
  kindOfHttpStatus,
  networkErrorCode,
  type AppErrorOptions,
  type ErrorKind,
} from '../../shared/index.ts';

/** One entry of the `errors` array of a distribution error body. */
export interface OciErrorEntry {
  code: string;
  message: string;
}

/** What a RegistryError knows beyond its message. */
export interface RegistryErrorOptions extends AppErrorOptions {
  /** HTTP status of the failed response; undefined when no response arrived. */
  status?: number;
  /** Error codes and messages from the response body (`MANIFEST_UNKNOWN`, `DENIED`, …). */
  errors?: readonly OciErrorEntry[];
  /** The request, already redacted. */
  method?: string;
  url?: string;
  /** What the registry asked for in `Retry-After`, in milliseconds. */
  retryAfterMs?: number;
}

/** Stable AppError codes of registry failures, by HTTP status where one applies. */
export const registryErrorCodes = {
  unauthorized: 'REGISTRY_UNAUTHORIZED',
  forbidden: 'REGISTRY_FORBIDDEN',
  notFound: 'REGISTRY_NOT_FOUND',
  http: 'REGISTRY_HTTP',
  connection: 'REGISTRY_CONNECTION',
} as const;

/** A registry request that failed: an error response, or no response at all (`status` undefined). */
export class RegistryError extends AppError {
  readonly status: number | undefined;
  readonly errors: readonly OciErrorEntry[];
  readonly method: string | undefined;
  readonly url: string | undefined;
  /** The delay the registry asked for (429/503 `Retry-After`), in milliseconds; undefined when it named none. */
  readonly retryAfterMs: number | undefined;

  constructor(message: string, options: RegistryErrorOptions = {}) {
    super(codeFor(options.status), redactText(message), {
      cause: options.cause,
      kind: options.kind ?? kindOfRegistryStatus(options.status),
    });
    this.status = options.status;
    this.errors = options.errors ?? [];
    this.method = options.method;
    this.url = options.url === undefined ? undefined : redactUrl(options.url);
    this.retryAfterMs = options.retryAfterMs;
  }

  /** True for 404, the answer that means "this manifest, blob or repository does not exist". */
  get isNotFound(): boolean {
    return this.status === 404;
  }

  /** True for 401 and 403: credentials are missing, wrong or insufficient; retrying will not help. */
  get isAuthFailure(): boolean {
    return this.status === 401 || this.status === 403;
  }
}

function codeFor(status: number | undefined): string {
  if (status === undefined) return registryErrorCodes.connection;
  if (status === 401) return registryErrorCodes.unauthorized;
  if (status === 403) return registryErrorCodes.forbidden;
  if (status === 404) return registryErrorCodes.notFound;
  return registryErrorCodes.http;
}

/** The kind of a registry answer: a 404 is a missing dependency, otherwise the general HTTP rule. */
export function kindOfRegistryStatus(status: number | undefined): ErrorKind {
  if (status === 404) return 'missing-dependency';
  return kindOfHttpStatus(status) ?? 'permanent';
}

/** Wraps a failure that produced no HTTP response; certificate and protocol errors are permanent. */
export function connectionError(method: string, url: string, cause: unknown): RegistryError {
  const code = networkErrorCode(cause);
  const detail = describeCause(cause);
  const hint = connectionHint(code, detail, url);
  return new RegistryError(`${method} ${redactUrl(url)}: ${detail}${code && !detail.includes(code) ? ` (${code})` : ''}${hint ? `; ${hint}` : ''}`, {
    method,
    url,
    cause,
    kind: isTransientNetworkError(cause) ? 'transient' : 'permanent',
  });
}

const certificateCodes = [
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
];

/** What to try next for each kind of failure below HTTP, by the error codes that signal it. */
const connectionHints: ReadonlyArray<{ codes: readonly string[]; hint: (host: string) => string }> = [
  { codes: ['ENOTFOUND', 'EAI_AGAIN'], hint: (host) => `cannot resolve ${host}: check the name, DNS and proxy settings (HTTPS_PROXY), or use a mirror` },
  {
    codes: ['ECONNREFUSED'],
    hint: (host) => `nothing accepts connections at ${host}: is the registry running there? (a plain-HTTP registry also needs --insecure-registry ${host})`,
  },
  {
    codes: ['ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT'],
    hint: (host) => `no answer from ${host}: check the network, a firewall or proxy (HTTPS_PROXY), or use a mirror`,
  },
  {
    codes: certificateCodes,
    hint: (host) =>
      `the TLS certificate of ${host} is not trusted: add its CA (NODE_EXTRA_CA_CERTS, or --registry-ca-cert-path), or use --insecure-registry ${host}`,
  },
  {
    codes: ['EPROTO', 'ERR_SSL_WRONG_VERSION_NUMBER'],
    hint: (host) => `${host} does not speak TLS there: a plain-HTTP registry needs --insecure-registry ${host}`,
  },
];

/** What to try next for a failure below HTTP, naming the host (the URL's host only: never credentials). */
function connectionHint(code: string | undefined, detail: string, url: string): string | undefined {
  const host = URL.canParse(url) ? new URL(url).host : undefined;
  if (host === undefined) return undefined;
  // OpenSSL reports a plain-HTTP answer to a TLS hello in its message, under varying codes.
  const effective = /wrong version number|packet length too long/i.test(detail) ? 'EPROTO' : code;
  return connectionHints.find((entry) => effective !== undefined && entry.codes.includes(effective))?.hint(host);
}

function describeCause(cause: unknown): string {
  const messages: string[] = [];
  let current: unknown = cause;
  for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
    if (current.message && current.message !== 'fetch failed') messages.push(current.message);
    current = current.cause;
  }
  return messages.length > 0 ? messages.join(': ') : 'connection failed';
}

/** Largest error body read for its OCI error codes; registries keep these small. */
const maxErrorBodyBytes = 64 * 1024;

/** The minimal response shape read here, so that callers may pass undici's or the global Response. */
export interface ErrorResponse {
  status: number;
  statusText: string;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
}

/** Builds the RegistryError for an unexpected HTTP response, reading (a bounded part of) its JSON error body. */
export async function responseError(method: string, url: string, response: ErrorResponse): Promise<RegistryError> {
  const errors = method === 'HEAD' ? [] : parseErrorBody(await readBoundedText(response));
  const summary = errors.map((e) => (e.message ? `${e.code}: ${e.message}` : e.code)).join('; ');
  const status = `${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
  return new RegistryError(`${method} ${redactUrl(url)}: ${status}${summary ? `: ${summary}` : ''}`, {
    status: response.status,
    errors,
    method,
    url,
    retryAfterMs: parseRetryAfter(response.headers.get('retry-after')),
  });
}

/** `Retry-After` as milliseconds from now: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

async function readBoundedText(response: ErrorResponse): Promise<string> {
  const length = Number(response.headers.get('content-length') ?? '0');
  if (length > maxErrorBodyBytes) return '';
  try {
    return (await response.text()).slice(0, maxErrorBodyBytes);
  } catch {
    return '';
  }
}

/** Reads `{ errors: [{ code, message }] }`; anything else yields an empty list. Messages are truncated and redacted. */
export function parseErrorBody(text: string): OciErrorEntry[] {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return [];
  }
  const list = isJsonObject(body) ? body.errors : undefined;
  if (!isArray(list)) return [];
  return list.slice(0, 10).flatMap((entry) => {
    if (!isJsonObject(entry)) return [];
    const { code, message } = entry;
    if (typeof code !== 'string') return [];
    return [{ code: code.slice(0, 64), message: typeof message === 'string' ? redactText(message.slice(0, 200)) : '' }];
  });
}

/** A URL with user info removed and every query value replaced (upload `_state`, tokens, signatures). */
export function redactUrl(url: string | URL): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return redactText(String(url));
  }
  parsed.username = '';
  parsed.password = '';
  for (const key of [...new Set(parsed.searchParams.keys())]) {
    if (!safeQueryKeys.has(key)) parsed.searchParams.set(key, 'REDACTED');
  }
  return parsed.toString();
}

/** Query parameters whose values are harmless and useful in messages. */
const safeQueryKeys = new Set(['digest', 'mount', 'from', 'n', 'last', 'service', 'scope']);

const secretPatterns: ReadonlyArray<[RegExp, string]> = [
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, '$1 REDACTED'],
  [/\b(_state|access_token|refresh_token|token|password|X-Amz-Signature|sig|signature)=[^&\s"']+/gi, '$1=REDACTED'],
  [/\beyJ[A-Za-z0-9_-]{8,}(\.[A-Za-z0-9_-]*){0,2}/g, 'REDACTED'],
  [/(\/\/)[^/@\s:]+:[^/@\s]+@/g, '$1'],
];

/** Removes credentials, tokens and upload state from free text (messages from undici, registries, token servers). */
export function redactText(text: string): string {
  let result = text;
  for (const [pattern, replacement] of secretPatterns) result = result.replace(pattern, replacement);
  return result;
}

/** Headers with `Authorization` (and cookies) replaced, for logging a request. */
export function redactHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    result[name] = /^(authorization|proxy-authorization|cookie|set-cookie)$/i.test(name) ? 'REDACTED' : value;
  }
  return result;
}

/** The first AppError along a cause chain (undici wraps body-stream failures in `fetch failed`). */
export function appErrorIn(error: unknown): AppError | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    if (isAppError(current)) return current;
    current = current.cause;
  }
  return undefined;
}
