/**
 * The webhook's HTTPS server: serves the routes, swaps its certificate in place when the source
 * renews or reloads it (no restart, no dropped listener), and hands every new CA bundle to a
 * callback (which patches the webhook configurations and CRDs). Silent unless given a logger.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ReferenceChecks } from '../api/index.ts';
import { byteChunk, listeningPort, messageOf, silentLogger, type Logger } from '../shared/index.ts';
import type { CertificateSource } from './certificate-source.ts';
import { CertificateKeeper } from './certificate-keeper.ts';
import type { UsersLookup } from './protection.ts';
import { routeWebhookRequest, type RouteContext } from './routes.ts';

/** Options of `startWebhookServer`. */
export interface WebhookServerOptions {
  /** Address to listen on; default `0.0.0.0` (in a pod), use `127.0.0.1` in tests. */
  host?: string;
  /** Port; 0 picks a free one (see `WebhookServer.port`). */
  port: number;
  certificates: CertificateSource;
  referenceChecks: ReferenceChecks;
  /** Which builders use an object, for in-use protection on `/protect`. */
  usersOf: UsersLookup;
  logger?: Logger;
  /**
   * Receives the CA bundle at start and after every CA change; a failure is retried at the next
   * refresh. A certificate from a new CA is served only from the refresh after this succeeded.
   */
  onCaBundle?: (caBundle: string) => Promise<void>;
  /** How often the certificate source is asked to renew or reload; default ten minutes. */
  refreshIntervalMs?: number;
  now?: () => Date;
}

/** A running webhook server. */
export interface WebhookServer {
  readonly port: number;
  /** `https://<host>:<port>`. */
  readonly url: string;
  /** The CA bundle clients should trust, when the certificate source knows it. */
  caBundle(): string | undefined;
  /** Asks the certificate source now (the timer does this periodically). */
  refresh(): Promise<void>;
  /** Stops listening and closes open connections. */
  close(): Promise<void>;
}

// The API server sends whole lists in one ConversionReview; objects are at most ~1.5 MB each.
const maxBodyBytes = 64 * 1024 * 1024;

async function readJsonBody(request: IncomingMessage): Promise<unknown> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const data of request) {
    const chunk = byteChunk(data);
    size += chunk.length;
    if (size > maxBodyBytes) throw new RangeError(`request body over ${maxBodyBytes} bytes`);
    chunks.push(chunk);
  }
  if (size === 0) return undefined;
  const body: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  return body;
}

function send(response: ServerResponse, status: number, body: unknown): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  response.writeHead(status, { 'Content-Type': typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json' });
  response.end(text);
}

async function handle(request: IncomingMessage, response: ServerResponse, context: RouteContext & { logger: Logger }): Promise<void> {
  const path = new URL(request.url ?? '/', 'https://webhook').pathname;
  let body: unknown;
  try {
    body = await readJsonBody(request);
  } catch (error) {
    send(response, 400, `unreadable body: ${messageOf(error)}`);
    return;
  }
  try {
    const result = await routeWebhookRequest(request.method ?? 'GET', path, body, context);
    if (result.status !== 200) context.logger.warn('webhook request refused', { path, status: result.status, reason: result.body });
    send(response, result.status, result.body);
  } catch (error) {
    context.logger.error('webhook request failed', { path, error: messageOf(error) });
    send(response, 500, 'internal error');
  }
}

/** Starts the server once the first certificate is ready; resolves when it listens. */
export async function startWebhookServer(options: WebhookServerOptions): Promise<WebhookServer> {
  const logger = options.logger ?? silentLogger;
  const keeper = new CertificateKeeper({ certificates: options.certificates, onCaBundle: options.onCaBundle, logger, now: options.now ?? (() => new Date()) });
  await keeper.refresh();
  const material = keeper.serving!;
  const context = { referenceChecks: options.referenceChecks, usersOf: options.usersOf, logger };
  // Loaded here, not at the top, for the reason given in controller/http.ts's startEndpoints.
  const { createServer } = await import('node:https');
  const server = createServer({ cert: material.certPem, key: material.keyPem }, (request, response) => {
    void handle(request, response, context);
  });
  keeper.attach((next) => server.setSecureContext({ cert: next.certPem, key: next.keyPem }));
  const host = options.host ?? '0.0.0.0';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => resolve());
  });
  const timer = setInterval(() => {
    keeper.refresh().catch((error: unknown) => logger.error('certificate refresh failed', { error: messageOf(error) }));
  }, options.refreshIntervalMs ?? 600_000);
  timer.unref();
  const port = listeningPort(server.address());
  return {
    port,
    url: `https://${host.includes(':') ? `[${host}]` : host}:${port}`,
    caBundle: () => keeper.caBundle(),
    refresh: () => keeper.refresh(),
    close: async () => {
      clearInterval(timer);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
