import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Credentials, staticKeychain } from '../auth/index.ts';
import type { RegistryResponse } from './http-exchange.ts';
import type { RequestEvent } from './counters.ts';
import { RegistryError } from './errors.ts';
import { RegistryTransport, type HostLimiter, type TransportOptions } from './transport.ts';
import { FaultServer, type Handler } from './testdata/fault-server.ts';

describe('RegistryTransport against a fault server', () => {
  const server = new FaultServer();
  beforeAll(() => server.start());
  afterAll(() => server.stop());

  const delays: number[] = [];
  const events: RequestEvent[] = [];
  const transport = (options: TransportOptions = {}): RegistryTransport =>
    new RegistryTransport({
      retry: { sleep: (ms) => (delays.push(ms), Promise.resolve()), random: () => 0 },
      onRequest: (event) => events.push(event),
      ...options,
    });
  const reset = (handler: Handler): void => {
    server.handler = handler;
    server.seen.length = 0;
    delays.length = 0;
    events.length = 0;
  };

  it('falls back from https to http for a loopback registry and remembers the scheme', async () => {
    reset((_req, res) => res.end('{}'));
    const client = transport();
    const response = await client.request({ registry: server.host, method: 'GET', path: '/v2/x/tags/list', scopes: [], expect: [200] });
    await response.text();
    expect((await client.baseUrl(server.host)).protocol).toBe('http:');
    expect(events.map((e) => `${e.kind} ${e.url.split(':')[0]} ${e.status ?? 'error'}`)).toEqual(['ping https error', 'ping http 200', 'registry http 200']);
    await client.close();
  });

  it('refuses plain http for a registry that is neither loopback nor insecure', async () => {
    reset((_req, res) => res.end());
    const client = transport({ retry: { maxAttempts: 1 } });
    // `localhost.` is not on the loopback list, but it resolves to the fault server.
    const error = await client
      .request({ registry: `localhost.:${server.host.split(':')[1]}`, method: 'GET', path: '/v2/', scopes: [], expect: [200] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegistryError);
    expect((error as RegistryError).status).toBeUndefined();
    expect(server.seen).toHaveLength(0);
    await client.close();
  });

  it('retries 503 honouring Retry-After, then succeeds', async () => {
    let calls = 0;
    reset((req, res) => {
      if (req.url === '/v2/') return res.end();
      calls++;
      if (calls === 1) return res.writeHead(503, { 'Retry-After': '2' }).end();
      if (calls === 2) return res.writeHead(429).end('{"errors":[{"code":"TOOMANYREQUESTS","message":"slow down"}]}');
      res.end('ok');
    });
    const client = transport();
    const response = await client.request({ registry: server.host, method: 'GET', path: '/v2/a/manifests/x', scopes: [], expect: [200] });
    expect(await response.text()).toBe('ok');
    expect(delays).toEqual([2000, 400]);
    await client.close();
  });

  it('pauses every request to a registry that throttles, not only the throttled one', async () => {
    let calls = 0;
    reset((req, res) => {
      if (req.url === '/v2/') return res.end();
      calls++;
      if (calls === 1) return res.writeHead(429, { 'Retry-After': '3' }).end();
      res.end('ok');
    });
    let release = (): void => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const throttles: Array<[string, number]> = [];
    const client = transport({
      // The throttled request's own retry waits until released, so a second request starts during the pause.
      retry: { sleep: (ms) => (delays.push(ms), delays.length === 1 ? held : Promise.resolve()), random: () => 0 },
      onThrottle: (host, ms) => throttles.push([host, ms]),
    });
    const first = client.request({ registry: server.host, method: 'GET', path: '/v2/a/manifests/x', scopes: [], expect: [200] });
    while (delays.length === 0) await new Promise((resolve) => setImmediate(resolve));
    expect(client.pausedHosts()).toEqual([server.host]);
    const second = await client.request({ registry: server.host, method: 'GET', path: '/v2/b/manifests/y', scopes: [], expect: [200] });
    expect(await second.text()).toBe('ok');
    release();
    expect(await (await first).text()).toBe('ok');
    expect(throttles).toEqual([[server.host, 3000]]);
    // The first request slept its own Retry-After once; the second waited out what was left of the pause.
    expect(delays).toHaveLength(2);
    expect(delays[0]).toBe(3000);
    expect(delays[1]).toBeGreaterThan(2000);
    expect(delays[1]).toBeLessThanOrEqual(3000);
    await client.close();
  });

  it('bounds concurrent requests per host across transports that share their limiters', async () => {
    const held: ServerResponse[] = [];
    const arrivals: string[] = [];
    reset((req, res) => {
      if (req.url === '/v2/') return res.end();
      arrivals.push(req.url ?? '');
      held.push(res);
    });
    const hostLimiters = new Map<string, HostLimiter>();
    const [one, two] = [transport({ concurrency: 1, hostLimiters }), transport({ concurrency: 1, hostLimiters })];
    const get = (client: RegistryTransport, path: string): Promise<RegistryResponse> =>
      client.request({ registry: server.host, method: 'GET', path, scopes: [], expect: [200] });
    const first = get(one, '/v2/a/manifests/1');
    while (held.length === 0) await new Promise((resolve) => setImmediate(resolve));
    const second = get(two, '/v2/b/manifests/2');
    // One limiter for the host, whichever transport asks; the second request reaches the server only once the first is answered.
    expect(hostLimiters.size).toBe(1);
    arrivals.push('answered 1');
    held.shift()?.end('one');
    expect(await (await first).text()).toBe('one');
    while (held.length === 0) await new Promise((resolve) => setImmediate(resolve));
    held.shift()?.end('two');
    expect(await (await second).text()).toBe('two');
    expect(arrivals).toEqual(['/v2/a/manifests/1', 'answered 1', '/v2/b/manifests/2']);
    await Promise.all([one.close(), two.close()]);
  });

  it('gives up after the attempt budget with the last retryable error', async () => {
    reset((req, res) => (req.url === '/v2/' ? res.end() : res.writeHead(500).end()));
    const client = transport({ retry: { maxAttempts: 3 } });
    const error = await client.request({ registry: server.host, method: 'GET', path: '/v2/a/blobs/x', scopes: [], expect: [200] }).catch((e: unknown) => e);
    expect((error as RegistryError).status).toBe(500);
    expect((error as RegistryError).retryable).toBe(true);
    expect(server.seen.filter((s) => s.url === '/v2/a/blobs/x')).toHaveLength(3);
    await client.close();
  });

  it('does not retry 401 and does not resend rejected Basic credentials', async () => {
    reset((_req, res) => res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="r"' }).end());
    const client = transport({ keychain: staticKeychain({ [server.host]: Credentials.of({ username: 'u', password: 'wrong' }) }) });
    const error = await client.request({ registry: server.host, method: 'GET', path: '/v2/a/manifests/x', scopes: [], expect: [200] }).catch((e: unknown) => e);
    expect((error as RegistryError).status).toBe(401);
    expect((error as RegistryError).retryable).toBe(false);
    expect(server.seen.map((s) => s.url)).toEqual(['/v2/', '/v2/a/manifests/x']);
    expect(server.seen[1]!.authorization).toBe(`Basic ${Buffer.from('u:wrong').toString('base64')}`);
    expect(delays).toEqual([]);
    await client.close();
  });

  it('never retries a streamed body', async () => {
    reset((req, res) => (req.url === '/v2/' ? res.end() : res.writeHead(503).end()));
    const client = transport();
    async function* body(): AsyncIterable<Uint8Array> {
      await Promise.resolve();
      yield Buffer.from('streamed');
    }
    const error = await client
      .request({ registry: server.host, method: 'PUT', path: '/v2/a/blobs/uploads/1', scopes: [], expect: [201], body: body() })
      .catch((e: unknown) => e);
    expect((error as RegistryError).status).toBe(503);
    expect(server.seen.filter((s) => s.method === 'PUT')).toHaveLength(1);
    expect(server.seen.at(-1)!.body).toBe('streamed');
    expect(client.counters.totals().bytesSent).toBe(8);
    await client.close();
  });

  it('follows a blob redirect without the Authorization header', async () => {
    reset((req, res) => {
      if (req.url === '/v2/') return res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="r"' }).end();
      if (req.url === '/v2/a/blobs/sha256:1') return res.writeHead(307, { Location: '/storage/blob?sig=abc' }).end();
      res.end('blob bytes');
    });
    const client = transport({ keychain: staticKeychain({ '*': Credentials.of({ username: 'u', password: 'p' }) }) });
    const response = await client.request({
      registry: server.host,
      method: 'GET',
      path: '/v2/a/blobs/sha256:1',
      scopes: [],
      expect: [200],
      followRedirects: true,
    });
    expect(await response.text()).toBe('blob bytes');
    expect(server.seen.slice(1).map((s) => [s.url, s.authorization !== undefined])).toEqual([
      ['/v2/a/blobs/sha256:1', true],
      ['/storage/blob?sig=abc', false],
    ]);
    expect(events.at(-1)).toMatchObject({ kind: 'redirect', url: expect.stringContaining('sig=REDACTED') as unknown });
    await client.close();
  });

  it('stops at once when the caller aborts', async () => {
    // The server never answers /v2/slow by itself: the request can only end through the abort, which comes once the
    // server holds the request. Stopping "at once" means: the caller gets its reason, the held response is still
    // unanswered, the connection is dropped from the client side, and nothing is retried.
    const controller = new AbortController();
    let held: ServerResponse | undefined;
    const dropped = new Promise<void>((resolve) => {
      reset((req, res) => {
        if (req.url === '/v2/') return res.end();
        held = res;
        res.on('close', () => resolve());
        controller.abort(new Error('caller gave up'));
      });
    });
    const client = transport();
    const error = await client
      .request({ registry: server.host, method: 'GET', path: '/v2/slow', scopes: [], expect: [200], signal: controller.signal })
      .catch((e: unknown) => e);
    expect((error as Error).message).toBe('caller gave up');
    expect(held?.writableEnded).toBe(false);
    await dropped;
    expect(server.seen.filter((s) => s.url === '/v2/slow')).toHaveLength(1);
    expect(delays).toEqual([]);
    await client.close();
  });
});
