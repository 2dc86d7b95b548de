/** One HTTPS request to a test kube-apiserver, trusting its certificate file and sending a bearer token. */
import { readFile } from 'node:fs/promises';
import { request as httpsRequest } from 'node:https';
import { HarnessError } from './harness-error.ts';

/** A request to the apiserver: `path` includes any query; `body` objects are sent as JSON. */
export interface KubeRequest {
  path: string;
  method?: string;
  body?: unknown;
  /** Defaults to application/json; use e.g. application/merge-patch+json for PATCH. */
  contentType?: string;
  /** Another bearer token than the admin's (e.g. from `userTokens`). */
  token?: string;
}

/** Status code and text body of an apiserver response. */
export interface KubeResponse {
  status: number;
  body: string;
}

/** Where to send a request and how to trust and authenticate to the server. */
export interface KubeEndpoint {
  server: string;
  caFile: string;
  token: string;
}

/** Sends one request; rejects only on connection or TLS failure, never on an HTTP status. */
export async function kubeRequest(endpoint: KubeEndpoint, request: KubeRequest): Promise<KubeResponse> {
  // Read each time: during start-up the file appears only once the apiserver has written it.
  const ca = await readFile(endpoint.caFile, 'utf8');
  const body = request.body === undefined ? undefined : typeof request.body === 'string' ? request.body : JSON.stringify(request.body);
  const headers: Record<string, string> = { Authorization: `Bearer ${request.token ?? endpoint.token}`, Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = request.contentType ?? 'application/json';
  return new Promise((resolve, reject) => {
    const req = httpsRequest(new URL(request.path, endpoint.server), { method: request.method ?? 'GET', ca, headers, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.once('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      res.once('error', reject);
    });
    req.setTimeout(30_000, () => req.destroy(new HarnessError(`${request.path}: no answer within 30 s`)));
    req.once('error', reject);
    req.end(body);
  });
}
