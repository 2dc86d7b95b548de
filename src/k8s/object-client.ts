/**
 * Whole-object reads and writes for the command line: create, merge-patch and delete our kinds, and
 * read the ConfigMap that holds the CLI's settings. The controller never writes specs; only the CLI
 * (like kubectl or kp) does, so this lives beside the controller's narrower KubeClient.
 */
import { HttpMethod } from '@kubernetes/client-node';
import type { IoOptions } from '../oci/index.ts';
import type { GetRequest, ListRequest } from './client.ts';
import type { KubeConnection } from './config.ts';
import { apiVersionOf, describeObject, resourcePath } from './paths.ts';
import { requestList, requestObject, sendRequest } from './rest.ts';
import { NotFoundError } from '../shared/index.ts';
import type { KubeObject, ResourceKind } from './types.ts';

/** Server-side dry run: the API server validates, defaults and runs admission, but stores nothing. */
export interface WriteOptions extends IoOptions {
  dryRun?: boolean;
}

/** An object to create: `apiVersion` is filled in from the kind when absent. */
export interface CreateRequest extends WriteOptions {
  kind: ResourceKind;
  object: KubeObject;
}

/** A JSON merge patch (RFC 7386) of one object. */
export interface MergePatchRequest extends WriteOptions {
  kind: ResourceKind;
  namespace?: string | undefined;
  name: string;
  patch: Record<string, unknown>;
}

/** The CLI's view of the API server. Failures are the adapter's AppErrors (NotFoundError on 404, ...). */
export interface ObjectClient {
  /** The server URL of the connection, for messages. */
  readonly server: string;
  get(request: GetRequest & IoOptions): Promise<KubeObject>;
  /** One object, or undefined when it does not exist (for create-or-update commands). */
  find(request: GetRequest & IoOptions): Promise<KubeObject | undefined>;
  /** The objects of a kind, in the server's order (by namespace then name). */
  list(request: ListRequest): Promise<KubeObject[]>;
  create(request: CreateRequest): Promise<KubeObject>;
  patch(request: MergePatchRequest): Promise<KubeObject>;
  /** Deletes one object (foreground propagation is left to the server's default). */
  delete(request: GetRequest & IoOptions): Promise<void>;
}

/** An ObjectClient over the server of `connection`, recording `fieldManager` on writes. */
export function createObjectClient(connection: KubeConnection, fieldManager = 'packsmith'): ObjectClient {
  const config = connection.config;
  const writeQuery = (options: WriteOptions): Record<string, string | undefined> => ({ fieldManager, dryRun: options.dryRun === true ? 'All' : undefined });
  return {
    server: connection.server,
    async find(request) {
      try {
        return await requestObject(config, { method: HttpMethod.GET, path: resourcePath(request), signal: request.signal, what: describeObject(request) });
      } catch (error) {
        if (error instanceof NotFoundError) return undefined;
        throw error;
      }
    },
    get: (request) =>
      plainNotFound(
        request,
        requestObject(config, { method: HttpMethod.GET, path: resourcePath(request), signal: request.signal, what: describeObject(request) }),
      ),
    async list(request) {
      const { items } = await requestList(config, {
        method: HttpMethod.GET,
        path: resourcePath(request),
        signal: request.signal,
        what: `list ${describeObject(request)}`,
      });
      return items;
    },
    create(request) {
      const { metadata } = request.object;
      const where = { kind: request.kind, namespace: metadata.namespace };
      const body = { apiVersion: apiVersionOf(request.kind), kind: request.kind, ...request.object };
      return requestObject(config, {
        method: HttpMethod.POST,
        path: resourcePath(where),
        query: writeQuery(request),
        body,
        signal: request.signal,
        what: describeObject({ ...where, name: metadata.name }),
      });
    },
    patch(request) {
      return plainNotFound(
        request,
        requestObject(config, {
          method: HttpMethod.PATCH,
          path: resourcePath(request),
          query: writeQuery(request),
          body: request.patch,
          contentType: 'application/merge-patch+json',
          signal: request.signal,
          what: describeObject(request),
        }),
      );
    },
    async delete(request) {
      const response = await plainNotFound(
        request,
        sendRequest(config, { method: HttpMethod.DELETE, path: resourcePath(request), signal: request.signal, what: describeObject(request) }),
      );
      await response.arrayBuffer();
    },
  };
}

// The REST error names the HTTP verb and path, which reads oddly on a command line; a missing
// object is reported by kind and name instead.
async function plainNotFound<T>(request: { kind: ResourceKind; namespace?: string | undefined; name: string }, pending: Promise<T>): Promise<T> {
  try {
    return await pending;
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
    const where = request.namespace ? ` in namespace "${request.namespace}"` : '';
    throw new NotFoundError(`${request.kind} "${request.name}" not found${where}`, { cause: error });
  }
}
