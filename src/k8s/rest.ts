/**
 * One authenticated HTTPS request to the API server: KubeConfig supplies the credentials and the TLS
 * dispatcher; failures become the adapter's AppErrors. Error messages carry the server's `message`
 * field only (a Status object), never request bodies, so Secret data cannot leak into logs.
 */
import { RequestContext, type HttpMethod, type KubeConfig } from '@kubernetes/client-node';
import { fetch, type Dispatcher, type Response } from 'undici';
import { kubeObjectOf } from '../api/index.ts';
import { isArray, isJsonObject, NotFoundError, type AppError } from '../shared/index.ts';
import { ConflictError, ForbiddenError, GoneError, KubeApiError } from './errors.ts';
import type { KubeObject, ObjectList } from './types.ts';

/**
 * One connection pool per configuration: client-node builds a new undici Agent for every request,
 * which would open a new TLS connection each time. Client certificates are therefore read once.
 */
const dispatchers = new WeakMap<KubeConfig, Dispatcher | undefined>();

/** One REST call: path below the server URL, optional query, JSON body and its content type. */
export interface RestRequest {
  method: HttpMethod;
  path: string;
  query?: Record<string, string | undefined>;
  body?: unknown;
  contentType?: string;
  signal?: AbortSignal | undefined;
  /** What the request is about, for error messages (`clusterstores "default"`). */
  what: string;
}

/** Sends `request` and returns the successful response (status < 300); maps failures to AppErrors. */
export async function sendRequest(config: KubeConfig, request: RestRequest): Promise<Response> {
  const url = requestUrl(config, request);
  const context = new RequestContext(url.toString(), request.method);
  // Headers are applied per request (tokens rotate); the connection pool is kept per configuration.
  await config.applySecurityAuthentication(context);
  if (!dispatchers.has(config)) dispatchers.set(config, context.getDispatcher());
  const dispatcher = dispatchers.get(config);
  const headers: Record<string, string> = { ...context.getHeaders(), accept: 'application/json' };
  if (request.body !== undefined) headers['content-type'] = request.contentType ?? 'application/json';
  let response: Response;
  try {
    response = await fetch(url, {
      method: request.method,
      headers,
      body: request.body === undefined ? undefined : JSON.stringify(request.body),
      dispatcher,
      signal: request.signal,
    });
  } catch (error) {
    if (request.signal?.aborted) throw error;
    throw new KubeApiError(`${request.method} ${request.what}: cannot reach the API server`, { cause: error });
  }
  if (response.status < 300) return response;
  throw errorForStatus(response.status, `${request.method} ${request.what}`, await statusMessage(response));
}

function requestUrl(config: KubeConfig, request: RestRequest): URL {
  const cluster = config.getCurrentCluster();
  if (cluster === null) throw new KubeApiError('the kubeconfig has no current cluster', { kind: 'permanent' });
  const url = new URL(cluster.server.replace(/\/$/, '') + request.path);
  for (const [key, value] of Object.entries(request.query ?? {})) if (value !== undefined) url.searchParams.set(key, value);
  return url;
}

/** Sends `request` and parses the JSON response body, for the caller to check. */
export async function requestJson(config: KubeConfig, request: RestRequest): Promise<unknown> {
  const response = await sendRequest(config, request);
  return response.json();
}

function notAnObject(request: RestRequest, part: string): KubeApiError {
  return new KubeApiError(`${request.method} ${request.what}: the API server sent ${part} that is not a Kubernetes object`);
}

/** Sends `request` and reads the response as one object. */
export async function requestObject(config: KubeConfig, request: RestRequest): Promise<KubeObject> {
  return kubeObjectOf(await requestJson(config, request)) ?? throwError(notAnObject(request, 'a response'));
}

/** Sends a list `request`: the items (none when `items` is null) and the list's resourceVersion. */
export async function requestList(config: KubeConfig, request: RestRequest): Promise<ObjectList> {
  const body = await requestJson(config, request);
  if (!isJsonObject(body)) throw notAnObject(request, 'a list');
  const items = body.items ?? [];
  if (!isArray(items)) throw notAnObject(request, 'a list');
  return {
    items: items.map((item, i) => kubeObjectOf(item) ?? throwError(notAnObject(request, `items[${i}]`))),
    resourceVersion: isJsonObject(body.metadata) && typeof body.metadata.resourceVersion === 'string' ? body.metadata.resourceVersion : '',
  };
}

const throwError = (error: Error): never => {
  throw error;
};

/** The AppError for an HTTP status from the API server (or a watch ERROR event's Status code). */
export function errorForStatus(status: number, what: string, message: string): AppError {
  const text = `${what}: ${message || `HTTP ${status}`}`;
  if (status === 404) return new NotFoundError(text);
  if (status === 409) return new ConflictError(text);
  if (status === 401 || status === 403) return new ForbiddenError(text);
  if (status === 410) return new GoneError(text);
  return new KubeApiError(text, { status });
}

// Only the Status object's message is kept; a body that is not a Status is dropped unread.
async function statusMessage(response: Response): Promise<string> {
  try {
    const body: unknown = await response.json();
    return isJsonObject(body) && body.kind === 'Status' && typeof body.message === 'string' ? body.message : '';
  } catch {
    return '';
  }
}
