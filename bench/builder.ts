/**
 * Benchmark (issue "Builder engine and local mode"): a builder of 20 buildpacks from stores in a
 * loopback registry, written to the same registry, built by packsmith (`packsmith build -f`, the
 * CLI as a process), by kpack's own code (bench/kpack: kpack v0.18.0's store, stack and lifecycle
 * readers and its RemoteBuilderCreator in one Go process) and by `pack builder create --publish`
 * (pack v0.35.1) from the same inputs.
 * Measures, for each tool: the first build, a rebuild with nothing changed, and a rebuild after
 * one buildpackage changed (new version and payload, the store / builder.toml pointed at it):
 * wall time (plus CPU and peak RSS via GNU time), registry requests by method (the registry's
 * access log), and bytes up and down on the wire (a counting TCP relay every tool goes through).
 *
 * With `--two-targets` every input is an image index over linux/amd64 and linux/arm64 (the arm64
 * images are the amd64 ones under an arm64 config: the same layers), packsmith makes its default
 * two-target builder index and pack gets `--target linux/amd64 --target linux/arm64`; kpack makes
 * single-architecture builders only, so its column is left out (issue 15).
 *
 * Run: `npx node bench/builder.ts [--rounds N] [--two-targets] [--requests] [--cpu-prof DIR] [--packsmith-only]`
 * (default 1; with more rounds the table shows medians; `--requests` prints packsmith's requests of each
 * run by method, path kind and repository; `--cpu-prof DIR` writes a V8 CPU profile of each packsmith run
 * into DIR; `--packsmith-only` leaves pack and kpack out; `--relay-port N` fixes the relay's port, so that
 * the builders of two packsmith builds, PACKSMITH_BENCH_ENTRY=<other dist/bundle/main.js>, compare by digest). Needs scripts/provision.sh (docker-registry, the lifecycle and pack binaries) and GNU
 * time; `go` builds the lifecycle's launcher from the module cache for pack's lifecycle tarball,
 * else a stand-in file is used (pack only checks that it is there). Prints a table and writes
 * bench/out/builder-<date>.json. One round takes under a minute: it starts its own registry,
 * pushes the inputs (not measured), then runs each tool three times.
 *
 * Same inputs for all: the buildpackage, build and run images. packsmith and kpack take the lifecycle as
 * an image, pack v0.35.1 only as a tarball (same files). pack's builder.toml names buildpackages
 * by bare reference, since v0.35.1 rejects `docker://` URIs whose registry has a port.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rename, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  Credentials,
  RegistryTransport,
  indexFromImages,
  parsePlatform,
  pushImage,
  pushIndex,
  remoteImage,
  remoteIndex,
  staticKeychain,
  withConfig,
  type Image,
  type Keychain,
} from '../src/oci/index.ts';
import { lifecycleBin, packBin, removeDir, runCommand, scratchDir, startRegistry, type RegistryHandle } from '../test/harness/index.ts';
import {
  benchBuildpackage,
  benchLifecycleImage,
  benchStackImage,
  benchOrder,
  buildpackId,
  packBuilderToml,
  packsmithYaml,
  payloadSize,
  stackId,
  writeLifecycleTarball,
  type BenchRefs,
  type LifecycleBinaries,
} from './builder-inputs.ts';
import {
  runTimed as runProcessTimed,
  startRelay,
  requestBreakdown,
  summarizeLog,
  wireDelta,
  type ByteRelay,
  type LogSummary,
  type ProcessCost,
  type WireTotals,
} from './builder-meter.ts';
import { printReport, type Measurement, type Scenario, type Tool } from './builder-report.ts';

const BUILDPACKS = 20;
// The buildpack that changes between builds: bench/bp-03, whose payload is 3 MiB (see payloadSize).
const CHANGED = 2;
const repoRoot = fileURLToPath(new URL('..', import.meta.url));
// Multi-arch mode (issue 15): inputs and builders are linux/amd64 + linux/arm64 indexes.
const TWO_TARGETS = process.argv.includes('--two-targets');
// `--requests`: print packsmith's requests of each run by method, kind of path and repository.
const REQUESTS = process.argv.includes('--requests');
// `--cpu-prof DIR`: each packsmith run writes a V8 CPU profile into DIR (open it in Chrome DevTools).
const cpuProfFlag = process.argv.indexOf('--cpu-prof');
const CPU_PROF = cpuProfFlag > 0 ? process.argv[cpuProfFlag + 1] : undefined;
// `--relay-port N`: the relay (and so every image name the tools see) on a fixed port, so that builders of two builds compare by digest.
const relayPortFlag = process.argv.indexOf('--relay-port');
const RELAY_PORT = relayPortFlag > 0 ? Number(process.argv[relayPortFlag + 1]) : 0;
// `--packsmith-only`: leave pack out (quicker rounds while working on packsmith; no ratios then).
const PACKSMITH_ONLY = process.argv.includes('--packsmith-only');
const ARCHES = TWO_TARGETS ? ['amd64', 'arm64'] : ['amd64'];

/** Pushes `image`, or in two-target mode an index over it and its arm64 twin (same layers, so no extra bytes). */
async function pushInput(image: Image, reference: string, transport: RegistryTransport): Promise<void> {
  if (!TWO_TARGETS) {
    await pushImage(image, reference, { transport });
    return;
  }
  const arm64 = withConfig(image, (config) => ({ ...config, architecture: 'arm64' }));
  const index = await indexFromImages([
    { platform: parsePlatform('linux/amd64'), image },
    { platform: parsePlatform('linux/arm64'), image: arm64 },
  ]);
  await pushIndex(index, reference, { transport });
}

