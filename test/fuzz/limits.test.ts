// Size and count limits on what packsmith reads, exercised through a real OCI layout on disk (the
// same reader `packsmith build -f` uses for `oci:` images): a manifest over 4 MiB, a config over
// 8 MiB, a label over 1 MiB and more than 1000 layers each end with a typed, non-retryable error
// that names the limit, quickly, also when the descriptor understates the size.
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labelKeys, maxLabelBytes, readBuildpackRecords } from '../../src/cnb/index.ts';
import { DigestMismatchError, LimitExceededError, manifestLimits, mediaTypes, readLayout, type Image } from '../../src/oci/index.ts';
import { isAppError } from '../../src/shared/index.ts';
import { removeDir, scratchDir } from '../harness/index.ts';

const MiB = 1024 * 1024;
let work = '';
let count = 0;

beforeAll(async () => {
  work = await scratchDir('fuzz-limits');
});

afterAll(async () => {
  await removeDir(work);
});

interface Blob {
  digest: string;
  size: number;
}

async function putBlob(dir: string, bytes: Buffer): Promise<Blob> {
  const hex = createHash('sha256').update(bytes).digest('hex');
  await writeFile(join(dir, 'blobs', 'sha256', hex), bytes);
  return { digest: `sha256:${hex}`, size: bytes.length };
}

const emptyLayer = Buffer.from('H4sIAAAAAAAA/2IYBaNgFAx7AAgAAP//Lq+17wAEAAA=', 'base64');
const emptyDiffId = `sha256:${'0'.repeat(64)}`;

function config(extra: { labels?: Record<string, string>; layers?: number; padding?: number } = {}): Buffer {
  const doc = {
    architecture: 'amd64',
    os: 'linux',
    rootfs: { type: 'layers', diff_ids: Array.from({ length: extra.layers ?? 1 }, () => emptyDiffId) },
    config: { Labels: extra.labels ?? {} },
    ...(extra.padding === undefined ? {} : { comment: 'x'.repeat(extra.padding) }),
  };
  return Buffer.from(JSON.stringify(doc));
}

/** Writes a layout whose one image has the given config and layer count; `understate` lies about the manifest size. */
async function layoutImage(options: { config: Buffer; layers?: number; manifestPadding?: number; understate?: boolean }): Promise<Image> {
  const dir = join(work, `layout-${count++}`);
  await mkdir(join(dir, 'blobs', 'sha256'), { recursive: true });
  await writeFile(join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  const layer = await putBlob(dir, emptyLayer);
  const configBlob = await putBlob(dir, options.config);
  const manifest = {
    schemaVersion: 2,
    mediaType: mediaTypes.ociManifest,
    config: { mediaType: mediaTypes.ociConfig, ...configBlob },
    layers: Array.from({ length: options.layers ?? 1 }, () => ({ mediaType: mediaTypes.ociLayerGzip, ...layer })),
    ...(options.manifestPadding === undefined ? {} : { annotations: { padding: 'x'.repeat(options.manifestPadding) } }),
  };
  const manifestBlob = await putBlob(dir, Buffer.from(JSON.stringify(manifest)));
  const size = options.understate ? 1000 : manifestBlob.size;
  const index = { schemaVersion: 2, manifests: [{ mediaType: mediaTypes.ociManifest, digest: manifestBlob.digest, size }] };
  await writeFile(join(dir, 'index.json'), JSON.stringify(index));
  return (await readLayout(dir)).image();
}

async function failure(run: () => Promise<unknown>): Promise<Error> {
  const error = await run().then(
    () => new Error('expected a failure'),
    (e: unknown) => e as Error,
  );
  expect(isAppError(error), String(error)).toBe(true);
  return error;
}

describe('limits on what packsmith reads', () => {
  it('a manifest over 4 MiB is refused, naming the limit', async () => {
    const image = await layoutImage({ config: config(), manifestPadding: manifestLimits.maxManifestBytes });
    const error = await failure(() => image.manifest());
    expect(error).toBeInstanceOf(LimitExceededError);
    expect(error.message).toMatch(/limit is 4194304/);
  });

  it('a manifest over 4 MiB is refused even when its descriptor claims 1000 bytes', async () => {
    const image = await layoutImage({ config: config(), manifestPadding: manifestLimits.maxManifestBytes, understate: true });
    const error = await failure(() => image.manifest());
    // Reading stops at the declared size: the blob is refused after 1000 bytes, not read to the end.
    expect(error).toBeInstanceOf(DigestMismatchError);
    expect(error.message).toMatch(/size: expected 1000, got more than 1000 bytes/);
  });

  it('a config over 8 MiB is refused, naming the limit', async () => {
    const image = await layoutImage({ config: config({ padding: 8 * MiB }) });
    const error = await failure(() => image.configFile());
    expect(error).toBeInstanceOf(LimitExceededError);
    expect(error.message).toMatch(/limit is 8388608/);
  });

  it('more than 1000 layers are refused, naming the limit', async () => {
    const image = await layoutImage({ config: config({ layers: 1001 }), layers: 1001 });
    const error = await failure(() => image.manifest());
    expect(error).toBeInstanceOf(LimitExceededError);
    expect(error.message).toMatch(/1000/);
    // Exactly 1000 is fine.
    const atLimit = await layoutImage({ config: config({ layers: 1000 }), layers: 1000 });
    expect((await atLimit.manifest()).layers).toHaveLength(1000);
  });

  it('a label over 1 MiB (in a config under 8 MiB) is refused by the CNB readers, naming the limit', async () => {
    const image = await layoutImage({ config: config({ labels: { [labelKeys.buildpackLayers]: `{"x":"${'y'.repeat(maxLabelBytes)}"}` } }) });
    expect((await image.configFile()).config?.Labels).toBeDefined();
    const error = await failure(() => readBuildpackRecords(image, 'oci:layout'));
    expect(error.message).toMatch(new RegExp(`at most ${maxLabelBytes} bytes`));
  });
});
