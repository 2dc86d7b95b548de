// Transport security defaults: TLS certificates are verified unless a registry is explicitly marked
// insecure, and plain HTTP is only ever tried for loopback registries or ones listed as insecure.
// The TLS part runs against the REAL docker-registry with a private CA; the plain-HTTP part watches
// the URLs the transport requests for a non-loopback host (`.invalid` never resolves, so nothing
// leaves the machine).
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/io.ts';
import { runCli } from '../../src/cli/main.ts';
import { RegistryError, RegistryTransport, parseReference, remoteImage, writeLayout, type RequestEvent } from '../../src/oci/index.ts';
import { randomImage } from '../../src/oci/testing/index.ts';
import { removeDir, scratchDir, skopeoCopy, skopeoInspectRaw, startRegistry, stopAllRegistries, type RegistryHandle } from '../harness/index.ts';

let registry: RegistryHandle;
let work = '';
let reference = '';
let digest = '';

beforeAll(async () => {
  work = await scratchDir('transport-security');
  registry = await startRegistry({ mode: 'tls' });
  await writeLayout(join(work, 'layout'), randomImage(5), { tag: 'x' });
  reference = `${registry.host}/secure/app:1`;
  await skopeoCopy({ src: `oci:${join(work, 'layout')}:x`, dest: `docker://${reference}`, flags: registry.skopeoArgs({ role: 'dest' }) });
  digest = (await skopeoInspectRaw(`docker://${reference}`, registry.skopeoArgs())).digest;
});

afterAll(async () => {
  await stopAllRegistries();
  await removeDir(work);
});

async function readDigest(transport: RegistryTransport): Promise<string> {
  try {
    return await (await remoteImage(parseReference(reference), { transport })).digest();
  } finally {
    await transport.close();
  }
}

describe('TLS verification is on by default', () => {
  it('refuses a registry whose certificate is signed by an unknown CA, saying why', async () => {
    const error = await readDigest(new RegistryTransport()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegistryError);
    expect(String(error)).toMatch(/certificate|self[- ]signed|verify/i);
  });

  it('packsmith image inspect fails on the same registry with a message naming the certificate problem', async () => {
    const dockerConfig = join(work, 'docker');
    await mkdir(dockerConfig, { recursive: true });
    await writeFile(join(dockerConfig, 'config.json'), '{"auths":{}}');
    const out: string[] = [];
    const err: string[] = [];
    const io: CliIo = {
      stdout: (t) => out.push(t),
      stderr: (t) => err.push(t),
      isTty: false,
      ask: () => Promise.resolve(''),
      readStdin: () => Promise.resolve(''),
      env: { DOCKER_CONFIG: dockerConfig },
    };
    expect(await runCli(['image', 'inspect', reference], io)).toBe(1);
    expect(err.join('')).toMatch(/certificate|self[- ]signed|verify/i);
    console.log(`[tls] without the CA: ${err.join('').trim().split('\n')[0] ?? ''}`);
  });

  it('reads the image once the CA is given, or when the registry is explicitly insecure', async () => {
    expect(await readDigest(new RegistryTransport({ ca: registry.caPem }))).toBe(digest);
    expect(await readDigest(new RegistryTransport({ registries: { [registry.host]: { ca: registry.caPem } } }))).toBe(digest);
    expect(await readDigest(new RegistryTransport({ insecureRegistries: [registry.host] }))).toBe(digest);
  });
});

describe('plain HTTP only for loopback or explicitly insecure registries', () => {
  async function requestedUrls(options: { insecure: boolean }): Promise<string[]> {
    const events: RequestEvent[] = [];
    const host = 'registry.packsmith.invalid:5000';
    const transport = new RegistryTransport({
      insecureRegistries: options.insecure ? [host] : [],
      onRequest: (e) => events.push(e),
      retry: { maxAttempts: 1 },
      connectTimeoutMs: 5000,
    });
    const error = await remoteImage(parseReference(`${host}/team/app:1`), { transport }).catch((e: unknown) => e);
    await transport.close();
    expect(error).toBeInstanceOf(RegistryError);
    return events.map((e) => e.url);
  }

  it('never tries http:// for a non-loopback registry by default', async () => {
    const urls = await requestedUrls({ insecure: false });
    expect(urls.length).toBeGreaterThan(0);
    expect(urls.every((u) => u.startsWith('https://'))).toBe(true);
  });

  it('tries http:// after https:// only when the registry is listed as insecure', async () => {
    const urls = await requestedUrls({ insecure: true });
    expect(urls[0]).toMatch(/^https:\/\//);
    expect(urls.some((u) => u.startsWith('http://'))).toBe(true);
  });
});