interface Round {
  work: string;
  registry: RegistryHandle;
  relay: ByteRelay;
  refs: BenchRefs;
  lifecycleTarball: string;
  /** The bench/kpack binary, or undefined when it could not be built (the kpack column is then skipped). */
  kpack: string | undefined;
  /** The bench's own credentials (input pushes, checks), for the registry and the relay alike. */
  keychain: Keychain;
  notes: string[];
}

function benchKeychain(registry: RegistryHandle, relay: ByteRelay): Keychain {
  const credentials = Credentials.of({ username: registry.username, password: registry.password });
  return staticKeychain({ [registry.host]: credentials, [relay.host]: credentials });
}

/**
 * Builds bench/kpack (kpack v0.18.0's readers and builder creation) once per source state: the
 * binary lives under ~/.cache/packsmith/bench-kpack/<hash of its sources>, so a change to main.go,
 * go.mod or go.sum builds a new one and an unchanged tree reuses it. A cold build takes minutes
 * (kpack pulls in the Kubernetes libraries), a warm one nothing.
 */
async function kpackBinary(notes: string[]): Promise<string | undefined> {
  const source = join(repoRoot, 'bench/kpack');
  const hash = createHash('sha256');
  for (const file of (await readdir(source)).filter((f) => f.endsWith('.go') || f === 'go.mod' || f === 'go.sum').sort()) {
    hash.update(`${file}\0`).update(await readFile(join(source, file)));
  }
  const dir = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'packsmith/bench-kpack', hash.digest('hex').slice(0, 16));
  const binary = join(dir, 'bench-kpack');
  if (existsSync(binary)) return binary;
  await mkdir(dir, { recursive: true });
  process.stdout.write(`  building bench/kpack into ${dir} (the first time takes minutes)\n`);
  // -mod=readonly: go.mod and go.sum pin every module; a build that needs to change them fails instead.
  const env = { ...process.env, GOFLAGS: '-mod=readonly', GOTOOLCHAIN: 'local' };
  const built = goOnPath()
    ? await runCommand('go', ['build', '-trimpath', '-o', `${binary}.tmp`, '.'], { cwd: source, env, timeoutMs: 1_800_000 }).catch((error: unknown) => ({
        code: 1,
        stdout: '',
        stderr: String(error),
      }))
    : { code: 1, stdout: '', stderr: 'go is not on PATH' };
  if (built.code !== 0) {
    notes.push(`kpack column skipped: go build of bench/kpack failed: ${built.stderr.trim().split('\n').slice(-3).join(' | ')}`);
    return undefined;
  }
  // Renamed into place only when complete, so an interrupted build is never taken for a good one.
  await rename(`${binary}.tmp`, binary);
  return binary;
}

/**
 * Whether `go` is on PATH. Asked before spawning it because Node keeps a spawn's `timeout` timer
 * alive when the command is missing (ENOENT), which held the finished bench open for the timeout.
 */
