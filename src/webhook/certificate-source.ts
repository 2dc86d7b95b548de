/**
 * Where the webhook's serving certificate comes from: generated in memory (a private CA plus a
 * serving certificate, both renewed once two thirds of their lifetime has passed) or read from
 * files that something else rotates (cert-manager, a mounted Secret), re-read on every refresh.
 */
import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { AppError } from '../shared/index.ts';
import { createCertificateAuthority, issueServingCertificate, type KeyedCertificate } from './certificates.ts';

/** What the TLS server needs, plus the CA bundle clients must trust when it is known. */
export interface TlsMaterial {
  certPem: string;
  keyPem: string;
  /** PEM of the CA certificates to trust (several during a CA rotation); undefined for given files. */
  caBundle?: string;
  notAfter: Date;
}

/** The result of one refresh: the material in force and what changed since the previous call. */
export interface Refreshed {
  material: TlsMaterial;
  /** The serving certificate or key differs from the previous refresh (always true on the first). */
  changed: boolean;
  /** The CA bundle differs from the previous refresh (always true on the first, when known). */
  caChanged: boolean;
}

/** A source of serving certificates, asked again periodically so it can renew or reload. */
export interface CertificateSource {
  refresh(now: Date): Promise<Refreshed>;
}

/** A certificate file that cannot be read or parsed. */
export class CertificateError extends AppError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('WEBHOOK_CERTIFICATE', message, options);
  }
}

/** Lifetimes of generated certificates, in milliseconds. */
export interface GeneratedLifetimes {
  caValidityMs: number;
  servingValidityMs: number;
}

const day = 86_400_000;
/** A year for the CA, thirty days for the serving certificate. */
export const defaultLifetimes: GeneratedLifetimes = { caValidityMs: 365 * day, servingValidityMs: 30 * day };

// Renew once two thirds of the lifetime has passed, leaving a third for retries and overlap.
function due(now: Date, cert: KeyedCertificate | undefined, lifetimeMs: number): boolean {
  return !cert || now.getTime() >= cert.notAfter.getTime() - lifetimeMs / 3;
}

/**
 * A source that makes its own CA and a serving certificate for `hosts`. When the CA is renewed,
 * the bundle carries the new and the previous CA, so clients that still hold the old bundle keep
 * trusting the server until they are updated.
 */
export function generatedCertificateSource(hosts: readonly string[], lifetimes: GeneratedLifetimes = defaultLifetimes): CertificateSource {
  let ca: KeyedCertificate | undefined;
  let previousCa: KeyedCertificate | undefined;
  let serving: TlsMaterial | undefined;
  return {
    refresh: async (now) => {
      const caChanged = due(now, ca, lifetimes.caValidityMs);
      if (caChanged) {
        previousCa = ca && ca.notAfter > now ? ca : undefined;
        ca = createCertificateAuthority({ commonName: 'packsmith webhook CA', now, validityMs: lifetimes.caValidityMs });
      }
      const changed = caChanged || due(now, serving, lifetimes.servingValidityMs);
      if (changed && ca) {
        const issued = issueServingCertificate({ ca, hosts, now, validityMs: lifetimes.servingValidityMs });
        serving = { certPem: issued.certPem, keyPem: issued.keyPem, notAfter: issued.notAfter, caBundle: ca.certPem + (previousCa?.certPem ?? '') };
      }
      return Promise.resolve({ material: serving!, changed, caChanged });
    },
  };
}

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new CertificateError(`cannot read ${path}`, { cause: error });
  }
}

function expiryOf(certPem: string, path: string): Date {
  try {
    return new Date(new X509Certificate(certPem).validTo);
  } catch (error) {
    throw new CertificateError(`${path} holds no PEM certificate`, { cause: error });
  }
}

/** Files to serve: a PEM certificate (chain) and its PEM private key; `caFile` optional. */
export interface CertificateFiles {
  certFile: string;
  keyFile: string;
  caFile?: string;
}

/** A source that reads the given files on every refresh and reports a change when their content differs. */
export function fileCertificateSource(files: CertificateFiles): CertificateSource {
  let last: TlsMaterial | undefined;
  return {
    refresh: async () => {
      const [certPem, keyPem, caBundle] = await Promise.all([
        readText(files.certFile),
        readText(files.keyFile),
        files.caFile ? readText(files.caFile) : Promise.resolve(undefined),
      ]);
      const material: TlsMaterial = { certPem, keyPem, caBundle, notAfter: expiryOf(certPem, files.certFile) };
      const changed = !last || last.certPem !== certPem || last.keyPem !== keyPem;
      const caChanged = caBundle !== undefined && last?.caBundle !== caBundle;
      last = material;
      return { material, changed, caChanged };
    },
  };
}
