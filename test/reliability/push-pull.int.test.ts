// Pushes and pulls of images with multi-MiB layers through the fault proxy, in front of the REAL
// docker-registry. Each scenario runs with several seeds; every run must either converge (skopeo,
// talking to the registry directly, reads an image whose every blob matches its digest) or fail
// with a typed, retryable error, within a bounded number of requests, and the tag must never name
// a half-written image: it keeps the old digest or names the new, complete one.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DigestMismatchError,
  RegistryTransport,
  appendLayers,
  createTarLayer,
  emptyImage,
  parseReference,
  pushImage,
  remoteImage,
  type Image,
} from '../../src/oci/index.ts';
import { isAppError } from '../../src/shared/index.ts';
import { digestOfStream, randomBytes } from '../../src/oci/testing/index.ts';
import { removeDir, scratchDir, skopeoCopy, skopeoInspectRaw, startRegistry, stopAllRegistries, type RegistryHandle } from '../harness/index.ts';
import { startFaultProxy, type FaultProxy, type FaultRule } from '../harness/fault-proxy.ts';

const MiB = 1024 * 1024;
const seeds = [11, 12, 13, 14, 15, 16];
/** A generous bound: 4 blobs and a manifest take about 20 requests, and each retries at most 4 times. */
const maxRequestsPerRun = 250;

let registry: RegistryHandle;
let work = '';

beforeAll(async () => {
  registry = await startRegistry({ mode: 'plain' });
  work = await scratchDir('reliability-push-pull');
});

afterAll(async () => {
  await stopAllRegistries();
  await removeDir(work);
});

/** An image with two incompressible layers of `mib` MiB and a small one, all seeded. */
function bigImage(seed: number, mib: number): Image {
  const layers = [0, 1].map((i) =>
    createTarLayer([{ path: `data/blob-${seed}-${i}`, type: 'file', mode: 0o644, content: randomBytes(seed * 10 + i, mib * MiB) }]),
  );
  const small = createTarLayer([{ path: `etc/seed`, type: 'file', mode: 0o644, content: `seed ${seed}\n` }]);
  return appendLayers(emptyImage({ os: 'linux', architecture: 'amd64' }), [...layers, small]);
}

/** The digest the registry itself (not the proxy) serves for `repository:tag`, or undefined. */
async function tagDigest(repository: string, tag: string): Promise<string | undefined> {
  try {
    return (await skopeoInspectRaw(`docker://${registry.host}/${repository}:${tag}`, registry.skopeoArgs())).digest;
  } catch {
    return undefined;
  }
}

/** skopeo copies every blob of the image straight from the registry, checking each digest. */
async function verifyComplete(repository: string, digest: string, name: string): Promise<void> {
  await skopeoCopy({
    src: `docker://${registry.host}/${repository}@${digest}`,
    dest: `oci:${join(work, name)}:x`,
    flags: registry.skopeoArgs({ role: 'src' }),
  });
}

interface Tally {
  runs: number;
  converged: number;
  failedCleanly: number;
  faults: Record<string, number>;
  requests: number[];
}

function newTally(): Tally {
  return { runs: 0, converged: 0, failedCleanly: 0, faults: {}, requests: [] };
}

function addRun(tally: Tally, proxy: FaultProxy, ok: boolean): void {
  tally.runs++;
  if (ok) tally.converged++;
  else tally.failedCleanly++;
  tally.requests.push(proxy.requests.length);
  for (const [kind, n] of Object.entries(proxy.summary())) tally.faults[kind] = (tally.faults[kind] ?? 0) + n;
}

function report(name: string, tally: Tally): void {
  console.log(
    `[reliability] ${name}: runs=${tally.runs} converged=${tally.converged} failedCleanly=${tally.failedCleanly} ` +
      `faults=${JSON.stringify(tally.faults)} requests=${tally.requests.join(',')}`,
  );
}

