/**
 * Benchmark (issue "controller"): one store change fanned out to 200 Builders by the controller,
 * against a REAL kube-apiserver (+ etcd) and a REAL docker-registry (Basic auth), both started by
 * test/controller/world.ts. The controller runs as a `packsmith controller run` child process
 * (no leader election, 2 workers, 10 h resync), so its memory is its own; it gets the Node options
 * (`NODE_OPTIONS`) the install's Deployment sets.
 *
 * Setup (not measured): one ClusterStore (web + ruby 1.0.0), three ClusterStacks (same images,
 * separate objects), one ClusterLifecycle, 200 Builders spread over the stacks and over four
 * repositories; wait until all are Ready with ruby 1.0.0. Measured: publish ruby 2.0.0, patch the
 * store, and time until every Builder is Ready, UpToDate, on ruby 2.0.0 and with a new latestImage.
 * Registry requests made by the controller in that window come from the registry's access log
 * (user agent `packsmith-controller`), per builder and by method. Peak RSS is the child's VmHWM
 * (over its whole life, initial builds included), with VmRSS sampled during the change as well.
 *
 * With `--replicas N` (N > 1) the controllers share the work with `--shards 2N` (Leases in namespace
 * `packsmith`); RSS figures are the largest replica's.
 *
 * Run: `npx node bench/controller.ts [--builders 200] [--replicas 1] [--workers 2] [--cpu-prof DIR] [--heap-snapshot DIR] [--node-option=--flag]... [--registry-auth basic|token]`. Needs scripts/provision.sh.
 * Bounded: every wait has a deadline (setup 15 min, change 10 min); everything started is stopped.
 * Prints a table and writes bench/out/controller-<date>.json.
 */
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { controllerNodeOptions } from '../src/deploy/index.ts';
import { buildpackages, stackId } from '../test/app/fixtures.ts';
import { controllerRunArgs, startProcess, type AccessLogEntry, type ManagedProcess } from '../test/harness/index.ts';
import { startWorld, type World } from '../test/controller/world.ts';
import { watchBuilders, type BuilderState, type BuilderWatch } from './builder-watch.ts';

const { values } = parseArgs({
  options: {
    builders: { type: 'string', default: '200' },
    replicas: { type: 'string', default: '1' },
    workers: { type: 'string', default: '2' },
    'cpu-prof': { type: 'string' },
    'heap-snapshot': { type: 'string' },
    'node-option': { type: 'string', multiple: true, default: [] },
    'registry-auth': { type: 'string', default: 'basic' },
    // The controllers' entry point: the sources by default, as the tests run them; `bin/packsmith.js`
    // runs the bundle, as an installed packsmith does.
    entry: { type: 'string' },
  },
});
// Basic: the registry checks the htpasswd bcrypt hash on every request. Token: it checks a signed token
// (the harness's token server, in this process, issues them), as registries with token auth do.
const registryAuth = ((auth: string): 'basic' | 'token' => {
  if (auth === 'basic' || auth === 'token') return auth;
  throw new Error(`--registry-auth must be basic or token, not ${auth}`);
})(values['registry-auth']);
const builderCount = Number(values.builders);
const replicaCount = Number(values.replicas);
const workers = Number(values.workers);
/** A directory for each controller's CPU profile (Node's `--cpu-prof`, written when it stops), or none. */
const cpuProfDir = values['cpu-prof'];
/** A directory for a heap snapshot of each controller, taken after the rebuilds (`--heapsnapshot-signal`), or none. */
const heapDir = values['heap-snapshot'];
/** With replicas, twice as many shards as replicas: the assignment stays even when one is lost. */
const shardCount = 2 * replicaCount;
const stacks = ['base', 'base-2', 'base-3'];
const repositories = 4;

function extraYaml(world: World): string {
  const stackYaml = (name: string): string =>
    `apiVersion: kpack.io/v1alpha2\nkind: ClusterStack\nmetadata: {name: ${name}}\nspec:\n  id: ${stackId}\n  serviceAccountRef: {name: builder, namespace: team}\n  buildImage: {image: ${world.at.build}}\n  runImage: {image: ${world.at.run}}\n`;
  const builderYaml = (i: number): string =>
    `apiVersion: kpack.io/v1alpha2\nkind: Builder\nmetadata: {name: b-${i}, namespace: team}\nspec:\n  tag: ${world.registry.host}/builders/r${i % repositories}\n  serviceAccountName: builder\n  stack: {name: ${stacks[i % stacks.length]}}\n  store: {name: default}\n  order:\n  - group: [{id: test/web}]\n  - group: [{id: test/ruby}]\n`;
  return [...stacks.slice(1).map(stackYaml), ...Array.from({ length: builderCount }, (_v, i) => builderYaml(i))].join('---\n');
}