const goOnPath = (): boolean => (process.env.PATH ?? '').split(':').some((dir) => dir !== '' && existsSync(join(dir, 'go')));

/** The lifecycle's launcher, built offline from the pinned module (test/tools/lifecycle), or a stand-in file. */
async function launcherBinary(work: string, notes: string[]): Promise<string> {
  const out = join(work, 'launcher');
  const env = { ...process.env, GOFLAGS: '-mod=mod', GOPROXY: 'off', GOTOOLCHAIN: 'local' };
  const built = goOnPath()
    ? await runCommand('go', ['build', '-trimpath', '-ldflags', '-s -w', '-o', out, 'github.com/buildpacks/lifecycle/cmd/launcher'], {
        cwd: join(repoRoot, 'test/tools/lifecycle'),
        env,
        timeoutMs: 300_000,
      }).catch((error: unknown) => ({ code: 1, stdout: '', stderr: String(error) }))
    : { code: 1, stdout: '', stderr: 'go is not on PATH' };
  if (built.code === 0) {
    notes.push('launcher: the real one, built from test/tools/lifecycle (lifecycle v0.21.17) out of the Go module cache');
    return out;
  }
  notes.push(`launcher: stand-in file (go build failed: ${built.stderr.trim().split('\n').pop() ?? ''})`);
  await writeFile(out, '#!/bin/sh\necho "stand-in launcher of the packsmith builder benchmark" >&2\nexit 1\n', { mode: 0o755 });
  return out;
}

/** Starts a registry and the relay, pushes every input (not measured) and writes both tools' lifecycles. */
async function prepareRound(kpack: string | undefined): Promise<Round> {
  const work = await scratchDir('bench-builder');
  // Basic auth, as a real registry: every tool pays the 401 challenge and sends credentials.
  const registry = await startRegistry({ mode: 'basic', storage: 'filesystem' });
  const relay = await startRelay(registry.port, RELAY_PORT);
  const notes: string[] = [];
  const keychain = benchKeychain(registry, relay);
  const transport = new RegistryTransport({ keychain });
  const push = async (image: Image, repository: string, tag: string): Promise<string> => {
    await pushInput(image, `${registry.host}/${repository}:${tag}`, transport);
    return `${relay.host}/${repository}:${tag}`;
  };
  const started = performance.now();
  const buildpackages: string[] = [];
  for (let i = 0; i < BUILDPACKS; i++) buildpackages.push(await push(await benchBuildpackage(i, 0, ARCHES), `store/${buildpackId(i).slice(6)}`, '1'));
  const binaries: LifecycleBinaries = { lifecycle: lifecycleBin(), launcher: await launcherBinary(work, notes) };
  const refs: BenchRefs = {
    buildpackages,
    build: await push(benchStackImage('build', 24), 'stack/build', '1'),
    run: await push(benchStackImage('run', 8), 'stack/run', '1'),
    lifecycle: await push(await benchLifecycleImage(binaries), 'lifecycle', '0.21.17'),
  };
  const lifecycleTarball = join(work, 'lifecycle-v0.21.17+linux.x86-64.tgz');
  await writeLifecycleTarball(lifecycleTarball, binaries);
  const sizeOf = async (path: string): Promise<string> => mib((await stat(path)).size);
  notes.push(
    `inputs: build image base layer 24 MiB, run image base layer 8 MiB (pseudo-random); lifecycle binary ${await sizeOf(binaries.lifecycle)} MiB + launcher ${await sizeOf(binaries.launcher)} MiB, tarball for pack ${await sizeOf(lifecycleTarball)} MiB`,
  );
  await transport.close();
  process.stdout.write(`  inputs pushed in ${((performance.now() - started) / 1000).toFixed(1)} s (registry ${registry.host}, relay ${relay.host})\n`);
  return { work, registry, relay, refs, lifecycleTarball, kpack, keychain, notes };
}

function runTimed(command: string, args: readonly string[], env: NodeJS.ProcessEnv, work: string): Promise<ProcessCost> {
  return runProcessTimed(command, args, { env, cwd: repoRoot, timeFile: join(work, 'time.out'), timeoutMs: 900_000 });
}

