import { describe, expect, it } from 'vitest';
import { silentLogger } from '../shared/index.ts';
import { CertificateKeeper } from './certificate-keeper.ts';
import type { CertificateSource, Refreshed, TlsMaterial } from './certificate-source.ts';

/** A source that hands out the scripted results in order (pure-logic fake; no certificates). */
function scripted(results: Refreshed[]): CertificateSource {
  let i = 0;
  return { refresh: async () => Promise.resolve(results[Math.min(i++, results.length - 1)]!) };
}

const material = (name: string, ca: string, notAfter = new Date('2031-01-01')): TlsMaterial => ({
  certPem: name,
  keyPem: `${name}-key`,
  caBundle: ca,
  notAfter,
});
const first = material('cert-1', 'ca-1');
const sameCa = material('cert-2', 'ca-1');
const newCa = material('cert-3', 'ca-2+ca-1');

function keeper(
  results: Refreshed[],
  onCaBundle?: (b: string) => Promise<void>,
  now = new Date('2030-06-01'),
): { keeper: CertificateKeeper; applied: string[] } {
  const applied: string[] = [];
  const k = new CertificateKeeper({ certificates: scripted(results), onCaBundle, logger: silentLogger, now: () => now });
  k.attach((m) => applied.push(m.certPem));
  return { keeper: k, applied };
}

describe('CertificateKeeper', () => {
  it('puts a same-CA renewal into force at once', async () => {
    const { keeper: k, applied } = keeper(
      [
        { material: first, changed: true, caChanged: true },
        { material: sameCa, changed: true, caChanged: false },
      ],
      async () => Promise.resolve(),
    );
    await k.refresh();
    await k.refresh();
    expect(applied).toEqual(['cert-1', 'cert-2']);
    expect(k.serving?.certPem).toBe('cert-2');
  });

  it('holds a new-CA certificate back until the refresh after its bundle was published', async () => {
    const bundles: string[] = [];
    const { keeper: k, applied } = keeper(
      [
        { material: first, changed: true, caChanged: true },
        { material: newCa, changed: true, caChanged: true },
        { material: newCa, changed: false, caChanged: false },
      ],
      (b) => Promise.resolve(void bundles.push(b)),
    );
    await k.refresh();
    await k.refresh();
    expect(bundles).toEqual(['ca-1', 'ca-2+ca-1']);
    expect(k.serving?.certPem).toBe('cert-1');
    expect(k.caBundle()).toBe('ca-2+ca-1');
    await k.refresh();
    expect(applied).toEqual(['cert-1', 'cert-3']);
  });

  it('swaps at once when nobody publishes, and when the certificate in force has expired', async () => {
    const unpublished = keeper([
      { material: first, changed: true, caChanged: true },
      { material: newCa, changed: true, caChanged: true },
    ]);
    await unpublished.keeper.refresh();
    await unpublished.keeper.refresh();
    expect(unpublished.applied).toEqual(['cert-1', 'cert-3']);

    const expiring = material('cert-old', 'ca-1', new Date('2030-01-01'));
    const failing = keeper(
      [
        { material: expiring, changed: true, caChanged: true },
        { material: newCa, changed: true, caChanged: true },
      ],
      async () => Promise.reject(new Error('down')),
    );
    await failing.keeper.refresh();
    await failing.keeper.refresh();
    expect(failing.applied).toEqual(['cert-old', 'cert-3']);
  });
});
