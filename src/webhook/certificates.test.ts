import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createCertificateAuthority, issueServingCertificate } from './certificates.ts';
import * as der from './der.ts';

const now = new Date('2030-06-01T12:00:00.500Z');
const day = 86_400_000;

describe('der', () => {
  it('encodes integers, object identifiers, times and named bits as X.690 says', () => {
    expect(der.unsignedInteger(Buffer.from([0x00, 0x80])).toString('hex')).toBe('02020080');
    expect(der.smallInteger(2).toString('hex')).toBe('020102');
    expect(der.objectIdentifier('1.2.840.10045.4.3.2').toString('hex')).toBe('06082a8648ce3d040302');
    expect(der.time(new Date('2030-06-01T12:00:00Z')).toString('ascii', 2)).toBe('300601120000Z');
    expect(der.time(new Date('2050-01-01T00:00:00Z'))[0]).toBe(0x18);
    // keyCertSign + cRLSign: bits 5 and 6 → 0x06 with one unused bit.
    expect(der.namedBits([5, 6]).toString('hex')).toBe('03020106');
    expect(der.tlv(0x04, Buffer.alloc(200)).subarray(0, 3).toString('hex')).toBe('0481c8');
  });
});

describe('certificates', () => {
  const ca = createCertificateAuthority({ commonName: 'test CA', now, validityMs: 365 * day });
  const serving = issueServingCertificate({ ca, hosts: ['hook.ns.svc', '127.0.0.1', '::1'], now, validityMs: 30 * day });

  it('makes a CA that signs a serving certificate for the DNS names and IPs', () => {
    const caCert = new X509Certificate(ca.certPem);
    const cert = new X509Certificate(serving.certPem);
    expect(caCert.ca).toBe(true);
    expect(cert.ca).toBe(false);
    expect(cert.verify(caCert.publicKey)).toBe(true);
    expect(cert.checkIssued(caCert)).toBe(true);
    expect(cert.checkHost('hook.ns.svc')).toBe('hook.ns.svc');
    expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(cert.checkIP('::1')).toBe('::1');
    expect(cert.checkHost('other.ns.svc')).toBeUndefined();
    expect(cert.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
    expect(serving.caPem).toBe(ca.certPem);
  });

  it('backdates by a few minutes and reports the expiry the certificate carries', () => {
    const cert = new X509Certificate(serving.certPem);
    expect(new Date(cert.validFrom).toISOString()).toBe('2030-06-01T11:55:00.000Z');
    expect(new Date(cert.validTo).getTime()).toBe(serving.notAfter.getTime());
    expect(serving.notAfter.toISOString()).toBe('2030-07-01T12:00:00.000Z');
  });

  it('never issues past the CA and needs a host', () => {
    const long = issueServingCertificate({ ca, hosts: ['h'], now, validityMs: 1000 * day });
    expect(long.notAfter.getTime()).toBe(ca.notAfter.getTime());
    expect(() => issueServingCertificate({ ca, hosts: [], now, validityMs: day })).toThrow(RangeError);
  });

  it('makes a fresh serial and key each time', () => {
    const again = issueServingCertificate({ ca, hosts: ['hook.ns.svc'], now, validityMs: 30 * day });
    expect(new X509Certificate(again.certPem).serialNumber).not.toBe(new X509Certificate(serving.certPem).serialNumber);
    expect(again.keyPem).not.toBe(serving.keyPem);
  });
});