/** A private HOME whose Docker config holds the relay's credentials: every tool reads them from there. */
async function toolEnv(round: Round, tool: Tool): Promise<NodeJS.ProcessEnv> {
  const home = join(round.work, `home-${tool}`);
  await mkdir(join(home, '.docker'), { recursive: true });
  const auth = Buffer.from(`${round.registry.username ?? ''}:${round.registry.password ?? ''}`).toString('base64');
  await writeFile(join(home, '.docker', 'config.json'), JSON.stringify({ auths: { [round.relay.host]: { auth } } }));
  return { ...process.env, HOME: home, PACK_HOME: join(home, '.pack'), DOCKER_CONFIG: join(home, '.docker') };
}

const packsmithTag = (round: Round): string => `${round.relay.host}/bench/packsmith-builder`;
const packTag = (round: Round): string => `${round.relay.host}/bench/pack-builder:latest`;
// A tag-less reference, like a ClusterBuilder's spec.tag: kpack saves the run image beside it as <tag>-run-image.
const kpackTag = (round: Round): string => `${round.relay.host}/bench/kpack-builder`;

/** What bench/kpack reads: the images packsmith's YAML names, the same order of buildpack ids. */
function kpackInput(round: Round): string {
  const { buildpackages, build, run, lifecycle } = round.refs;
  return JSON.stringify({
    tag: kpackTag(round),
    stackId,
    buildImage: build,
    runImage: run,
    lifecycle,
    store: buildpackages,
    order: benchOrder(buildpackages.length),
  });
}

async function runTool(round: Round, tool: Tool): Promise<ProcessCost> {
  const env = await toolEnv(round, tool);
  if (tool === 'packsmith') {
    const yaml = join(round.work, 'packsmith.yaml');
    await writeFile(yaml, packsmithYaml(round.refs, packsmithTag(round)));
    const profile = CPU_PROF === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', CPU_PROF];
    // PACKSMITH_BENCH_ENTRY: another build's entry point (e.g. a copy of dist/bundle/main.js), to compare two builds in turn.
    const entry = process.env.PACKSMITH_BENCH_ENTRY ?? join(repoRoot, 'bin/packsmith.js');
    return runTimed(process.execPath, [...profile, entry, 'build', '-f', yaml], env, round.work);
  }
  if (tool === 'kpack') {
    if (round.kpack === undefined) throw new Error('bench/kpack was not built');
    const input = join(round.work, 'kpack-input.json');
    await writeFile(input, kpackInput(round));
    const cost = await runTimed(round.kpack, [input], env, round.work);
    // The program prints one JSON line; a run that exits 0 without a builder of every buildpack did not work.
    const printed = cost.output.trim().split('\n').pop() ?? '';
    const result = cost.code === 0 ? (JSON.parse(printed) as { latestImage?: string; buildpacks?: number }) : {};
    if (cost.code === 0 && (result.latestImage?.includes('@sha256:') !== true || result.buildpacks !== BUILDPACKS))
      return { ...cost, code: 1, output: `unexpected result: ${printed}` };
    return cost;
  }
  const toml = join(round.work, 'builder.toml');
  await writeFile(toml, packBuilderToml(round.refs, round.lifecycleTarball));
  const targets = TWO_TARGETS ? ['--target', 'linux/amd64', '--target', 'linux/arm64'] : [];
  return runTimed(packBin(), ['builder', 'create', packTag(round), '--config', toml, '--publish', '--no-color', ...targets], env, round.work);
}

/** Runs one tool once and reads what the registry and the relay saw meanwhile. */
async function measure(round: Round, tool: Tool, scenario: Scenario): Promise<Measurement> {
  const logBefore = (await round.registry.accessLog()).length;
  const wireBefore: WireTotals = round.relay.totals();
  const cost = await runTool(round, tool);
  // The registry writes its access log asynchronously; give the last lines a moment to land.
  await new Promise((resolve) => setTimeout(resolve, 500));
  const entries = (await round.registry.accessLog()).slice(logBefore);
  const log: LogSummary = summarizeLog(entries);
  // The tools run one at a time, so the window is the tool's; its user agents show that nothing else got in.
  round.notes.push(`${tool} user agents: ${[...new Set(entries.map((e) => e.userAgent))].sort().join(', ')}`);
  const wire = wireDelta(round.relay.totals(), wireBefore);
  const ok = cost.code === 0;
  process.stdout.write(
    `  ${tool.padEnd(9)} ${scenario.padEnd(12)} ${ok ? 'ok    ' : `exit ${cost.code}`} ${cost.seconds.toFixed(2)} s, ${log.requests} requests, up ${mib(wire.up)} MiB, down ${mib(wire.down)} MiB\n`,
  );
  if (REQUESTS && tool === 'packsmith') process.stdout.write(formatBreakdown(requestBreakdown(entries)));
  if (!ok)
    process.stdout.write(
      `${cost.output
        .trim()
        .split('\n')
        .slice(-15)
        .map((l) => `    | ${l}`)
        .join('\n')}\n`,
    );
  return {
    tool,
    scenario,
    ok,
    seconds: cost.seconds,
    cpuSeconds: cost.cpuSeconds,
    maxRssMiB: cost.maxRssMiB,
    wire,
    log,
    output: ok ? undefined : cost.output.slice(-4000),
  };
}

