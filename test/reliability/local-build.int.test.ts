// A full local-mode builder build (`packsmith build -f`, two builders, the real lifecycle binary as
// a multi-MiB layer) with the fault proxy between packsmith and the REAL docker-registry. Inputs are
// published with skopeo straight into the registry; the resources name them through the proxy.
// Each seeded run must either succeed with builders that skopeo, bypassing the proxy, reads back
// complete under the digests packsmith reported, or fail with a clear message (exit 1, no stack
// trace), within a bounded number of requests; a builder tag never names a partial image.
import { join } from 'node:path';
import { mkdir, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCaptured, type CliRun } from '../../src/cli/testing/index.ts';
import { writeLayout, type Image } from '../../src/oci/index.ts';
import { removeDir, scratchDir, skopeoCopy, skopeoInspectRaw, startRegistry, stopAllRegistries, type RegistryHandle } from '../harness/index.ts';
import { startFaultProxy, type FaultRule } from '../harness/fault-proxy.ts';
import { buildpackages, lifecycleImage, resourcesYaml, stackImage, type Locations } from '../app/fixtures.ts';

const seeds = [21, 22, 23, 24];
const builderTags = ['builder-team-web', 'clusterbuilder-python'];
const maxRequestsPerRun = 600;

let registry: RegistryHandle;
let work = '';
let inputs: Omit<Locations, 'builders'>;

async function publish(image: Image, repository: string): Promise<string> {
  const layout = join(work, 'staging');
  const tag = repository.replaceAll('/', '-');
  await writeLayout(layout, image, { tag });
  await skopeoCopy({ src: `oci:${layout}:${tag}`, dest: `docker://${registry.host}/${repository}:1`, flags: registry.skopeoArgs({ role: 'dest' }) });
  return `${repository}:1`;
}

beforeAll(async () => {
  work = await scratchDir('reliability-build');
  registry = await startRegistry({ mode: 'plain' });
  await mkdir(join(work, 'docker'));
  await writeFile(join(work, 'docker', 'config.json'), '{"auths":{}}');
  const packages = await buildpackages();
  inputs = {
    web: await publish(packages.web, 'store/web'),
    ruby: await publish(packages.ruby, 'store/ruby'),
    build: await publish(stackImage('build'), 'stack/build'),
    run: await publish(stackImage('run'), 'stack/run'),
    lifecycle: await publish(await lifecycleImage(true), 'lifecycle'),
  };
});

afterAll(async () => {
  await stopAllRegistries();
  await removeDir(work);
});

const cli = (args: string[]): Promise<CliRun> => runCaptured(args, { env: { DOCKER_CONFIG: join(work, 'docker') } });

/** The digest the registry itself serves for `reference` (no proxy), or undefined when the tag does not exist. */
async function directDigest(reference: string): Promise<string | undefined> {
  try {
    return (await skopeoInspectRaw(`docker://${reference}`, registry.skopeoArgs())).digest;
  } catch {
    return undefined;
  }
}

