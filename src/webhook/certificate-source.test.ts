import { X509Certificate } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CertificateError, fileCertificateSource, generatedCertificateSource } from './certificate-source.ts';
import { createCertificateAuthority, issueServingCertificate } from './certificates.ts';

const day = 86_400_000;
const start = new Date('2030-01-01T00:00:00Z');
const at = (days: number): Date => new Date(start.getTime() + days * day);

describe('generatedCertificateSource', () => {
  const lifetimes = { caValidityMs: 90 * day, servingValidityMs: 30 * day };

  it('issues on the first refresh and keeps the certificate until two thirds of its life', async () => {
    const source = generatedCertificateSource(['hook.ns.svc', '127.0.0.1'], lifetimes);
    const first = await source.refresh(start);
    expect(first).toMatchObject({ changed: true, caChanged: true });
    expect(new X509Certificate(first.material.certPem).checkIP('127.0.0.1')).toBe('127.0.0.1');
    const later = await source.refresh(at(19));
    expect(later).toMatchObject({ changed: false, caChanged: false });
    expect(later.material.certPem).toBe(first.material.certPem);
  });

  it('renews the serving certificate from the same CA, then renews the CA with an overlapping bundle', async () => {
    const source = generatedCertificateSource(['hook'], lifetimes);
    const first = await source.refresh(start);
    const renewed = await source.refresh(at(21));
    expect(renewed).toMatchObject({ changed: true, caChanged: false });
    expect(renewed.material.caBundle).toBe(first.material.caBundle);
    const caCert = new X509Certificate(first.material.caBundle!);
    expect(new X509Certificate(renewed.material.certPem).verify(caCert.publicKey)).toBe(true);

    const rotated = await source.refresh(at(61));
    expect(rotated).toMatchObject({ changed: true, caChanged: true });
    const bundle = rotated.material.caBundle!;
    expect(bundle.match(/BEGIN CERTIFICATE/g)).toHaveLength(2);
    expect(bundle.endsWith(first.material.caBundle!)).toBe(true);
    const newCa = new X509Certificate(bundle.slice(0, bundle.length - first.material.caBundle!.length));
    expect(new X509Certificate(rotated.material.certPem).verify(newCa.publicKey)).toBe(true);
  });
});

describe('fileCertificateSource', () => {
  const dirs: string[] = [];
  afterAll(async () => Promise.all(dirs.map(async (d) => rm(d, { recursive: true, force: true }))));

  it('reloads the files when their content changes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'packsmith-webhook-'));
    dirs.push(dir);
    const ca = createCertificateAuthority({ commonName: 'ca', now: start, validityMs: 90 * day });
    const write = async (days: number): Promise<string> => {
      const cert = issueServingCertificate({ ca, hosts: ['h'], now: at(days), validityMs: 10 * day });
      await writeFile(join(dir, 'tls.crt'), cert.certPem);
      await writeFile(join(dir, 'tls.key'), cert.keyPem);
      return cert.certPem;
    };
    const source = fileCertificateSource({ certFile: join(dir, 'tls.crt'), keyFile: join(dir, 'tls.key') });
    await write(0);
    const first = await source.refresh(start);
    expect(first).toMatchObject({ changed: true, caChanged: false });
    expect(first.material.notAfter).toEqual(at(10));
    expect((await source.refresh(start)).changed).toBe(false);
    const second = await write(5);
    const reloaded = await source.refresh(start);
    expect(reloaded.changed).toBe(true);
    expect(reloaded.material.certPem).toBe(second);
  });

  it('names the file it cannot read or parse', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'packsmith-webhook-'));
    dirs.push(dir);
    await writeFile(join(dir, 'bad.crt'), 'not a certificate');
    await writeFile(join(dir, 'k'), 'key');
    await expect(fileCertificateSource({ certFile: join(dir, 'missing.crt'), keyFile: join(dir, 'k') }).refresh(start)).rejects.toThrow(
      /cannot read .*missing\.crt/,
    );
    await expect(fileCertificateSource({ certFile: join(dir, 'bad.crt'), keyFile: join(dir, 'k') }).refresh(start)).rejects.toBeInstanceOf(CertificateError);
  });
});
