/**
 * A small Docker token server (the Bearer auth that Docker Hub, GHCR and Harbor use) for the real
 * registry's `auth.token` mode. It issues RS256 JWTs whose `x5c` header carries the signing
 * certificate, grants authenticated users what they ask for and anonymous users `pull` only, and
 * records every request so tests can assert which scopes a client asked for.
 */
import { randomUUID, sign } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { pemToBase64Der, type SigningCertificate } from './certs.ts';
import { HarnessError } from './harness-error.ts';

/** One resource access as it appears in a scope and in the token's `access` claim. */
export interface TokenAccess {
  readonly type: string;
  readonly name: string;
  readonly actions: readonly string[];
}

/** One request the token server answered, in arrival order. */
export interface TokenRequest {
  readonly method: 'GET' | 'POST';
  /** The authenticated user, or undefined for an anonymous request (or one with bad credentials). */
  readonly user: string | undefined;
  readonly service: string | undefined;
  /** The scopes exactly as asked, e.g. `repository:test/img:pull,push`. */
  readonly scopes: readonly string[];
  /** What the issued token grants (empty when refused). */
  readonly granted: readonly TokenAccess[];
  /** The HTTP status of the answer: 200, or 401 for bad credentials. */
  readonly status: number;
}

/** Decides which of the asked actions a user gets; the default grants users everything and anonymous `pull` only. */
export type TokenPolicy = (user: string | undefined, asked: TokenAccess) => readonly string[];

/** A policy for credential tests: anonymous gets nothing, user `reader` pull only, every other user what it asks. */
export function readerPullsOnly(user: string | undefined, asked: TokenAccess): readonly string[] {
  if (user === undefined) return [];
  return user === 'reader' ? asked.actions.filter((a) => a === 'pull') : asked.actions;
}

/** Options for `startTokenServer`. */
export interface TokenServerOptions {
  readonly signing: SigningCertificate;
  /** user name → password accepted in Basic credentials and in the OAuth2 password grant. */
  readonly users: Readonly<Record<string, string>>;
  readonly issuer: string;
  readonly service: string;
  readonly policy?: TokenPolicy;
  /** Serve HTTPS with this certificate instead of plain HTTP. */
  readonly tls?: { readonly certPem: string; readonly keyPem: string };
  /** Token lifetime in seconds (default 300). */
  readonly ttlSeconds?: number;
}

/** A running token server; its realm is `url + '/token'`. */
export interface TokenServer {
  readonly url: string;
  readonly realm: string;
  readonly issuer: string;
  readonly service: string;
  /** Every request answered so far, oldest first. */
  requests(): readonly TokenRequest[];
  /** Forgets the recorded requests (tokens already issued stay valid). */
  clearRequests(): void;
  /** Closes the listener and every open connection. */
  stop(): Promise<void>;
}

/** Parses `type:name:actions`; the name may itself contain colons (a registry host with a port). */
export function parseScope(scope: string): TokenAccess | undefined {
  const first = scope.indexOf(':');
  const last = scope.lastIndexOf(':');
  if (first <= 0 || last <= first) return undefined;
  const actions = scope
    .slice(last + 1)
    .split(',')
    .filter((a) => a !== '');
  return { type: scope.slice(0, first), name: scope.slice(first + 1, last), actions };
}

const defaultPolicy: TokenPolicy = (user, asked) => (user === undefined ? asked.actions.filter((a) => a === 'pull') : asked.actions);

function base64url(value: string | Buffer): string {
  return Buffer.from(value).toString('base64url');
}

interface Credentials {
  readonly user: string | undefined;
  readonly valid: boolean;
}

function checkCredentials(users: Readonly<Record<string, string>>, user: string | undefined, password: string | undefined): Credentials {
  if (user === undefined) return { user: undefined, valid: true };
  const valid = Object.hasOwn(users, user) && users[user] === password;
  return { user: valid ? user : undefined, valid };
}