/** One line per group, most requests first, with how many repeat an earlier request of the same method and path. */
function formatBreakdown({ groups, repeats }: ReturnType<typeof requestBreakdown>): string {
  return Object.entries(groups)
    .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1))
    .map(([group, count]) => `      ${String(count).padStart(4)}  ${group}${repeats[group] ? ` (${repeats[group]} repeated)` : ''}\n`)
    .join('');
}

const mib = (bytes: number): string => (bytes / 1048576).toFixed(2);

/** The buildpack ids and versions a pushed builder declares (io.buildpacks.builder.metadata). */
async function builderBuildpacks(reference: string, keychain: Keychain): Promise<string[]> {
  const transport = new RegistryTransport({ keychain });
  try {
    const config = await (await remoteImage(reference, { transport })).configFile();
    const metadata = JSON.parse(config.config?.Labels?.['io.buildpacks.builder.metadata'] ?? '{}') as { buildpacks?: Array<{ id: string; version: string }> };
    return (metadata.buildpacks ?? []).map((b) => `${b.id}@${b.version}`).sort();
  } finally {
    await transport.close();
  }
}

/** The platforms of the index `reference` names, or why it is not one. */
async function indexPlatforms(reference: string, keychain: Keychain): Promise<string> {
  const transport = new RegistryTransport({ keychain });
  try {
    const index = await remoteIndex(reference, { transport });
    const manifests = (await index.indexManifest()).manifests;
    // Digests depend on the relay address the images are named by: compare two builds with the same --relay-port.
    const members = manifests.map((m) => `${m.platform?.os ?? ''}/${m.platform?.architecture ?? ''} ${m.digest.slice(0, 19)}`);
    return `${members.join(', ')} (index ${(await index.digest()).slice(0, 19)})`;
  } catch (error) {
    return `NOT AN INDEX: ${String(error)}`;
  } finally {
    await transport.close();
  }
}

/** Checks that a builder holds every buildpack, the changed one at its new version (and, with two targets, is an index of both). */
async function verifyBuilder(round: Round, reference: string, changedVersion: string): Promise<void> {
  const notes = round.notes;
  if (TWO_TARGETS) process.stdout.write(`  ${reference}: index of ${await indexPlatforms(reference, round.keychain)}\n`);
  const found = await builderBuildpacks(reference, round.keychain).catch((error: unknown) => [`unreadable: ${String(error)}`]);
  const expected = Array.from({ length: BUILDPACKS }, (_v, i) => `${buildpackId(i)}@${i === CHANGED ? changedVersion : '1.0.0'}`).sort();
  const good = JSON.stringify(found) === JSON.stringify(expected);
  notes.push(
    `${reference}: ${good ? `all ${BUILDPACKS} buildpacks, ${buildpackId(CHANGED)}@${changedVersion}` : `UNEXPECTED buildpacks ${JSON.stringify(found)}`}`,
  );
}

