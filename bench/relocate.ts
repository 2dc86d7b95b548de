/**
 * Benchmark (issue 7, "buildpackages and stacks relocated to a configured default repository, with
 * mounts, only what is missing, progress shown"): `packsmith clusterstore create <store> -b ×20
 * --no-wait` as a child process (bin/packsmith.js under GNU time) against a REAL kube-apiserver
 * and a REAL docker-registry (Basic auth), both started by test/cli-cluster/world.ts (which also
 * runs the controller in-process; --no-wait keeps it out of the measured time).
 *
 * Inputs (not measured): the 20 buildpackages of the builder benchmark (bench/builder-inputs.ts,
 * payloads 1–6 MiB of pseudo-random bytes, 66 MiB in all) published to the registry, the same 20
 * written as local .cnb files, and 20 new ones (another revision: new version, new payload seed).
 * Measured per round, into a fresh default repository (kp-config `default.repository`):
 *   (1) store A from the 20 registry images: same registry, so every blob should be mounted;
 *   (2) store B from the same images: already in the default repository, nothing to write;
 *   (3) store C from the 20 .cnb files of those images: their blobs are already there;
 *   (4) store D from the 20 new .cnb files: every blob uploaded (≈ 66 MiB up).
 * The CLI reaches the registry through a counting TCP relay (bytes up and down); its requests come
 * from the registry's access log (user agent `packsmith-cli`). Between runs (not measured) the
 * store is awaited Ready, so the controller's reads do not overlap the next run.
 *
 * Run: `npx node bench/relocate.ts [--rounds N]` (default 1; medians over rounds). Needs
 * scripts/provision.sh and GNU time. Every wait has a deadline. Prints a table and writes
 * bench/out/relocate-<date>.json.
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { writeCnbFile } from '../src/oci/index.ts';
import type { AccessLogEntry } from '../test/harness/index.ts';
import { startCliWorld, type CliWorld } from '../test/cli-cluster/world.ts';
import { conditionOf } from '../test/controller/world.ts';
import { benchBuildpackage, buildpackId, payloadSize } from './builder-inputs.ts';
import { runTimed as runProcessTimed, startRelay, summarizeLog, wireDelta, type ByteRelay, type ProcessCost } from './builder-meter.ts';
import { printReport, scenarioText, type Measurement, type Scenario } from './relocate-report.ts';

const BUILDPACKS = 20;
const repoRoot = join(import.meta.dirname, '..');
const { values } = parseArgs({ options: { rounds: { type: 'string', default: '1' } } });
const rounds = Number(values.rounds);

interface Bench {
  world: CliWorld;
  relay: ByteRelay;
  env: NodeJS.ProcessEnv;
  /** `<relay>/bench/bp-NN:1`: the published buildpackages, as the CLI names them. */
  images: string[];
  /** The same images as .cnb files. */
  cnb: string[];
  notes: string[];
}

const mib = (bytes: number): string => (bytes / 1048576).toFixed(2);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Registry credentials for the registry's own address and the relay's (the controller reads through the relay too). */
function dockerConfig(world: CliWorld, relay: ByteRelay): string {
  const auth = Buffer.from(`${world.registry.username}:${world.registry.password}`).toString('base64');
  return JSON.stringify({ auths: { [world.registry.host]: { auth }, [relay.host]: { auth } } });
}

async function prepare(): Promise<Bench> {
  const world = await startCliWorld('bench-relocate');
  const relay = await startRelay(world.registry.port);
  const config = dockerConfig(world, relay);
  const dockerDir = join(world.work, 'bench-docker');
  await mkdir(dockerDir, { recursive: true });
  await writeFile(join(dockerDir, 'config.json'), config, { mode: 0o600 });
  const secret = (ns: string): object => ({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'registry', namespace: ns },
    type: 'kubernetes.io/dockerconfigjson',
    stringData: { '.dockerconfigjson': config },
  });
  await world.kubectl(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [secret('kpack'), secret('team')] }));
  const started = performance.now();
  const images: string[] = [];
  const cnb: string[] = [];
  for (let i = 0; i < BUILDPACKS; i++) {
    const image = await benchBuildpackage(i);
    const name = buildpackId(i).slice(6);
    await world.publish(image, `bench/${name}`, '1');
    images.push(`${relay.host}/bench/${name}:1`);
    cnb.push(join(world.work, `${name}.cnb`));
    await writeCnbFile(cnb[i]!, image);
  }
  process.stdout.write(
    `  inputs published and written in ${((performance.now() - started) / 1000).toFixed(1)} s (registry ${world.registry.host}, relay ${relay.host})\n`,
  );
  const env = { ...world.env, DOCKER_CONFIG: dockerDir, NO_COLOR: '1' };
  return { world, relay, env, images, cnb, notes: [] };
}

