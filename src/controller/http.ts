/**
 * The controller's plain-HTTP endpoints: `/healthz` (the process is serving), `/readyz` (caches
 * synced; a standby that is not the leader is ready too: it is healthy, only idle) and `/metrics`.
 * Health and metrics may share a port or use two.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { AppError, listeningPort, messageOf } from '../shared/index.ts';
import type { ControllerMetrics } from './metrics.ts';

/** What the endpoints report. */
export interface EndpointState {
  ready(): boolean;
  metrics?: ControllerMetrics;
}

/** A listening server. */
export interface EndpointServer {
  /** The port it listens on (useful with port 0). */
  readonly port: number;
  close(): Promise<void>;
}

type Route = 'health' | 'metrics';

function health(state: EndpointState, path: string, response: ServerResponse): boolean {
  if (path === '/healthz') {
    response.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
    return true;
  }
  if (path !== '/readyz') return false;
  const ready = state.ready();
  response.writeHead(ready ? 200 : 503, { 'content-type': 'text/plain' }).end(ready ? 'ok\n' : 'caches not synced\n');
  return true;
}

async function answer(state: EndpointState, routes: ReadonlySet<Route>, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const path = (request.url ?? '/').split('?')[0] ?? '/';
  if (routes.has('health') && health(state, path, response)) return;
  if (routes.has('metrics') && path === '/metrics' && state.metrics) {
    const { body, contentType } = await state.metrics.render();
    response.writeHead(200, { 'content-type': contentType }).end(body);
    return;
  }
  response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', (error) => reject(new AppError('LISTEN', `cannot listen on ${host}:${port}: ${messageOf(error)}`, { cause: error })));
    server.listen(port, host, () => resolve(listeningPort(server.address())));
  });
}

/** Starts one server answering the given routes on `host:port`. */
export async function startEndpoints(options: { host: string; port: number; routes: readonly Route[]; state: EndpointState }): Promise<EndpointServer> {
  const routes = new Set(options.routes);
  // Loaded here, not at the top: a static import of node:http also loads Node's own fetch
  // (undici) for its exports, which every CLI command that bundles this module then pays for.
  const { createServer } = await import('node:http');
  const server = createServer((request, response) => {
    answer(options.state, routes, request, response).catch((error: unknown) => {
      response.writeHead(500, { 'content-type': 'text/plain' }).end(`${messageOf(error)}\n`);
    });
  });
  const port = await listen(server, options.host, options.port);
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