/** A failure is clean when it is a typed AppError flagged retryable (a caller's retry may succeed). */
function expectCleanFailure(error: unknown): void {
  expect(isAppError(error), String(error)).toBe(true);
  expect((error as { retryable: boolean }).retryable, String(error)).toBe(true);
  expect(String((error as Error).message)).not.toMatch(/^\s+at /m);
  // Upload URLs carry signed state; messages show it redacted.
  expect(String((error as Error).message)).not.toMatch(/_state=(?!REDACTED)/);
}

const pushRules: FaultRule[] = [
  { name: 'upload reset', method: /^(PATCH|PUT)$/, path: /\/blobs\/uploads\//, probability: 0.35, fault: { kind: 'reset-upload', afterBytes: 700 * 1024 } },
  { name: 'manifest 500', method: /^PUT$/, path: /\/manifests\//, probability: 0.4, fault: { kind: 'status', status: 500 } },
  { name: 'throttle', method: /^(HEAD|POST)$/, probability: 0.15, fault: { kind: 'status', status: 429, retryAfterSeconds: 1 } },
  { name: 'bad gateway', probability: 0.08, fault: { kind: 'status', status: 502 } },
  { name: 'unavailable', probability: 0.05, fault: { kind: 'status', status: 503 } },
  { name: 'stall', probability: 0.05, fault: { kind: 'stall', ms: 400 } },
];

const pullRules: FaultRule[] = [
  { name: 'download reset', method: /^GET$/, path: /\/blobs\/sha256:/, probability: 0.4, fault: { kind: 'reset-download', afterBytes: 900 * 1024 } },
  { name: 'truncated body', method: /^GET$/, path: /\/blobs\/sha256:/, probability: 0.25, fault: { kind: 'truncate', afterBytes: 300 * 1024 } },
  { name: 'manifest 503', method: /^GET$/, path: /\/manifests\//, probability: 0.3, fault: { kind: 'status', status: 503 } },
  { name: 'throttle', probability: 0.08, fault: { kind: 'status', status: 429, retryAfterSeconds: 1 } },
  { name: 'bad gateway', probability: 0.05, fault: { kind: 'status', status: 502 } },
  { name: 'stall', probability: 0.05, fault: { kind: 'stall', ms: 400 } },
];

describe('registry client through injected faults', () => {
  it('pushes multi-MiB images: each run converges to a complete image or fails retryably, and the tag never names a partial image', async () => {
    const tally = newTally();
    const repository = 'reliability/push';
    // The tag starts at a known image, pushed without faults.
    const direct = new RegistryTransport();
    await pushImage(bigImage(1, 1), parseReference(`${registry.host}/${repository}:app`), { transport: direct });
    await direct.close();
    for (const seed of seeds) {
      const before = await tagDigest(repository, 'app');
      const proxy = await startFaultProxy({ upstream: registry.host, rules: pushRules, seed, maxFaults: 10 });
      const transport = new RegistryTransport();
      const image = bigImage(seed, 3);
      const wanted = await image.digest();
      let ok = false;
      try {
        await pushImage(image, parseReference(`${proxy.host}/${repository}:app`), { transport });
        ok = true;
      } catch (error) {
        expectCleanFailure(error);
      } finally {
        await transport.close();
        await proxy.stop();
      }
      const after = await tagDigest(repository, 'app');
      if (ok) expect(after).toBe(wanted);
      else expect([before, wanted]).toContain(after);
      await verifyComplete(repository, after!, `push-${seed}`);
      expect(proxy.requests.length).toBeLessThan(maxRequestsPerRun);
      addRun(tally, proxy, ok);
    }
    report('push 2x3 MiB layers', tally);
    expect(Object.values(tally.faults).reduce((a, b) => a + b, 0)).toBeGreaterThan(seeds.length);
    expect(tally.faults['reset-upload']).toBeGreaterThan(0);
    expect(tally.converged).toBeGreaterThan(0);
  });

  it('pulls multi-MiB images: each run reads every blob with its digest verified, or fails retryably', async () => {
    const tally = newTally();
    const repository = 'reliability/pull';
    const image = bigImage(2, 4);
    const direct = new RegistryTransport();
    await pushImage(image, parseReference(`${registry.host}/${repository}:src`), { transport: direct });
    await direct.close();
    const manifest = await image.manifest();
    const expected = manifest.layers.map((l) => l.digest);
    for (const seed of seeds) {
      const proxy = await startFaultProxy({ upstream: registry.host, rules: pullRules, seed, maxFaults: 10 });
      const transport = new RegistryTransport();
      let ok = false;
      try {
        const pulled = await remoteImage(parseReference(`${proxy.host}/${repository}:src`), { transport });
        const digests: string[] = [];
        for (const layer of await pulled.layers()) digests.push((await digestOfStream(await layer.compressed())).digest);
        expect(digests).toEqual(expected);
        expect(await pulled.digest()).toBe(await image.digest());
        ok = true;
      } catch (error) {
        console.log(`[reliability] pull seed ${seed} failed: ${String(error)}`);
        expectCleanFailure(error);
      } finally {
        await transport.close();
        await proxy.stop();
      }
      expect(proxy.requests.length).toBeLessThan(maxRequestsPerRun);
      addRun(tally, proxy, ok);
    }
    report('pull 2x4 MiB layers', tally);
    expect(tally.faults['reset-download']).toBeGreaterThan(0);
    expect(tally.converged).toBeGreaterThan(0);
  });

  it('gives up on a registry that keeps failing the manifest PUT after exactly the policy attempts, leaving the old tag', async () => {
    const repository = 'reliability/outage';
    const direct = new RegistryTransport();
    await pushImage(bigImage(3, 1), parseReference(`${registry.host}/${repository}:app`), { transport: direct });
    await direct.close();
    const before = await tagDigest(repository, 'app');
    const proxy = await startFaultProxy({
      upstream: registry.host,
      rules: [{ name: 'manifest outage', method: /^PUT$/, path: /\/manifests\//, fault: { kind: 'status', status: 503, retryAfterSeconds: 0 } }],
      maxFaults: 100,
    });
    const transport = new RegistryTransport();
    const failure = await pushImage(bigImage(4, 1), parseReference(`${proxy.host}/${repository}:app`), { transport }).then(
      () => undefined,
      (error: unknown) => error,
    );
    await transport.close();
    await proxy.stop();
    expectCleanFailure(failure);
    expect(String(failure)).toMatch(/503/);
    const manifestPuts = proxy.requests.filter((r) => r.method === 'PUT' && r.path.includes('/manifests/'));
    expect(manifestPuts).toHaveLength(transport.retryPolicy.maxAttempts);
    expect(await tagDigest(repository, 'app')).toBe(before);
    console.log(`[reliability] outage: manifest PUT tried ${manifestPuts.length} times, tag kept ${before ?? ''}; error: ${String(failure)}`);
  });

  it('a stall longer than the idle timeout costs one attempt, and the retry completes the pull', async () => {
    const repository = 'reliability/stall';
    const image = bigImage(5, 1);
    const direct = new RegistryTransport();
    await pushImage(image, parseReference(`${registry.host}/${repository}:src`), { transport: direct });
    await direct.close();
    const proxy = await startFaultProxy({
      upstream: registry.host,
      rules: [{ name: 'first manifest stalls', method: /^GET$/, path: /\/manifests\//, nth: [1], fault: { kind: 'stall', ms: 3000 } }],
    });
    const transport = new RegistryTransport({ idleTimeoutMs: 1000 });
    try {
      const pulled = await remoteImage(parseReference(`${proxy.host}/${repository}:src`), { transport });
      expect(await pulled.digest()).toBe(await image.digest());
    } finally {
      await transport.close();
      await proxy.stop();
    }
    expect(proxy.summary()).toEqual({ stall: 1 });
    // The client gave up on the stalled request (no answer was sent to it) and the second one answered: the pull did
    // not wait out the 3 s stall.
    const manifestRequests = proxy.requests.filter((r) => r.path.includes('/manifests/'));
    expect(manifestRequests.map((r) => r.status)).toEqual([undefined, 200]);
  });

  it('never accepts corrupted bytes: a flipped bit in a manifest is fetched again; one in a layer blob is a typed retryable error, and a fresh attempt succeeds', async () => {
    const repository = 'reliability/corrupt';
    const image = bigImage(6, 1);
    const direct = new RegistryTransport();
    await pushImage(image, parseReference(`${registry.host}/${repository}:src`), { transport: direct });
    await direct.close();
    const expected = (await image.manifest()).layers.map((l) => l.digest);
    const cases: Array<{ name: string; rule: FaultRule; firstAttemptFails: boolean }> = [
      {
        name: 'manifest',
        rule: { name: 'corrupt manifest', method: /^GET$/, path: /\/manifests\//, nth: [1], fault: { kind: 'corrupt', atByte: 40 } },
        firstAttemptFails: false,
      },
      {
        name: 'blob',
        rule: { name: 'corrupt blob', method: /^GET$/, path: /\/blobs\/sha256:/, nth: [2], fault: { kind: 'corrupt', atByte: 300 * 1024 } },
        firstAttemptFails: true,
      },
    ];
    for (const { name, rule, firstAttemptFails } of cases) {
      const proxy = await startFaultProxy({ upstream: registry.host, rules: [rule] });
      const transport = new RegistryTransport();
      const pull = async (): Promise<string[]> => {
        const pulled = await remoteImage(parseReference(`${proxy.host}/${repository}:src`), { transport });
        const digests: string[] = [];
        for (const layer of await pulled.layers()) digests.push((await digestOfStream(await layer.compressed())).digest);
        return digests;
      };
      try {
        if (firstAttemptFails) {
          const failure = await pull().then(
            () => undefined,
            (error: unknown) => error,
          );
          expect(failure, name).toBeInstanceOf(DigestMismatchError);
          expectCleanFailure(failure);
        }
        expect(await pull()).toEqual(expected);
      } finally {
        await transport.close();
        await proxy.stop();
      }
      expect(proxy.summary()).toEqual({ corrupt: 1 });
    }
  });

  it('a connection cut in the middle of a manifest or config body is fetched again; cuts on every try end in a typed retryable error', async () => {
    const repository = 'reliability/small-cut';
    const image = bigImage(7, 1);
    const direct = new RegistryTransport();
    await pushImage(image, parseReference(`${registry.host}/${repository}:src`), { transport: direct });
    await direct.close();
    const config = (await image.manifest()).config.digest;
    const manifestPath = /\/manifests\//;
    const configPath = new RegExp(`/blobs/${config}$`);
    const cases: Array<{ rule: FaultRule; path: RegExp; converges: boolean }> = [
      {
        rule: { name: 'cut manifest once', method: /^GET$/, path: manifestPath, nth: [1], fault: { kind: 'reset-download', afterBytes: 50 } },
        path: manifestPath,
        converges: true,
      },
      {
        rule: { name: 'cut config once', method: /^GET$/, path: configPath, nth: [1], fault: { kind: 'reset-download', afterBytes: 50 } },
        path: configPath,
        converges: true,
      },
      {
        rule: { name: 'cut manifest always', method: /^GET$/, path: manifestPath, fault: { kind: 'reset-download', afterBytes: 50 } },
        path: manifestPath,
        converges: false,
      },
    ];
    for (const { rule, path, converges } of cases) {
      const proxy = await startFaultProxy({ upstream: registry.host, rules: [rule] });
      const transport = new RegistryTransport();
      const read = async (): Promise<string> => {
        const pulled = await remoteImage(parseReference(`${proxy.host}/${repository}:src`), { transport });
        await pulled.configFile();
        return pulled.digest();
      };
      try {
        const outcome = await read().then(
          (digest) => digest,
          (error: unknown) => error,
        );
        const tries = proxy.requests.filter((r) => r.method === 'GET' && path.test(r.path)).length;
        if (converges) {
          expect(outcome, rule.name).toBe(await image.digest());
          expect(tries, rule.name).toBe(2);
        } else {
          expectCleanFailure(outcome);
          expect(String(outcome)).toMatch(/GET .*manifests/);
          expect(tries, rule.name).toBe(transport.retryPolicy.maxAttempts);
        }
      } finally {
        await transport.close();
        await proxy.stop();
      }
    }
  });
});
