import { createHash } from 'node:crypto';
import { Agent } from 'node:http';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { exchange, type Exchange } from './http-exchange.ts';

let server: Server;
let base: URL;
let connections = 0;
let handle: (req: IncomingMessage, res: ServerResponse, body: Buffer) => void = (_req, res) => res.end();
const agent = new Agent({ keepAlive: true });

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => handle(req, res, Buffer.concat(chunks)));
  });
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
});

afterAll(async () => {
  agent.destroy();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  connections = 0;
  agent.destroy();
});

const send = (path: string, options: Partial<Exchange> = {}) =>
  exchange(new URL(path, base), { method: 'GET', headers: {}, agent, connectTimeoutMs: 5_000, idleTimeoutMs: 5_000, ...options });

describe('exchange', () => {
  it('keeps one connection for a run of HEADs whose bodies nobody reads', async () => {
    handle = (_req, res) => res.writeHead(200, { 'Content-Length': '1234', 'Docker-Content-Digest': 'sha256:abc' }).end();
    for (let i = 0; i < 5; i++) {
      const response = await send('/v2/a/manifests/1', { method: 'HEAD' });
      expect(response.headers.get('docker-content-digest')).toBe('sha256:abc');
    }
    expect(connections).toBe(1);
  });

  it('streams a body given as chunks, in order, and reads the answer as text, JSON or bytes', async () => {
    handle = (req, res, body) => res.end(JSON.stringify({ method: req.method, sha256: createHash('sha256').update(body).digest('hex'), size: body.length }));
    const chunks = Array.from({ length: 64 }, (_v, i) => Buffer.alloc(64 * 1024, i));
    async function* upload(): AsyncGenerator<Uint8Array> {
      for (const chunk of chunks) {
        await new Promise((resolve) => setImmediate(resolve)); // a source slower than the socket at times
        yield chunk;
      }
    }
    const response = await send('/upload', { method: 'PUT', body: upload() });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ method: 'PUT', sha256: createHash('sha256').update(Buffer.concat(chunks)).digest('hex'), size: 64 * 64 * 1024 });
    expect(await (await send('/bytes', { method: 'POST', body: 'abc' })).text()).toContain('"size":3');
  });

  it('joins a repeated header as fetch does and answers null for a missing one', async () => {
    handle = (_req, res) => {
      res.setHeader('WWW-Authenticate', ['Basic realm="a"', 'Bearer realm="b"']);
      res.end();
    };
    const response = await send('/v2/');
    expect(response.headers.get('www-authenticate')).toBe('Basic realm="a", Bearer realm="b"');
    expect(response.headers.get('location')).toBeNull();
  });

  it('fails with IDLE_TIMEOUT when the server sends nothing, and with the abort reason when aborted', async () => {
    const held: ServerResponse[] = [];
    handle = (_req, res) => held.push(res);
    await expect(send('/stall', { idleTimeoutMs: 50 })).rejects.toMatchObject({ code: 'IDLE_TIMEOUT' });
    const controller = new AbortController();
    const pending = send('/stall', { signal: controller.signal });
    while (held.length < 2) await new Promise((resolve) => setImmediate(resolve));
    controller.abort(new Error('stopped by the caller'));
    await expect(pending).rejects.toThrow('stopped by the caller');
    for (const res of held) res.destroy();
  });

  it('ends a body the server cuts short with ECONNRESET, which the retry rules take as transient', async () => {
    handle = (_req, res) => {
      res.writeHead(200, { 'Content-Length': '100' });
      res.write('only part');
      setImmediate(() => res.destroy());
    };
    const response = await send('/cut');
    await expect(response.arrayBuffer()).rejects.toMatchObject({ code: 'ECONNRESET' });
  });
});
