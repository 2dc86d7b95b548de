/**
 * Throughput and peak memory of layerFromFile on a 200 MB blob: a gzip layer whose only file holds
 * pseudo-random bytes (so it barely compresses). Each scenario runs in its own Node process, so
 * its peak RSS (getrusage maxrss) is its own. Run: `npx node bench/layer-digest.ts [sizeMiB]`.
 */
import { spawnSync } from 'node:child_process';
import { createCipheriv, createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { layerFromFile, mediaTypes, planTarEntries, writeTar, type Digest, type Layer } from '../src/oci/index.ts';

const MiB = 1024 * 1024;

/** Deterministic fast pseudo-random bytes: AES-128-CTR over zeros with a fixed key. */
function pseudoRandom(size: number): Readable {
  const cipher = createCipheriv('aes-128-ctr', Buffer.alloc(16, 1), Buffer.alloc(16, 2));
  const zeros = Buffer.alloc(MiB);
  let left = size;
  return new Readable({
    read() {
      if (left === 0) return void this.push(null);
      const n = Math.min(left, zeros.length);
      left -= n;
      this.push(cipher.update(zeros.subarray(0, n)));
    },
  });
}

async function generate(path: string, size: number): Promise<void> {
  const tar = writeTar(planTarEntries([{ path: 'random.bin', type: 'file', mode: 0o644, size, open: () => Promise.resolve(pseudoRandom(size)) }]));
  await pipeline(tar, createGzip({ level: 1 }), createWriteStream(path));
}

async function drain(stream: Readable): Promise<void> {
  for await (const _chunk of stream) {
    // only the flow matters here
  }
}

type Scenario = (path: string, known: { digest: Digest; size: number; diffId: Digest }) => Promise<void>;

const scenarios: Record<string, Scenario> = {
  'baseline: createHash over createReadStream': async (path) => {
    const hash = createHash('sha256');
    for await (const chunk of createReadStream(path, { highWaterMark: 64 * 1024 })) hash.update(chunk as Buffer);
    hash.digest('hex');
  },
  'layerFromFile, nothing known: digest()+size()+diffId() (one pass)': async (path) => {
    const layer: Layer = layerFromFile(path, { mediaType: mediaTypes.ociLayerGzip });
    await Promise.all([layer.digest(), layer.size(), layer.diffId()]);
  },
  'layerFromFile, all known: compressed() verified stream': async (path, known) => {
    await drain(await layerFromFile(path, { mediaType: mediaTypes.ociLayerGzip, ...known }).compressed());
  },
  'layerFromFile, all known: uncompressed() (verify digest + gunzip + verify diffId)': async (path, known) => {
    await drain(await layerFromFile(path, { mediaType: mediaTypes.ociLayerGzip, ...known }).uncompressed());
  },
};

async function measure(name: string, path: string, knownJson: string): Promise<void> {
  const scenario = scenarios[name];
  if (scenario === undefined) throw new Error(`unknown scenario ${name}`);
  const startRss = process.memoryUsage().rss;
  const started = performance.now();
  await scenario(path, JSON.parse(knownJson) as { digest: Digest; size: number; diffId: Digest });
  const ms = performance.now() - started;
  console.log(JSON.stringify({ ms, startRssMiB: startRss / MiB, peakRssMiB: process.resourceUsage().maxRSS / 1024 }));
}

async function main(): Promise<void> {
  const sizeMiB = Number(process.argv[2] ?? 200);
  const dir = await mkdtemp(join(tmpdir(), 'packsmith-bench-'));
  const path = join(dir, 'layer.tar.gz');
  try {
    let t = performance.now();
    await generate(path, sizeMiB * MiB);
    const blobSize = (await stat(path)).size;
    console.log(
      `node ${process.version}, zlib ${process.versions.zlib}; blob ${(blobSize / MiB).toFixed(1)} MiB (tar of ${sizeMiB} MiB pseudo-random bytes, gzip level 1), generated in ${((performance.now() - t) / 1000).toFixed(1)} s`,
    );
    t = performance.now();
    const layer = layerFromFile(path, { mediaType: mediaTypes.ociLayerGzip });
    const known = { digest: await layer.digest(), size: await layer.size(), diffId: await layer.diffId() };
    console.log(`digest ${known.digest}\ndiffId ${known.diffId}\n`);
    console.log('| scenario | time | MiB/s (compressed bytes) | RSS at start | peak RSS |\n| --- | --- | --- | --- | --- |');
    for (const name of Object.keys(scenarios)) {
      const child = spawnSync(process.execPath, [new URL(import.meta.url).pathname, '--measure', name, path, JSON.stringify(known)], { encoding: 'utf8' });
      if (child.status !== 0) throw new Error(`scenario "${name}" failed: ${child.stderr}`);
      const r = JSON.parse(child.stdout) as { ms: number; startRssMiB: number; peakRssMiB: number };
      const rate = blobSize / MiB / (r.ms / 1000);
      console.log(`| ${name} | ${(r.ms / 1000).toFixed(2)} s | ${rate.toFixed(0)} | ${r.startRssMiB.toFixed(0)} MiB | ${r.peakRssMiB.toFixed(0)} MiB |`);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--measure') await measure(process.argv[3] ?? '', process.argv[4] ?? '', process.argv[5] ?? '{}');
else await main();