function basicCredentials(request: IncomingMessage): { user?: string; password?: string } {
  const header = request.headers.authorization ?? '';
  if (!header.toLowerCase().startsWith('basic ')) return {};
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? { user: decoded } : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

/** Signs an RS256 JWT in the shape distribution's token verifier expects. */
function issueToken(options: TokenServerOptions, subject: string, access: readonly TokenAccess[]): { token: string; now: number; ttl: number } {
  const now = Math.floor(Date.now() / 1000);
  const ttl = options.ttlSeconds ?? 300;
  const header = { typ: 'JWT', alg: 'RS256', x5c: [pemToBase64Der(options.signing.certPem)] };
  // nbf a little in the past: the registry rejects tokens that are not yet valid by its own clock.
  const claims = { iss: options.issuer, aud: options.service, sub: subject, exp: now + ttl, nbf: now - 10, iat: now, jti: randomUUID(), access };
  const input = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
  const signature = sign('sha256', Buffer.from(input), options.signing.keyPem);
  return { token: `${input}.${base64url(signature)}`, now, ttl };
}

interface TokenAsk {
  readonly method: 'GET' | 'POST';
  readonly credentials: Credentials;
  readonly service: string | undefined;
  readonly scopes: readonly string[];
}

/** Reads a GET (Docker token) or POST (OAuth2 password / refresh_token grant) request. */
async function readAsk(request: IncomingMessage, refreshTokens: ReadonlyMap<string, string>, users: Readonly<Record<string, string>>): Promise<TokenAsk> {
  const url = new URL(request.url ?? '/', 'http://token.invalid');
  if (request.method !== 'POST') {
    const basic = basicCredentials(request);
    return {
      method: 'GET',
      credentials: checkCredentials(users, basic.user, basic.password),
      service: url.searchParams.get('service') ?? undefined,
      scopes: url.searchParams
        .getAll('scope')
        .flatMap((s) => s.split(' '))
        .filter((s) => s !== ''),
    };
  }
  const form = new URLSearchParams(await readBody(request));
  const refreshed = refreshTokens.get(form.get('refresh_token') ?? '');
  const credentials =
    form.get('grant_type') === 'refresh_token'
      ? { user: refreshed, valid: refreshed !== undefined }
      : checkCredentials(users, form.get('username') ?? undefined, form.get('password') ?? undefined);
  const scopes = (form.get('scope') ?? '').split(' ').filter((s) => s !== '');
  return { method: 'POST', credentials, service: form.get('service') ?? undefined, scopes };
}

/** Starts the token server on a free loopback port. */
export async function startTokenServer(options: TokenServerOptions): Promise<TokenServer> {
  const recorded: TokenRequest[] = [];
  const refreshTokens = new Map<string, string>();
  const policy = options.policy ?? defaultPolicy;

  const answer = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    if (!(request.url ?? '').startsWith('/token')) return sendJson(response, 404, { error: 'not found' });
    const ask = await readAsk(request, refreshTokens, options.users);
    const base = { method: ask.method, user: ask.credentials.user, service: ask.service, scopes: ask.scopes };
    if (!ask.credentials.valid) {
      recorded.push({ ...base, granted: [], status: 401 });
      return sendJson(response, 401, { errors: [{ code: 'UNAUTHORIZED', message: 'bad credentials' }] });
    }
    const granted = ask.scopes
      .map(parseScope)
      .filter((a): a is TokenAccess => a !== undefined)
      .map((a) => ({ ...a, actions: policy(ask.credentials.user, a) }));
    recorded.push({ ...base, granted, status: 200 });
    const { token, now, ttl } = issueToken(options, ask.credentials.user ?? '', granted);
    const body: Record<string, unknown> = { token, access_token: token, expires_in: ttl, issued_at: new Date(now * 1000).toISOString() };
    if (ask.method === 'POST' && ask.credentials.user !== undefined) {
      const refresh = randomUUID();
      refreshTokens.set(refresh, ask.credentials.user);
      body.refresh_token = refresh;
    }
    sendJson(response, 200, body);
  };

  const handler = (request: IncomingMessage, response: ServerResponse): void => {
    answer(request, response).catch((error: unknown) => sendJson(response, 500, { error: String(error) }));
  };
  const server: Server = options.tls ? createHttpsServer({ cert: options.tls.certPem, key: options.tls.keyPem }, handler) : createHttpServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) => reject(new HarnessError('token server failed to listen', { cause: error })));
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  const url = `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  return {
    url,
    realm: `${url}/token`,
    issuer: options.issuer,
    service: options.service,
    requests: () => [...recorded],
    clearRequests: () => void recorded.splice(0),
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