const buildRules: FaultRule[] = [
  { name: 'upload reset', method: /^(PATCH|PUT)$/, path: /\/blobs\/uploads\//, probability: 0.3, fault: { kind: 'reset-upload', afterBytes: 1024 * 1024 } },
  { name: 'download reset', method: /^GET$/, path: /\/blobs\/sha256:/, probability: 0.25, fault: { kind: 'reset-download', afterBytes: 512 * 1024 } },
  { name: 'truncated', method: /^GET$/, path: /\/blobs\/sha256:/, probability: 0.1, fault: { kind: 'truncate', afterBytes: 64 * 1024 } },
  { name: 'manifest 500', method: /^PUT$/, path: /\/manifests\//, probability: 0.3, fault: { kind: 'status', status: 500 } },
  { name: 'throttle', probability: 0.05, fault: { kind: 'status', status: 429, retryAfterSeconds: 1 } },
  { name: 'bad gateway', probability: 0.04, fault: { kind: 'status', status: 502 } },
  { name: 'unavailable', probability: 0.03, fault: { kind: 'status', status: 503 } },
  { name: 'stall', probability: 0.03, fault: { kind: 'stall', ms: 300 } },
];

describe('packsmith build -f through injected registry faults', () => {
  it('converges to complete builders or fails clearly, in every seeded run', async () => {
    const tally = { runs: 0, converged: 0, failedCleanly: 0, faults: {} as Record<string, number>, requests: [] as number[] };
    for (const seed of seeds) {
      const proxy = await startFaultProxy({ upstream: registry.host, rules: buildRules, seed, maxFaults: 12 });
      const via = (ref: string): string => `${proxy.host}/${ref}`;
      const at: Locations = {
        web: via(inputs.web),
        ruby: via(inputs.ruby),
        build: via(inputs.build),
        run: via(inputs.run),
        lifecycle: via(inputs.lifecycle),
        builders: via(`builders/s${seed}`),
      };
      const file = join(work, `resources-${seed}.yaml`);
      await writeFile(file, resourcesYaml(at));
      const result = await cli(['build', '-f', file, '-o', 'json']).finally(() => proxy.stop());
      const reported = result.code === 0 ? (JSON.parse(result.out) as { items: Array<{ kind: string; status: { latestImage?: string } }> }) : undefined;
      if (result.code === 0) {
        const latest = reported!.items.filter((i) => i.kind.endsWith('Builder')).map((i) => i.status.latestImage ?? '');
        expect(latest).toHaveLength(2);
        for (const image of latest) expect(image).toMatch(new RegExp(`^${proxy.host}/builders/s${seed}:.+@sha256:`));
      } else {
        expect(result.code, result.err).toBe(1);
        expect(result.err + result.out).toMatch(/Failed/);
        expect(result.err + result.out).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
        console.log(`[reliability] build seed ${seed} failed: ${result.err.trim().split('\n').slice(-3).join(' | ')}`);
      }
      for (const tag of builderTags) {
        const digest = await directDigest(`${registry.host}/builders/s${seed}:${tag}`);
        const wanted = reported?.items
          .map((i) => i.status.latestImage ?? '')
          .find((l) => l.includes(`:${tag}@`))
          ?.split('@')[1];
        if (result.code === 0) expect(digest).toBe(wanted);
        // Whatever the tag names must be whole: skopeo fetches and checks every blob.
        if (digest !== undefined) {
          await skopeoCopy({
            src: `docker://${registry.host}/builders/s${seed}@${digest}`,
            dest: `oci:${join(work, `out-${seed}-${tag}`)}:x`,
            flags: registry.skopeoArgs({ role: 'src' }),
          });
        }
      }
      expect(proxy.requests.length).toBeLessThan(maxRequestsPerRun);
      tally.runs++;
      if (result.code === 0) tally.converged++;
      else tally.failedCleanly++;
      tally.requests.push(proxy.requests.length);
      for (const [kind, n] of Object.entries(proxy.summary())) tally.faults[kind] = (tally.faults[kind] ?? 0) + n;
    }
    console.log(
      `[reliability] local build (2 builders): runs=${tally.runs} converged=${tally.converged} failedCleanly=${tally.failedCleanly} ` +
        `faults=${JSON.stringify(tally.faults)} requests=${tally.requests.join(',')}`,
    );
    expect(Object.values(tally.faults).reduce((a, b) => a + b, 0)).toBeGreaterThan(seeds.length);
    expect(tally.converged + tally.failedCleanly).toBe(seeds.length);
  });

  it('ends with exit 1 and a message naming the 503 when the builder repository keeps failing, leaving no builder tag', async () => {
    const proxy = await startFaultProxy({
      upstream: registry.host,
      rules: [{ name: 'builder outage', method: /^PUT$/, path: /^\/v2\/builders\/outage\/manifests\//, fault: { kind: 'status', status: 503 } }],
      maxFaults: 100,
    });
    const via = (ref: string): string => `${proxy.host}/${ref}`;
    const at: Locations = {
      web: via(inputs.web),
      ruby: via(inputs.ruby),
      build: via(inputs.build),
      run: via(inputs.run),
      lifecycle: via(inputs.lifecycle),
      builders: via('builders/outage'),
    };
    const file = join(work, 'resources-outage.yaml');
    await writeFile(file, resourcesYaml(at));
    const result = await cli(['build', '-f', file, '-o', 'yaml']).finally(() => proxy.stop());
    expect(result.code).toBe(1);
    expect(result.out).toMatch(/message: .*503 Service Unavailable/);
    expect(result.err).toMatch(/503/);
    expect(result.err + result.out).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
    // Each manifest PUT is tried at most the policy's 5 times; the run-image copy and the builder both fail.
    const puts = proxy.requests.filter((r) => r.method === 'PUT' && r.path.includes('/manifests/'));
    expect(puts.length).toBeGreaterThan(0);
    expect(puts.length).toBeLessThanOrEqual(5 * 4);
    for (const tag of builderTags) expect(await directDigest(`${registry.host}/builders/outage:${tag}`)).toBeUndefined();
    console.log(
      `[reliability] builder outage: exit ${result.code}, ${puts.length} manifest PUTs refused; ${
        result.err
          .split('\n')
          .find((l) => l.includes('503'))
          ?.trim() ?? ''
      }`,
    );
  });

  it('cuts in manifest and config bodies end the build cleanly (exit 1 naming the request) or not at all', async () => {
    const tally = { runs: 0, converged: 0, failedCleanly: 0, cuts: 0 };
    for (const seed of [41, 42, 43]) {
      const proxy = await startFaultProxy({
        upstream: registry.host,
        seed,
        maxFaults: 3,
        rules: [
          { name: 'cut manifest', method: /^GET$/, path: /\/manifests\//, probability: 0.08, fault: { kind: 'reset-download', afterBytes: 60 } },
          { name: 'cut small blob', method: /^GET$/, path: /\/blobs\/sha256:/, probability: 0.08, fault: { kind: 'reset-download', afterBytes: 60 } },
        ],
      });
      const via = (ref: string): string => `${proxy.host}/${ref}`;
      const at: Locations = {
        web: via(inputs.web),
        ruby: via(inputs.ruby),
        build: via(inputs.build),
        run: via(inputs.run),
        lifecycle: via(inputs.lifecycle),
        builders: via(`builders/cut${seed}`),
      };
      const file = join(work, `resources-cut-${seed}.yaml`);
      await writeFile(file, resourcesYaml(at));
      const result = await cli(['build', '-f', file]).finally(() => proxy.stop());
      tally.runs++;
      tally.cuts += proxy.injected.length;
      if (result.code === 0) {
        tally.converged++;
      } else {
        tally.failedCleanly++;
        expect(result.code).toBe(1);
        expect(result.err).toMatch(/(GET|HEAD) http:\/\/\S+: terminated: other side closed/);
        expect(result.err).not.toMatch(/(Failed|:)\s+terminated\s*$/m);
      }
      for (const tag of builderTags) {
        const digest = await directDigest(`${registry.host}/builders/cut${seed}:${tag}`);
        if (digest !== undefined) {
          await skopeoCopy({
            src: `docker://${registry.host}/builders/cut${seed}@${digest}`,
            dest: `oci:${join(work, `cut-${seed}-${tag}`)}:x`,
            flags: registry.skopeoArgs({ role: 'src' }),
          });
        }
      }
    }
    console.log(
      `[reliability] local build with small-body cuts: runs=${tally.runs} converged=${tally.converged} failedCleanly=${tally.failedCleanly} cuts=${tally.cuts}`,
    );
    expect(tally.cuts).toBeGreaterThan(0);
    expect(tally.converged + tally.failedCleanly).toBe(tally.runs);
  });
});