/** CPU seconds (user + system) the process has used, from /proc (clock ticks of 10 ms). */
async function cpuSecondsOf(pid: number): Promise<number> {
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** CPU seconds of every process below this one (registry, apiserver, etcd, controllers), summed by command name. */
async function treeCpu(): Promise<Map<string, number>> {
  const stats = await Promise.all(
    (await readdir('/proc'))
      .filter((name) => /^\d+$/.test(name))
      .map(async (pid) => {
        const text = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
        const close = text.lastIndexOf(')');
        const fields = text.slice(close + 2).split(' ');
        return {
          pid: Number(pid),
          comm: text.slice(text.indexOf('(') + 1, close),
          ppid: Number(fields[1]),
          cpu: (Number(fields[11]) + Number(fields[12])) / 100,
        };
      }),
  );
  const below = new Set([process.pid]);
  // Parents are listed before children often but not always: repeat until nothing is added.
  for (let added = true; added;) {
    added = false;
    for (const s of stats) if (!below.has(s.pid) && below.has(s.ppid)) added = below.add(s.pid) !== undefined;
  }
  const byName = new Map<string, number>();
  for (const s of stats) if (below.has(s.pid) && s.pid !== process.pid && s.comm !== '') byName.set(s.comm, (byName.get(s.comm) ?? 0) + s.cpu);
  byName.set('bench', stats.find((s) => s.pid === process.pid)?.cpu ?? 0);
  return byName;
}

async function memoryOf(pid: number): Promise<{ rssMiB: number; peakMiB: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string): number => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0);
  return { rssMiB: kib('VmRSS') / 1024, peakMiB: kib('VmHWM') / 1024 };
}

/** Waits on the watch until `done` holds for every builder; samples each replica's RSS meanwhile (the largest is kept). */
async function waitForAll(
  watch: BuilderWatch,
  controllers: readonly ManagedProcess[],
  wait: { done: (b: BuilderState) => boolean; timeoutMs: number; what: string },
): Promise<{ ms: number; maxRssMiB: number; states: BuilderState[] }> {
  let maxRssMiB = 0;
  const sample = async (): Promise<void> => {
    for (const controller of controllers) if (controller.alive()) maxRssMiB = Math.max(maxRssMiB, (await memoryOf(controller.pid)).rssMiB);
  };
  const sampler = setInterval(() => void sample().catch(() => undefined), 500);
  try {
    const failed = async (): Promise<string | undefined> => {
      const dead = controllers.find((c) => !c.alive());
      return dead ? `a controller exited:\n${(await dead.log()).slice(-2000)}` : undefined;
    };
    const ms = await watch.until({ ...wait, count: builderCount, failed });
    await sample();
    return { ms, maxRssMiB, states: watch.states() };
  } finally {
    clearInterval(sampler);
  }
}

async function controllerRequests(world: World): Promise<AccessLogEntry[]> {
  return (await world.registry.accessLog()).filter((e) => e.userAgent.startsWith('packsmith-controller'));
}

function countBy(entries: readonly AccessLogEntry[], key: (e: AccessLogEntry) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const e of entries) counts[key(e)] = (counts[key(e)] ?? 0) + 1;
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
}

/** `HEAD manifest by digest 200`, `POST upload 201` (a mount), …: where redundant requests show. */
function requestKind(e: AccessLogEntry): string {
  const reference = e.path.split('/').at(-1) ?? '';
  const target = e.path.includes('/blobs/uploads/')
    ? 'upload'
    : e.path.includes('/blobs/')
      ? 'blob'
      : e.path.includes('/manifests/')
        ? `manifest by ${reference.startsWith('sha256:') ? 'digest' : 'tag'}`
        : e.path === '/v2/'
          ? 'ping'
          : 'other';
  return `${e.method} ${target} ${String(e.status)}`;
}

