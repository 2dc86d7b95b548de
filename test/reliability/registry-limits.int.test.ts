// Limits on what packsmith reads from a REAL docker-registry: a config blob over 8 MiB, a manifest
// with more than 1000 layers and a manifest over 4 MiB are stored in the registry with raw
// distribution API calls (the registry accepts what it accepts), then read by packsmith's client,
// which must refuse each with a typed, non-retryable error naming the limit, without downloading
// more than the limit.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LimitExceededError, RegistryTransport, manifestLimits, mediaTypes, parseReference, remoteImage } from '../../src/oci/index.ts';
import { isAppError } from '../../src/shared/index.ts';
import { startRegistry, stopAllRegistries, type RegistryHandle } from '../harness/index.ts';

const MiB = 1024 * 1024;
let registry: RegistryHandle;
let transport: RegistryTransport;

beforeAll(async () => {
  registry = await startRegistry({ mode: 'plain' });
  transport = new RegistryTransport();
});

afterAll(async () => {
  await transport.close();
  await stopAllRegistries();
});

function digestOf(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** Monolithic blob upload with plain fetch (not packsmith's pusher), so nothing on our side filters what is stored. */
async function putBlob(repository: string, bytes: Buffer): Promise<{ digest: string; size: number }> {
  const start = await fetch(`${registry.url}/v2/${repository}/blobs/uploads/`, { method: 'POST' });
  expect(start.status).toBe(202);
  const location = new URL(start.headers.get('location')!, registry.url);
  const digest = digestOf(bytes);
  location.searchParams.set('digest', digest);
  const done = await fetch(location, { method: 'PUT', body: bytes, headers: { 'Content-Type': 'application/octet-stream' } });
  expect(done.status).toBe(201);
  return { digest, size: bytes.length };
}

async function putManifest(repository: string, tag: string, manifest: unknown): Promise<number> {
  const response = await fetch(`${registry.url}/v2/${repository}/manifests/${tag}`, {
    method: 'PUT',
    body: JSON.stringify(manifest),
    headers: { 'Content-Type': mediaTypes.ociManifest },
  });
  await response.arrayBuffer();
  return response.status;
}

const layerBytes = Buffer.from('H4sIAAAAAAAA/2IYBaNgFAx7AAgAAP//Lq+17wAEAAA=', 'base64');

async function imageParts(repository: string, options: { layers: number; configPadding?: number }): Promise<{ config: unknown; layers: unknown[] }> {
  const layer = await putBlob(repository, layerBytes);
  const configDoc = {
    architecture: 'amd64',
    os: 'linux',
    rootfs: { type: 'layers', diff_ids: Array.from({ length: options.layers }, () => `sha256:${'0'.repeat(64)}`) },
    ...(options.configPadding === undefined ? {} : { comment: 'x'.repeat(options.configPadding) }),
  };
  const config = await putBlob(repository, Buffer.from(JSON.stringify(configDoc)));
  return {
    config: { mediaType: mediaTypes.ociConfig, ...config },
    layers: Array.from({ length: options.layers }, () => ({ mediaType: mediaTypes.ociLayerGzip, ...layer })),
  };
}

async function refusal(run: () => Promise<unknown>): Promise<Error> {
  const error = await run().then(
    () => new Error('expected a refusal'),
    (e: unknown) => e as Error,
  );
  expect(isAppError(error), String(error)).toBe(true);
  expect((error as unknown as { retryable: boolean }).retryable).toBe(false);
  return error;
}

describe('limits on what packsmith reads from a registry', () => {
  it('refuses a config blob over 8 MiB, naming the limit', async () => {
    const parts = await imageParts('limits/config', { layers: 1, configPadding: 8 * MiB });
    expect(await putManifest('limits/config', 'big', { schemaVersion: 2, mediaType: mediaTypes.ociManifest, ...parts })).toBe(201);
    const image = await remoteImage(parseReference(`${registry.host}/limits/config:big`), { transport });
    const error = await refusal(() => image.configFile());
    expect(error).toBeInstanceOf(LimitExceededError);
    expect(error.message).toMatch(new RegExp(String(manifestLimits.maxConfigBytes)));
  });

  it('refuses a manifest with more than 1000 layers, naming the limit', async () => {
    const parts = await imageParts('limits/layers', { layers: 1001 });
    expect(await putManifest('limits/layers', 'many', { schemaVersion: 2, mediaType: mediaTypes.ociManifest, ...parts })).toBe(201);
    const error = await refusal(() => remoteImage(parseReference(`${registry.host}/limits/layers:many`), { transport }).then((i) => i.manifest()));
    expect(error).toBeInstanceOf(LimitExceededError);
    expect(error.message).toMatch(/1000/);
  });

  it('refuses a manifest over 4 MiB (if the registry stores one at all)', async () => {
    const parts = await imageParts('limits/manifest', { layers: 1 });
    const status = await putManifest('limits/manifest', 'huge', {
      schemaVersion: 2,
      mediaType: mediaTypes.ociManifest,
      ...parts,
      annotations: { padding: 'x'.repeat(manifestLimits.maxManifestBytes) },
    });
    console.log(`[limits] docker-registry answered ${status} to a manifest PUT over 4 MiB`);
    if (status !== 201) {
      // The registry enforces the same limit on its side; nothing oversized can be served.
      expect(status).toBeGreaterThanOrEqual(400);
      return;
    }
    const error = await refusal(() => remoteImage(parseReference(`${registry.host}/limits/manifest:huge`), { transport }).then((i) => i.manifest()));
    expect(error).toBeInstanceOf(LimitExceededError);
    expect(error.message).toMatch(new RegExp(String(manifestLimits.maxManifestBytes)));
  });
});
