/**
 * Benchmark (issue "OCI library"): copy an image with one large layer between two repositories on
 * two real registries (no cross-registry mount is possible, so every byte streams through). The
 * copy runs in a fresh child process so that its peak RSS is its own. Reports wall time, throughput,
 * peak RSS and requests. Run: `npx node bench/copy-layer.ts [size-in-MiB]` (default 1024); needs
 * scripts/provision.sh to have installed docker-registry.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { RegistryTransport, appendLayers, createTarLayer, emptyImage, pushImage, remoteImage } from '../src/oci/index.ts';
import { startRegistry } from '../test/harness/index.ts';

/** Pseudo-random bytes (xorshift), so the layer does not compress away and costs no memory. */
function noise(total: number, seed: number): Readable {
  let state = seed >>> 0 || 1;
  let left = total;
  return new Readable({
    read() {
      if (left === 0) return void this.push(null);
      const n = Math.min(left, 1 << 20);
      const chunk = Buffer.allocUnsafe(n);
      for (let i = 0; i < n; i += 4) {
        state ^= state << 13;
        state ^= state >>> 17;
        state ^= state << 5;
        chunk.writeUInt32LE(state >>> 0, i);
      }
      left -= n;
      this.push(chunk);
    },
  });
}

/** Child mode: copy SRC to DST and print one JSON line of measurements. */
async function copy(sourceRef: string, targetRef: string): Promise<void> {
  const transport = new RegistryTransport({});
  const started = process.hrtime.bigint();
  const pulled = await remoteImage(sourceRef, { transport });
  const result = await pushImage(pulled, targetRef, { transport });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const bytes = await (await pulled.layers())[0]!.size();
  const report = { seconds, bytes, maxRssKiB: process.resourceUsage().maxRSS, blobs: Object.values(result.blobs), totals: transport.counters.totals() };
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

async function main(mib: number): Promise<void> {
  const size = mib * 1024 * 1024;
  const source = await startRegistry({ mode: 'plain', storage: 'filesystem' });
  const target = await startRegistry({ mode: 'plain', storage: 'filesystem' });
  try {
    const layer = createTarLayer([{ path: 'blob.bin', type: 'file', mode: 0o644, size, open: () => Promise.resolve(noise(size, 7)) }], {
      compression: 'gzip',
      level: 1,
    });
    const image = appendLayers(emptyImage({ os: 'linux', architecture: 'amd64' }), [layer]);
    const seeded = Date.now();
    await pushImage(image, `${source.host}/bench/src:v1`, { transport: new RegistryTransport({}) });
    process.stdout.write(`seeded ${mib} MiB into the source registry in ${((Date.now() - seeded) / 1000).toFixed(1)} s\n`);
    // Asynchronous on purpose: the registries' logs are piped through this process, and a blocked
    // event loop would stop draining them and stall the registries.
    const child = await promisify(execFile)(
      process.execPath,
      [fileURLToPath(import.meta.url), '--copy', `${source.host}/bench/src:v1`, `${target.host}/bench/dst:v1`],
      { encoding: 'utf8' },
    );
    const r = JSON.parse(child.stdout.trim().split('\n').pop()!) as { seconds: number; bytes: number; maxRssKiB: number; blobs: string[]; totals: unknown };
    const mibCopied = r.bytes / 1048576;
    process.stdout.write(
      [
        `copied ${mibCopied.toFixed(0)} MiB (compressed layer) registry→registry in ${r.seconds.toFixed(2)} s`,
        `throughput ${(mibCopied / r.seconds).toFixed(1)} MiB/s`,
        `peak RSS of the copying process ${(r.maxRssKiB / 1024).toFixed(0)} MiB`,
        `blobs ${JSON.stringify(r.blobs)}`,
        `requests ${JSON.stringify(r.totals)}`,
      ].join('\n') + '\n',
    );
  } finally {
    await Promise.all([source.stop(), target.stop()]);
  }
}

if (process.argv[2] === '--copy') await copy(process.argv[3]!, process.argv[4]!);
else await main(Number(process.argv[2] ?? 1024));