async function main(): Promise<void> {
  const world = await startWorld('bench-controller', { registryMode: registryAuth });
  const controllers: ManagedProcess[] = [];
  let watch: BuilderWatch | undefined;
  try {
    await world.kubectl(['apply', '-f', '-'], world.resourcesYaml([world.at.web, world.at.ruby], 'b-unused'));
    await world.kubectl(['delete', 'builders.kpack.io', 'b-unused', '-n', 'team']);
    await world.kubectl(['apply', '-f', '-'], extraYaml(world));
    // One replica without leader election; several sharing the work by shard (`--shards`).
    if (replicaCount > 1) await world.kubectl(['create', 'namespace', 'packsmith']);
    const sharing = replicaCount > 1 ? ['--lease-namespace', 'packsmith', '--shards', String(shardCount)] : ['--no-leader-elect'];
    for (let i = 0; i < replicaCount; i += 1) {
      const profiling = cpuProfDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`, `--cpu-prof-name=controller-${i}.cpuprofile`];
      const heap = heapDir === undefined ? [] : ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${heapDir}`];
      const [sources, ...run] = controllerRunArgs(world.kube.kubeconfigPath, ...sharing, '--workers', String(workers));
      const args = [...profiling, ...heap, ...values['node-option'], values.entry ?? sources ?? '', ...run];
      // The Node options the install's Deployment sets.
      const nodeOptions = [process.env.NODE_OPTIONS, controllerNodeOptions].filter(Boolean).join(' ');
      const env = { ...process.env, HOSTNAME: `replica-${i}`, NODE_OPTIONS: nodeOptions };
      controllers.push(startProcess({ command: process.execPath, args, logFile: join(world.work, `controller-${i}.log`), env }));
    }
    const setupStarted = Date.now();
    watch = await watchBuilders(world.kube, 'team', 'b-');
    const initial = await waitForAll(watch, controllers, {
      done: (b) => b.ready && b.upToDate && b.ruby === '1.0.0',
      timeoutMs: 15 * 60_000,
      what: 'the initial builds',
    });
    const setupMs = Date.now() - setupStarted;
    const before = new Map(initial.states.map((b) => [b.name, b.latestImage]));
    const settled = { rssMiB: Math.max(...(await Promise.all(controllers.map(async (c) => (await memoryOf(c.pid)).rssMiB)))) };
    const ruby2 = await world.publish((await buildpackages('2.0.0')).ruby, 'store/ruby', '2');
    const requestsBefore = (await controllerRequests(world)).length;
    const cpuBefore = await Promise.all(controllers.map((c) => cpuSecondsOf(c.pid)));
    const treeBefore = await treeCpu();
    const changed = Date.now();
    await world.kubectl([
      'patch',
      'clusterstores.kpack.io',
      'default',
      '--type',
      'merge',
      '-p',
      JSON.stringify({ spec: { sources: [world.at.web, world.at.ruby, ruby2].map((image) => ({ image })) } }),
    ]);
    const rebuilt = await waitForAll(watch, controllers, {
      done: (b) => b.ready && b.upToDate && b.ruby === '2.0.0' && b.latestImage !== '' && b.latestImage !== before.get(b.name),
      timeoutMs: 10 * 60_000,
      what: 'the rebuilds',
    });
    const changeMs = Date.now() - changed;
    const cpuAfter = await Promise.all(controllers.map((c) => cpuSecondsOf(c.pid)));
    const treeAfter = await treeCpu();
    const cpuByProcess = Object.fromEntries(
      [...treeAfter].map(([name, cpu]) => [name, Math.round((cpu - (treeBefore.get(name) ?? 0)) * 10) / 10] as const).filter(([, cpu]) => cpu > 0),
    );
    const controllerCpuS = cpuAfter.reduce((sum, s, i) => sum + s - (cpuBefore[i] ?? 0), 0);
    const window = (await controllerRequests(world)).slice(requestsBefore);
    const memories = await Promise.all(controllers.map((c) => memoryOf(c.pid)));
    if (heapDir !== undefined) await takeHeapSnapshots(controllers, heapDir);
    const memory = { peakMiB: Math.max(...memories.map((m) => m.peakMiB)), rssMiB: Math.max(...memories.map((m) => m.rssMiB)) };
    const result = {
      date: new Date().toISOString(),
      builders: builderCount,
      stacks: stacks.length,
      repositories,
      registryAuth,
      entry: values.entry ?? 'sources',
      replicas: replicaCount,
      shards: replicaCount > 1 ? shardCount : 0,
      workers,
      initialBuildMs: setupMs,
      storeChangeToAllReadyMs: changeMs,
      perBuilderMs: changeMs / builderCount,
      controllerCpuS,
      controllerCpuMsPerBuilder: (controllerCpuS * 1000) / builderCount,
      cpuByProcess,
      registryRequests: window.length,
      registryRequestsPerBuilder: window.length / builderCount,
      requestsByMethod: countBy(window, (e) => e.method),
      requestsByKind: countBy(window, requestKind),
      rssBeforeChangeMiB: settled.rssMiB,
      maxRssDuringChangeMiB: rebuilt.maxRssMiB,
      peakRssMiB: memory.peakMiB,
      rssAtEndMiB: memory.rssMiB,
    };
    printTable(result);
    const out = join(import.meta.dirname, 'out');
    await mkdir(out, { recursive: true });
    const file = join(out, `controller-${result.date.slice(0, 10)}-${builderCount}x${replicaCount}-${registryAuth}.json`);
    await writeFile(file, `${JSON.stringify(result, null, 2)}\n`);
    console.log(`\nwrote ${file}`);
  } finally {
    watch?.stop();
    await Promise.all(controllers.map((c) => c.stop(15_000)));
    await world.stop();
  }
}