/** 20 new .cnb files (revision round+1: new version and payload) for scenario 4. */
async function newCnbFiles(bench: Bench, round: number): Promise<string[]> {
  const files: string[] = [];
  for (let i = 0; i < BUILDPACKS; i++) {
    files.push(join(bench.world.work, `${buildpackId(i).slice(6)}-r${round}.cnb`));
    await writeCnbFile(files[i]!, await benchBuildpackage(i, round + 1));
  }
  return files;
}

function runTimed(args: readonly string[], bench: Bench): Promise<ProcessCost> {
  const command = [join(repoRoot, 'bin/packsmith.js'), ...args];
  return runProcessTimed(process.execPath, command, { env: bench.env, cwd: repoRoot, timeFile: join(bench.world.work, 'time.out'), timeoutMs: 600_000 });
}

/** Not measured: the controller reconciles the store (reading it through the relay) before the next run starts. */
async function settle(bench: Bench, store: string, repository: string): Promise<void> {
  const { world } = bench;
  try {
    await world.until(
      async () => conditionOf((await world.getJson('clusterstores.kpack.io', store)).status, 'Ready')?.status === 'True',
      180_000,
      `ClusterStore ${store} Ready`,
    );
    const sources = ((await world.getJson('clusterstores.kpack.io', store)).spec as { sources: Array<{ image: string }> }).sources;
    const relocated = sources.filter((s) => s.image.startsWith(`${repository}@sha256:`)).length;
    if (relocated !== BUILDPACKS) bench.notes.push(`${store}: only ${relocated}/${BUILDPACKS} sources point at ${repository}`);
  } catch (error) {
    bench.notes.push(`${store}: not Ready within 180 s (${String(error).split('\n')[0]})`);
  }
}

/** Requests by method and target: `GET manifest`, `HEAD blob`, `POST upload`, `PUT upload`, `GET ping`, … */
function requestKinds(entries: readonly AccessLogEntry[]): Record<string, number> {
  const kind = (path: string): string =>
    path.includes('/blobs/uploads/')
      ? 'upload'
      : path.includes('/blobs/')
        ? 'blob'
        : path.includes('/manifests/')
          ? 'manifest'
          : path === '/v2/'
            ? 'ping'
            : 'other';
  const counts: Record<string, number> = {};
  for (const e of entries) counts[`${e.method} ${kind(e.path)}`] = (counts[`${e.method} ${kind(e.path)}`] ?? 0) + 1;
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
}

async function measure(
  bench: Bench,
  run: { scenario: Scenario; round: number; store: string; sources: readonly string[]; repository: string },
): Promise<Measurement> {
  const logBefore = (await bench.world.registry.accessLog()).length;
  const wireBefore = bench.relay.totals();
  const cost = await runTimed(['clusterstore', 'create', run.store, ...run.sources.flatMap((s) => ['-b', s]), '--no-wait'], bench);
  const wire = wireDelta(bench.relay.totals(), wireBefore);
  await sleep(500); // the registry writes its access log asynchronously
  const entries = (await bench.world.registry.accessLog()).slice(logBefore).filter((e) => e.userAgent === 'packsmith-cli');
  const log = summarizeLog(entries);
  const ok = cost.code === 0;
  const uploadingLines = cost.output.split('\n').filter((l) => l.includes('Uploading')).length;
  process.stdout.write(
    `  ${run.scenario.padEnd(17)} ${ok ? 'ok    ' : `exit ${cost.code}`} ${cost.seconds.toFixed(2)} s, ${log.requests} requests, ${log.mounted} mounted, ${log.blobUploads} blob uploads, up ${mib(wire.up)} MiB, down ${mib(wire.down)} MiB\n`,
  );
  if (!ok)
    process.stdout.write(
      `${cost.output
        .trim()
        .split('\n')
        .slice(-15)
        .map((l) => `    | ${l}`)
        .join('\n')}\n`,
    );
  await settle(bench, run.store, run.repository);
  return {
    ...run,
    ok,
    requestKinds: requestKinds(entries),
    seconds: cost.seconds,
    cpuSeconds: cost.cpuSeconds,
    maxRssMiB: cost.maxRssMiB,
    wire,
    log,
    uploadingLines,
    ...(ok ? {} : { output: cost.output.slice(-4000) }),
  };
}

