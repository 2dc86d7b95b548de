// The shared Image conformance suite over images read back from a layout directory and from a
// `.cnb` file: OCI and Docker media types, gzip and uncompressed layers.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import type { Image } from '../image.ts';
import { withMediaTypes } from '../mutate.ts';
import { describeImageConformance, randomImage } from '../testing/index.ts';
import { readCnbFile, readLayout, writeCnbFile, writeLayout } from './index.ts';

const scratch = mkdtemp(join(tmpdir(), 'packsmith-layout-conformance-'));
afterAll(async () => rm(await scratch, { recursive: true, force: true }));

async function viaLayout(name: string, image: Image): Promise<Image> {
  const dir = join(await scratch, name);
  await writeLayout(dir, image, { tag: 'conformance' });
  return (await readLayout(dir)).image('conformance');
}

async function viaCnb(name: string, image: Image): Promise<Image> {
  const path = join(await scratch, `${name}.cnb`);
  await writeCnbFile(path, image);
  return readCnbFile(path);
}

describeImageConformance('layout directory (OCI, gzip)', () => viaLayout('oci-gzip', randomImage(11, { layers: 3 })));
describeImageConformance('layout directory (OCI, uncompressed)', () => viaLayout('oci-tar', randomImage(12, { compression: 'none' })));
describeImageConformance('layout directory (Docker media types)', () => viaLayout('docker', withMediaTypes(randomImage(13), 'docker')));
describeImageConformance('.cnb file (OCI, gzip)', () => viaCnb('oci-gzip', randomImage(14, { layers: 3 })));
describeImageConformance('.cnb file (Docker media types, as pack writes)', () => viaCnb('docker', withMediaTypes(randomImage(15), 'docker')));
