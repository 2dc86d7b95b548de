/**
 * Test certificates made with the `openssl` CLI: a private CA with a loopback server certificate
 * (for TLS registries) and a self-signed RSA certificate for signing registry tokens. Key
 * generation is the slow part, so each kind is made once per test process and then reused.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { HarnessError } from './harness-error.ts';
import { removeDir, runCommand, scratchDir } from './process.ts';

/** PEM texts of a CA and of a server certificate it signed for 127.0.0.1 and localhost. */
export interface ServerCertificates {
  readonly caPem: string;
  readonly certPem: string;
  readonly keyPem: string;
}

/** PEM texts of a self-signed RSA certificate and its key, used to sign RS256 tokens. */
export interface SigningCertificate {
  readonly certPem: string;
  readonly keyPem: string;
}

const longLived = ['-days', '3650', '-nodes'];
// P-256 keys take milliseconds to make, where RSA takes a noticeable fraction of a second.
const ecKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1'];

async function openssl(args: readonly string[], cwd: string): Promise<void> {
  const result = await runCommand('openssl', args, { cwd });
  if (result.code !== 0) {
    throw new HarnessError(`openssl ${args.slice(0, 2).join(' ')} failed: ${result.stderr.trim()}`);
  }
}

async function inScratch<T>(work: (dir: string) => Promise<T>): Promise<T> {
  const dir = await scratchDir('certs');
  try {
    return await work(dir);
  } finally {
    await removeDir(dir);
  }
}

async function makeServerCertificates(): Promise<ServerCertificates> {
  return inScratch(async (dir) => {
    await openssl(
      [
        'req',
        '-x509',
        ...ecKey,
        ...longLived,
        '-keyout',
        'ca.key',
        '-out',
        'ca.crt',
        '-subj',
        '/CN=packsmith test CA',
        '-addext',
        'basicConstraints=critical,CA:TRUE',
        '-addext',
        'keyUsage=critical,keyCertSign,cRLSign',
      ],
      dir,
    );
    // Go (the registry) and Node both check the subjectAltName, never the CN.
    await openssl(
      [
        'req',
        '-x509',
        '-CA',
        'ca.crt',
        '-CAkey',
        'ca.key',
        ...ecKey,
        ...longLived,
        '-keyout',
        'tls.key',
        '-out',
        'tls.crt',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1,DNS:localhost',
        '-addext',
        'basicConstraints=critical,CA:FALSE',
        '-addext',
        'extendedKeyUsage=serverAuth',
      ],
      dir,
    );
    const [caPem, certPem, keyPem] = await Promise.all(['ca.crt', 'tls.crt', 'tls.key'].map((f) => readFile(join(dir, f), 'utf8')));
    return { caPem: caPem!, certPem: certPem!, keyPem: keyPem! };
  });
}

async function makeSigningCertificate(): Promise<SigningCertificate> {
  return inScratch(async (dir) => {
    await openssl(
      ['req', '-x509', '-newkey', 'rsa:2048', ...longLived, '-keyout', 'token.key', '-out', 'token.crt', '-subj', '/CN=packsmith test token issuer'],
      dir,
    );
    const [certPem, keyPem] = await Promise.all(['token.crt', 'token.key'].map((f) => readFile(join(dir, f), 'utf8')));
    return { certPem: certPem!, keyPem: keyPem! };
  });
}

let serverCertificates: Promise<ServerCertificates> | undefined;
let signingCertificate: Promise<SigningCertificate> | undefined;

/** The process-wide CA and loopback server certificate (made on first use, then shared). */
export async function loopbackServerCertificates(): Promise<ServerCertificates> {
  serverCertificates ??= makeServerCertificates();
  return serverCertificates;
}

/** The process-wide RSA token-signing certificate (made on first use, then shared). */
export async function tokenSigningCertificate(): Promise<SigningCertificate> {
  signingCertificate ??= makeSigningCertificate();
  return signingCertificate;
}

/** Files of the server certificates written into one directory; `caDir` holds only `ca.crt` (a skopeo cert dir). */
export interface ServerCertificateFiles {
  readonly caFile: string;
  readonly caDir: string;
  readonly certFile: string;
  readonly keyFile: string;
}

/**
 * Writes the loopback server certificates under `dir`. The CA goes alone into `dir/ca`, because
 * skopeo reads every `*.key` in a cert dir as half of a client certificate pair.
 */
export async function writeServerCertificates(dir: string): Promise<ServerCertificateFiles & ServerCertificates> {
  const certs = await loopbackServerCertificates();
  const caDir = join(dir, 'ca');
  await mkdir(caDir, { recursive: true });
  const files = {
    caFile: join(caDir, 'ca.crt'),
    caDir,
    certFile: join(dir, 'tls.crt'),
    keyFile: join(dir, 'tls.key'),
  };
  await writeFile(files.caFile, certs.caPem);
  await writeFile(files.certFile, certs.certPem);
  await writeFile(files.keyFile, certs.keyPem, { mode: 0o600 });
  return { ...files, ...certs };
}

/** The base64 DER body of the first certificate in a PEM text (the form a JWT `x5c` entry takes). */
export function pemToBase64Der(pem: string): string {
  const match = /-----BEGIN CERTIFICATE-----([\s\S]+?)-----END CERTIFICATE-----/.exec(pem);
  if (!match?.[1]) throw new HarnessError('no certificate found in PEM text');
  return match[1].replace(/\s+/g, '');
}