async function runRound(index: number, kpack: string | undefined): Promise<{ measurements: Measurement[]; notes: string[] }> {
  process.stdout.write(`round ${index + 1}\n`);
  const round = await prepareRound(kpack);
  const measurements: Measurement[] = [];
  // Each scenario runs every tool in turn, so a change in the machine's load hits all of them alike.
  const tools: Tool[] = PACKSMITH_ONLY ? ['packsmith'] : kpack === undefined ? ['packsmith', 'pack'] : ['packsmith', 'kpack', 'pack'];
  const builders = (): string[] => [
    `${packsmithTag(round)}:clusterbuilder-bench`,
    ...(kpack === undefined || PACKSMITH_ONLY ? [] : [kpackTag(round)]),
    ...(PACKSMITH_ONLY ? [] : [packTag(round)]),
  ];
  try {
    for (const scenario of ['first', 'unchanged'] as const) for (const tool of tools) measurements.push(await measure(round, tool, scenario));
    for (const builder of builders()) await verifyBuilder(round, builder, '1.0.0');
    // One buildpackage changes: new version, new payload, a new tag the store and builder.toml now name.
    const transport = new RegistryTransport({ keychain: round.keychain });
    const repository = `store/${buildpackId(CHANGED).slice(6)}`;
    await pushInput(await benchBuildpackage(CHANGED, 1, ARCHES), `${round.registry.host}/${repository}:2`, transport);
    await transport.close();
    round.refs = { ...round.refs, buildpackages: round.refs.buildpackages.map((r, i) => (i === CHANGED ? `${round.relay.host}/${repository}:2` : r)) };
    for (const tool of tools) measurements.push(await measure(round, tool, 'one-changed'));
    for (const builder of builders()) await verifyBuilder(round, builder, '1.0.1');
    return { measurements, notes: round.notes };
  } finally {
    await round.relay.close();
    await round.registry.stop();
    await removeDir(round.work);
  }
}

/** Start-up cost of each CLI doing nothing, to separate it from the build itself. */
async function startupSeconds(kpack: string | undefined): Promise<Partial<Record<Tool, number>>> {
  const time = async (command: string, args: string[]): Promise<number> => {
    const started = performance.now();
    await runCommand(command, args);
    return (performance.now() - started) / 1000;
  };
  const best = async (command: string, args: string[]): Promise<number> =>
    Math.min(await time(command, args), await time(command, args), await time(command, args));
  return {
    packsmith: await best(process.execPath, [join(repoRoot, 'bin/packsmith.js'), '--version']),
    // Without arguments the program prints its usage and exits: its start-up and nothing else.
    ...(kpack === undefined ? {} : { kpack: await best(kpack, []) }),
    pack: await best(packBin(), ['--version']),
  };
}

async function main(): Promise<void> {
  const roundsFlag = process.argv.indexOf('--rounds');
  const rounds = roundsFlag > 0 ? Number(process.argv[roundsFlag + 1]) : 1;
  if (!existsSync('/usr/bin/time')) throw new Error('GNU time (/usr/bin/time) is needed for CPU and RSS figures');
  const totalPayload = Array.from({ length: BUILDPACKS }, (_v, i) => payloadSize(i)).reduce((a, b) => a + b, 0);
  process.stdout.write(`builder benchmark: ${BUILDPACKS} buildpackages (payloads ${mib(totalPayload)} MiB of pseudo-random bytes), ${rounds} round(s)\n`);
  const notes = new Set<string>();
  const buildNotes: string[] = [];
  // kpack makes single-architecture builders only: no column in two-target mode.
  const kpack = TWO_TARGETS || PACKSMITH_ONLY ? undefined : await kpackBinary(buildNotes);
  if (TWO_TARGETS) buildNotes.push('two targets: linux/amd64 + linux/arm64 index inputs and builders; kpack has no multi-arch builders, so no kpack column');
  for (const note of buildNotes) notes.add(note);
  const all: Measurement[] = [];
  for (let i = 0; i < rounds; i++) {
    const result = await runRound(i, kpack);
    all.push(...result.measurements);
    for (const note of result.notes) notes.add(note.replace(/127\.0\.0\.1:\d+/, '<registry>'));
  }
  const startup = await startupSeconds(kpack);
  const report = printReport({ measurements: all, notes: [...notes], startup, rounds, totalPayloadBytes: totalPayload });
  const outDir = join(repoRoot, 'bench/out');
  await mkdir(outDir, { recursive: true });
  const file = join(
    outDir,
    `builder-${TWO_TARGETS ? 'two-targets-' : ''}${PACKSMITH_ONLY ? 'packsmith-only-' : ''}${new Date().toISOString().slice(0, 10)}.json`,
  );
  await writeFile(file, `${JSON.stringify({ date: new Date().toISOString(), node: process.version, ...report }, null, 2)}\n`);
  process.stdout.write(`\nwritten to ${file}\n`);
}

await main();
