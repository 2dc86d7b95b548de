/**
 * OCI layouts and `.cnb` files checked against independent tools: skopeo and umoci must read what
 * packsmith writes, and packsmith must read what they write.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { unpackTar } from 'modern-tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCnbFile, readLayout, writeCnbFile, writeLayout, writeLayoutIndex } from '../../src/oci/index.ts';
import { mediaTypes, type Digest, type Image, type Layer } from '../../src/oci/index.ts';
import { fixtureImage, fixtureIndex, imageFromLayers, type FixtureSpec } from '../../src/oci/layout/testdata/fixture-image.ts';
import { checkImageConformance } from '../../src/oci/testing/index.ts';
import { runPack } from '../harness/cnb-tools.ts';
import { removeDir, runCommand, scratchDir } from '../harness/process.ts';

let root = '';
beforeAll(async () => {
  root = await scratchDir('layout-int');
});
afterAll(async () => removeDir(root));

async function tool(command: string, args: string[], cwd?: string): Promise<string> {
  const result = await runCommand(command, args, { cwd });
  if (result.code !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.code}): ${result.stderr}`);
  return result.stdout;
}

function sha256(text: string | Buffer): string {
  return `sha256:${createHash('sha256').update(text).digest('hex')}`;
}

async function layerFiles(layer: Layer): Promise<Map<string, string>> {
  const web = Readable.toWeb(await layer.uncompressed()) as ReadableStream<Uint8Array>;
  const entries = await unpackTar(web);
  return new Map(entries.filter((e) => e.data).map((e) => [e.header.name.replace(/^\.?\//, ''), Buffer.from(e.data!).toString()]));
}

const spec: FixtureSpec = {
  layers: [{ 'cnb/buildpacks/example_hello/0.0.1/buildpack.toml': 'api = "0.10"\n' }, { 'etc/motd': 'hello from packsmith\n' }],
  labels: { 'io.buildpacks.test': 'layout' },
};

describe('skopeo and umoci read what we write', () => {
  let image: Image;
  let dir = '';
  beforeAll(async () => {
    image = await fixtureImage(spec);
    dir = join(root, 'ours');
    await writeLayout(dir, image, { tag: 'v1' });
  });

  it('skopeo inspect --raw gives our manifest digest', async () => {
    const raw = await tool('skopeo', ['inspect', '--raw', `oci:${dir}:v1`]);
    expect(sha256(raw)).toBe(await image.digest());
    const config = JSON.parse(await tool('skopeo', ['inspect', '--config', '--raw', `oci:${dir}:v1`])) as { config: { Labels: object } };
    expect(config.config.Labels).toEqual({ 'io.buildpacks.test': 'layout' });
  });

  it('skopeo copies the layout, and we read the copy with the same digest', async () => {
    const other = join(root, 'skopeo-copy');
    await tool('skopeo', ['copy', `oci:${dir}:v1`, `oci:${other}:v1`]);
    const copy = await (await readLayout(other)).image('v1');
    expect(await copy.digest()).toBe(await image.digest());
    expect(await (await copy.layers())[1]!.diffId()).toBe(await (await image.layers())[1]!.diffId());
  });

  it('umoci unpacks it with our files in the rootfs', async () => {
    const bundle = join(root, 'bundle');
    await tool('umoci', ['unpack', '--rootless', '--image', `${dir}:v1`, bundle]);
    expect(await readFile(join(bundle, 'rootfs/etc/motd'), 'utf8')).toBe('hello from packsmith\n');
    expect(await readFile(join(bundle, 'rootfs/cnb/buildpacks/example_hello/0.0.1/buildpack.toml'), 'utf8')).toBe('api = "0.10"\n');
  });

  it('skopeo reads a .cnb we wrote once GNU tar extracts it', async () => {
    const cnb = join(root, 'bp.cnb');
    await writeCnbFile(cnb, image, { tag: 'bp' });
    const out = join(root, 'cnb-extracted');
    await mkdir(out);
    await tool('tar', ['-xf', cnb, '-C', out]);
    expect(sha256(await tool('skopeo', ['inspect', '--raw', `oci:${out}:bp`]))).toBe(await image.digest());
  });

  it('skopeo copies every image of an index we wrote', async () => {
    const amd = await fixtureImage({ layers: [{ arch: 'amd64' }], platform: { os: 'linux', architecture: 'amd64' } });
    const arm = await fixtureImage({ layers: [{ arch: 'arm64' }], platform: { os: 'linux', architecture: 'arm64' } });
    const index = await fixtureIndex([amd, arm]);
    const multi = join(root, 'multi');
    await writeLayoutIndex(multi, index, { tag: 'all' });
    expect(sha256(await tool('skopeo', ['inspect', '--raw', `oci:${multi}:all`]))).toBe(await index.digest());
    const copy = join(root, 'multi-copy');
    await tool('skopeo', ['copy', '--all', `oci:${multi}:all`, `oci:${copy}:all`]);
    const arm64 = await (await readLayout(copy)).image('all', { platform: { os: 'linux', architecture: 'arm64' } });
    expect(await arm64.digest()).toBe(await arm.digest());
  });
});

describe('we read what umoci and skopeo write', () => {
  let layoutDir = '';
  beforeAll(async () => {
    const work = join(root, 'umoci');
    await mkdir(join(work, 'fixture/bp'), { recursive: true });
    await writeFile(join(work, 'fixture/bp/buildpack.toml'), 'api = "0.10"\n');
    layoutDir = join(work, 'img');
    await tool('umoci', ['init', '--layout', layoutDir]);
    await tool('umoci', ['new', '--image', `${layoutDir}:base`]);
    await tool('umoci', ['insert', '--rootless', '--image', `${layoutDir}:base`, join(work, 'fixture/bp'), '/cnb/buildpacks/example_hello/0.0.1']);
    await tool('umoci', ['insert', '--rootless', '--image', `${layoutDir}:base`, join(work, 'fixture/bp/buildpack.toml'), '/second.toml']);
    await tool('umoci', [
      'config',
      '--image',
      `${layoutDir}:base`,
      '--config.label',
      'io.test.a=1',
      '--config.label',
      'io.test.b=two',
      '--os',
      'linux',
      '--architecture',
      'amd64',
    ]);
  });

  it('reads config labels and layers of a umoci layout, tolerating tar layers without trailers', async () => {
    const image = await (await readLayout(layoutDir)).image('base');
    const config = await image.configFile();
    expect(config.config?.Labels).toMatchObject({ 'io.test.a': '1', 'io.test.b': 'two' });
    const layers = await image.layers();
    expect(layers).toHaveLength(2);
    const files = await layerFiles(layers[0]!);
    expect(files.get('cnb/buildpacks/example_hello/0.0.1/buildpack.toml')).toBe('api = "0.10"\n');
    expect((await layerFiles(layers[1]!)).get('second.toml')).toBe('api = "0.10"\n');
    expect(sha256(await collect(await layers[0]!.uncompressed()))).toBe(await layers[0]!.diffId());
    expect(sha256(Buffer.from(await image.rawManifest()))).toBe(await image.digest());
    expect(await checkImageConformance(image)).toEqual([]);
  });

  it('re-writes a umoci image into a .cnb that keeps its digest', async () => {
    const image = await (await readLayout(layoutDir)).image('base');
    const cnb = join(root, 'from-umoci.cnb');
    await writeCnbFile(cnb, image);
    const back = await readCnbFile(cnb);
    expect(await back.digest()).toBe(await image.digest());
    expect(await (await back.layers())[1]!.diffId()).toBe(await (await image.layers())[1]!.diffId());
  });
});

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

describe('pack and our .cnb files', () => {
  it('reads a .cnb pack wrote, and pack reads the .cnb we rewrote from it', async () => {
    const work = join(root, 'pack');
    await mkdir(join(work, 'one/bin'), { recursive: true });
    await mkdir(join(work, 'meta'), { recursive: true });
    await writeFile(
      join(work, 'one/buildpack.toml'),
      'api = "0.10"\n[buildpack]\n  id = "test/one"\n  version = "0.0.1"\n[[targets]]\n  os = "linux"\n  arch = "amd64"\n',
    );
    for (const bin of ['detect', 'build']) await writeFile(join(work, 'one/bin', bin), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    await writeFile(
      join(work, 'meta/buildpack.toml'),
      'api = "0.10"\n[buildpack]\n  id = "test/meta"\n  version = "0.0.1"\n[[order]]\n  [[order.group]]\n    id = "test/one"\n    version = "0.0.1"\n',
    );
    await writeFile(join(work, 'one.toml'), `[buildpack]\n  uri = "${join(work, 'one')}"\n`);
    const packed = await runPack(['buildpack', 'package', join(work, 'one.cnb'), '--config', join(work, 'one.toml'), '--format', 'file']);
    expect(packed.code, packed.stderr).toBe(0);

    const fromPack = await readCnbFile(join(work, 'one.cnb'));
    expect(await fromPack.mediaType()).toBe(mediaTypes.dockerManifest);
    expect(await checkImageConformance(fromPack)).toEqual([]);
    const oneDiffId = await (await fromPack.layers())[0]!.diffId();

    await writeCnbFile(join(work, 'ours.cnb'), fromPack);
    expect(await (await readCnbFile(join(work, 'ours.cnb'))).digest()).toBe(await fromPack.digest());
    await writeFile(join(work, 'meta.toml'), `[buildpack]\n  uri = "${join(work, 'meta')}"\n[[dependencies]]\n  uri = "${join(work, 'ours.cnb')}"\n`);
    const meta = await runPack(['buildpack', 'package', join(work, 'meta.cnb'), '--config', join(work, 'meta.toml'), '--format', 'file']);
    expect(meta.code, meta.stderr).toBe(0);
    const metaImage = await readCnbFile(join(work, 'meta.cnb'));
    const labels = (await metaImage.configFile()).config?.Labels ?? {};
    expect(labels['io.buildpacks.buildpack.layers']).toContain(oneDiffId);
    expect(await Promise.all((await metaImage.layers()).map((l) => l.diffId()))).toContain(oneDiffId);
  });
});

describe('a 1 GiB .cnb', () => {
  it('is written and read back by streaming, without buffering the blob', async () => {
    const blobFile = join(root, 'big.tar');
    const chunk = Buffer.alloc(1024 * 1024);
    const hash = createHash('sha256');
    await pipeline(
      (function* () {
        for (let i = 0; i < 1024; i++) {
          // A fresh buffer per chunk: the stream may still hold earlier ones when the next is made.
          const part = Buffer.from(chunk);
          part.writeUInt32BE(i, 0);
          hash.update(part);
          yield part;
        }
      })(),
      createWriteStream(blobFile),
    );
    const digest = `sha256:${hash.digest('hex')}` as Digest;
    const size = (await stat(blobFile)).size;
    // An uncompressed layer: its digest is its diffID, and its bytes are the file's.
    const layer: Layer = {
      digest: () => Promise.resolve(digest),
      diffId: () => Promise.resolve(digest),
      size: () => Promise.resolve(size),
      mediaType: () => Promise.resolve(mediaTypes.ociLayer),
      compressed: () => Promise.resolve(createReadStream(blobFile)),
      uncompressed: () => Promise.resolve(createReadStream(blobFile)),
    };
    const image = await imageFromLayers([layer]);
    const cnb = join(root, 'big.cnb');
    const rssBefore = process.memoryUsage().rss;
    let peak = rssBefore;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
    try {
      const startWrite = Date.now();
      await writeCnbFile(cnb, image);
      const writeMs = Date.now() - startWrite;
      await rm(blobFile);
      const startRead = Date.now();
      const back = await readCnbFile(cnb);
      const openMs = Date.now() - startRead;
      const [readLayer] = await back.layers();
      const readHash = createHash('sha256');
      for await (const part of (await readLayer!.compressed()) as AsyncIterable<Buffer>) readHash.update(part);
      const readMs = Date.now() - startRead;
      expect(`sha256:${readHash.digest('hex')}`).toBe(digest);
      expect(await back.digest()).toBe(await image.digest());
      console.log(`1 GiB .cnb: write ${writeMs} ms, open ${openMs} ms, verified read ${readMs} ms, rss growth ${Math.round((peak - rssBefore) / 2 ** 20)} MiB`);
    } finally {
      clearInterval(sampler);
      await rm(cnb, { force: true });
    }
    expect(peak - rssBefore).toBeLessThan(256 * 2 ** 20);
  });
});