/** Signals each controller to write a heap snapshot into `dir` and waits (bounded) until each has written one. */
async function takeHeapSnapshots(controllers: readonly ManagedProcess[], dir: string): Promise<void> {
  for (const controller of controllers) {
    const before = new Set(await readdir(dir).catch(() => []));
    process.kill(controller.pid, 'SIGUSR2');
    const deadline = Date.now() + 120_000;
    for (;;) {
      const written = (await readdir(dir)).filter((f) => f.endsWith('.heapsnapshot') && !before.has(f));
      // The file grows while it is written; done once its size stops changing.
      const sizes = await Promise.all(written.map(async (f) => (await stat(join(dir, f))).size));
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const again = await Promise.all(written.map(async (f) => (await stat(join(dir, f))).size));
      if (written.length > 0 && sizes.every((size, i) => size > 0 && size === again[i])) break;
      if (Date.now() > deadline) throw new Error(`no heap snapshot of controller ${String(controller.pid)} within 120 s`);
    }
  }
}

function printTable(r: Record<string, unknown>): void {
  const rows: Array<[string, string]> = [
    ['builders / stacks / repositories', `${String(r.builders)} / ${String(r.stacks)} / ${String(r.repositories)}`],
    ['registry auth', String(r.registryAuth)],
    ['controller entry', String(r.entry)],
    ['replicas / shards / workers each', `${String(r.replicas)} / ${String(r.shards)} / ${String(r.workers)}`],
    ['initial build of all builders', `${((r.initialBuildMs as number) / 1000).toFixed(1)} s`],
    ['store change → all Ready with new image', `${((r.storeChangeToAllReadyMs as number) / 1000).toFixed(1)} s`],
    ['  per builder', `${(r.perBuilderMs as number).toFixed(0)} ms`],
    [
      'controller CPU in the change window (all replicas)',
      `${(r.controllerCpuS as number).toFixed(1)} s, ${(r.controllerCpuMsPerBuilder as number).toFixed(1)} ms per builder`,
    ],
    ['CPU s in the change window by process (this bench and below)', JSON.stringify(r.cpuByProcess)],
    ['registry requests (controller, change window)', String(r.registryRequests)],
    ['  per builder', (r.registryRequestsPerBuilder as number).toFixed(1)],
    ['  by method', JSON.stringify(r.requestsByMethod)],
    ['  by kind and status', JSON.stringify(r.requestsByKind)],
    ['controller RSS after the initial builds (largest replica)', `${(r.rssBeforeChangeMiB as number).toFixed(0)} MiB`],
    ['controller RSS max during change (largest replica)', `${(r.maxRssDuringChangeMiB as number).toFixed(0)} MiB`],
    ['controller peak RSS (VmHWM, whole run, largest replica)', `${(r.peakRssMiB as number).toFixed(0)} MiB`],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
}

await main();
