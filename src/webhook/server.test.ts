import { request } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { basicReferenceChecks } from '../api/index.ts';
import { generatedCertificateSource } from './certificate-source.ts';
import { startWebhookServer, type WebhookServer } from './server.ts';

interface Answer {
  status: number;
  body: string;
  serial: string;
}

async function call(server: WebhookServer, path: string, options: { body?: unknown; ca: string }): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${server.url}${path}`,
      { method: options.body === undefined ? 'GET' : 'POST', ca: options.ca, agent: false, headers: { 'Content-Type': 'application/json' } },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.once('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body,
            serial: res.socket && 'getPeerCertificate' in res.socket ? (res.socket as TLSSocket).getPeerCertificate().serialNumber : '',
          }),
        );
      },
    );
    req.once('error', reject);
    req.end(options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body));
  });
}

const day = 86_400_000;
let server: WebhookServer | undefined;
afterEach(async () => server?.close());

describe('startWebhookServer', () => {
  it('serves health and reviews over TLS trusted through its own CA bundle', async () => {
    const published: string[] = [];
    server = await startWebhookServer({
      host: '127.0.0.1',
      port: 0,
      certificates: generatedCertificateSource(['127.0.0.1']),
      referenceChecks: basicReferenceChecks,
      usersOf: async () => Promise.resolve([]),
      onCaBundle: (bundle) => Promise.resolve(void published.push(bundle)),
    });
    const ca = server.caBundle()!;
    expect(published).toEqual([ca]);
    expect(await call(server, '/healthz', { ca })).toMatchObject({ status: 200, body: 'ok' });
    const review = {
      apiVersion: 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      request: {
        uid: 'x',
        operation: 'CREATE',
        object: { apiVersion: 'kpack.io/v1alpha2', kind: 'ClusterStack', metadata: { name: 's' }, spec: { id: 'io.stack' } },
      },
    };
    const answer = await call(server, '/validate', { ca, body: review });
    expect(answer.status).toBe(200);
    const response = (JSON.parse(answer.body) as { response: { allowed: boolean; status: { message: string } } }).response;
    expect(response.allowed).toBe(false);
    expect(response.status.message).toContain('missing field(s): spec.buildImage.image');
    expect(await call(server, '/validate', { ca, body: '{not json' })).toMatchObject({
      status: 400,
      body: expect.stringMatching(/^unreadable body/) as unknown,
    });
  });

  it('swaps in a renewed certificate without restarting and republishes a renewed CA, retrying failures', async () => {
    // Every certificate must be valid at the real time too, since the TLS client checks it.
    const real = Date.now();
    let now = new Date(real - 25 * day);
    let failNext = false;
    const published: string[] = [];
    server = await startWebhookServer({
      host: '127.0.0.1',
      port: 0,
      certificates: generatedCertificateSource(['127.0.0.1'], { caValidityMs: 36 * day, servingValidityMs: 30 * day }),
      referenceChecks: basicReferenceChecks,
      usersOf: async () => Promise.resolve([]),
      now: () => now,
      onCaBundle: async (bundle) => {
        if (failNext) {
          failNext = false;
          throw new Error('apiserver unavailable');
        }
        published.push(bundle);
        return Promise.resolve();
      },
    });
    const firstCa = server.caBundle()!;
    const first = await call(server, '/healthz', { ca: firstCa });

    now = new Date(now.getTime() + 21 * day);
    await server.refresh();
    const renewed = await call(server, '/healthz', { ca: firstCa });
    expect(renewed.status).toBe(200);
    expect(renewed.serial).not.toBe(first.serial);
    expect(published).toHaveLength(1);

    now = new Date(real);
    failNext = true;
    await server.refresh();
    expect(published).toHaveLength(1);
    // The new CA is not published yet, so the certificate it signed is not served yet either.
    expect((await call(server, '/healthz', { ca: firstCa })).serial).toBe(renewed.serial);
    await server.refresh();
    expect(published).toHaveLength(2);
    const bundle = server.caBundle()!;
    expect(published[1]).toBe(bundle);
    expect(bundle.endsWith(firstCa)).toBe(true);
    expect((await call(server, '/healthz', { ca: firstCa })).serial).toBe(renewed.serial);
    // One refresh after publishing, the certificate from the new CA goes into force.
    await server.refresh();
    const newCaOnly = bundle.slice(0, bundle.length - firstCa.length);
    const rotated = await call(server, '/healthz', { ca: newCaOnly });
    expect(rotated.status).toBe(200);
    expect(rotated.serial).not.toBe(renewed.serial);
    expect(published).toHaveLength(2);
  });
});
