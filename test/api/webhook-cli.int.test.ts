// `packsmith webhook` as a process: it generates its certificate (or serves given files), answers
// /healthz and reviews over TLS, writes its CA bundle for clients, logs JSON, and stops on SIGTERM.
import { X509Certificate } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCertificateAuthority, issueServingCertificate } from '../../src/webhook/index.ts';
import { freePort, removeDir, scratchDir, startProcess, waitUntil, type ManagedProcess } from '../harness/index.ts';

const cli = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
let dir: string;
const started: ManagedProcess[] = [];

beforeAll(async () => {
  dir = await scratchDir('webhook-cli');
});

afterAll(async () => {
  await Promise.all(started.map(async (p) => p.stop()));
  await removeDir(dir);
});

async function post(url: string, ca: string, body?: unknown): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: body === undefined ? 'GET' : 'POST', ca, agent: false, headers: { 'Content-Type': 'application/json' } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.once('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.once('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

async function startWebhook(name: string, args: readonly string[]): Promise<{ process: ManagedProcess; url: string }> {
  const port = await freePort();
  const child = startProcess({
    command: process.execPath,
    args: [cli, 'webhook', '--host', '127.0.0.1', '--port', String(port), ...args],
    logFile: join(dir, `${name}.log`),
  });
  started.push(child);
  await waitUntil(async () => (await child.log()).includes('listening on'), { timeoutMs: 20_000, describe: async () => child.log() });
  return { process: child, url: `https://127.0.0.1:${port}` };
}

describe('packsmith webhook', () => {
  it('serves with a generated certificate trusted through --ca-bundle-file, and stops on SIGTERM', async () => {
    const caFile = join(dir, 'ca.pem');
    const { process: child, url } = await startWebhook('generated', ['--ca-bundle-file', caFile, '--service', 'hook', '--namespace', 'builds']);
    const ca = await readFile(caFile, 'utf8');
    expect((await post(`${url}/healthz`, ca)).body).toBe('ok');
    const review = {
      apiVersion: 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      request: {
        uid: 'cli',
        operation: 'CREATE',
        object: { apiVersion: 'kpack.io/v1alpha2', kind: 'Buildpack', metadata: { name: 'bp', namespace: 'x' }, spec: { image: 'Bad Image' } },
      },
    };
    const answer = JSON.parse((await post(`${url}/validate`, ca, review)).body) as { response: { allowed: boolean; status: { message: string } } };
    expect(answer.response.allowed).toBe(false);
    expect(answer.response.status.message).toContain('invalid value: Bad Image: spec.image\n  invalid image reference');
    await child.stop();
    const records = (await child.log())
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records).toContainEqual(expect.objectContaining({ level: 30, msg: 'serving certificate in force', name: 'packsmith-webhook' }));
    expect(records).toContainEqual(expect.objectContaining({ msg: 'stopping', signal: 'SIGTERM' }));
    expect(child.alive()).toBe(false);
  });

  it('certifies the Service DNS names it is told', async () => {
    const caFile = join(dir, 'ca-names.pem');
    const { url } = await startWebhook('names', ['--ca-bundle-file', caFile, '--service', 'hook', '--namespace', 'builds']);
    const served = await new Promise<X509Certificate>((resolve, reject) => {
      const req = request(`${url}/healthz`, { ca: '', rejectUnauthorized: false, agent: false }, (res) => {
        resolve(new X509Certificate((res.socket as TLSSocket).getPeerCertificate().raw));
        res.resume();
      });
      req.once('error', reject);
      req.end();
    });
    expect(served.subjectAltName).toContain('DNS:hook.builds.svc');
    expect(served.subjectAltName).toContain('DNS:hook.builds.svc.cluster.local');
    expect(served.checkIP('127.0.0.1')).toBe('127.0.0.1');
  });

  it('serves the --cert and --key files it is given', async () => {
    const now = new Date();
    const ca = createCertificateAuthority({ commonName: 'external CA', now, validityMs: 86_400_000 });
    const cert = issueServingCertificate({ ca, hosts: ['127.0.0.1'], now, validityMs: 86_400_000 });
    await writeFile(join(dir, 'tls.crt'), cert.certPem);
    await writeFile(join(dir, 'tls.key'), cert.keyPem);
    const { url } = await startWebhook('files', ['--cert', join(dir, 'tls.crt'), '--key', join(dir, 'tls.key')]);
    expect((await post(`${url}/healthz`, ca.certPem)).status).toBe(200);
  });
});