async function runRound(bench: Bench, round: number): Promise<Measurement[]> {
  process.stdout.write(`round ${round + 1}\n`);
  const repository = `${bench.relay.host}/kp-default-r${round + 1}`;
  await bench.world.kubectl([
    'patch',
    'configmap',
    'kp-config',
    '-n',
    'kpack',
    '--type',
    'merge',
    '-p',
    JSON.stringify({ data: { 'default.repository': repository } }),
  ]);
  const fresh = await newCnbFiles(bench, round);
  const plan: Array<{ scenario: Scenario; store: string; sources: readonly string[] }> = [
    { scenario: 'registry-mount', store: `bench-a-r${round + 1}`, sources: bench.images },
    { scenario: 'registry-present', store: `bench-b-r${round + 1}`, sources: bench.images },
    { scenario: 'cnb-present', store: `bench-c-r${round + 1}`, sources: bench.cnb },
    { scenario: 'cnb-new', store: `bench-d-r${round + 1}`, sources: fresh },
  ];
  const measurements: Measurement[] = [];
  for (const step of plan) measurements.push(await measure(bench, { ...step, round, repository }));
  return measurements;
}

/** Start-up cost of the CLI doing nothing, to separate it from the relocation itself. */
async function startupSeconds(bench: Bench): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < 3; i++) times.push((await runTimed(['--version'], bench)).seconds);
  return Math.min(...times);
}

async function main(): Promise<void> {
  if (!existsSync('/usr/bin/time')) throw new Error('GNU time (/usr/bin/time) is needed for CPU and RSS figures');
  const payloadBytes = Array.from({ length: BUILDPACKS }, (_v, i) => payloadSize(i)).reduce((a, b) => a + b, 0);
  process.stdout.write(`relocation benchmark: ${BUILDPACKS} buildpackages (payloads ${mib(payloadBytes)} MiB of pseudo-random bytes), ${rounds} round(s)\n`);
  const bench = await prepare();
  try {
    const measurements: Measurement[] = [];
    for (let r = 0; r < rounds; r++) measurements.push(...(await runRound(bench, r)));
    const startup = await startupSeconds(bench);
    const write = (text: string): void => void process.stdout.write(text);
    const rows = printReport(measurements, payloadBytes, write);
    write(`  CLI start-up (packsmith --version, best of 3): ${startup.toFixed(2)} s\n`);
    for (const m of measurements) {
      const kinds = Object.entries(m.requestKinds)
        .map(([k, n]) => `${k} ${n}`)
        .join(', ');
      write(`  ${m.scenario} round ${m.round + 1}: ${m.uploadingLines} "Uploading" progress lines; requests: ${kinds}\n`);
    }
    for (const note of bench.notes) write(`  note: ${note}\n`);
    const outDir = join(repoRoot, 'bench/out');
    await mkdir(outDir, { recursive: true });
    const file = join(outDir, `relocate-${new Date().toISOString().slice(0, 10)}.json`);
    const report = {
      date: new Date().toISOString(),
      node: process.version,
      rounds,
      payloadBytes,
      startupSeconds: startup,
      scenarios: scenarioText,
      rows,
      measurements,
      notes: bench.notes,
    };
    await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
    write(`\nwritten to ${file}\n`);
  } finally {
    await bench.relay.close();
    await bench.world.stop();
  }
}

await main();
