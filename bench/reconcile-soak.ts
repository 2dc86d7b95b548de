/**
 * Benchmark (issue 12, credentials): many reconciles of 50 Builders by the real controller against a
 * REAL kube-apiserver and a REAL docker-registry with token auth (test/controller/world.ts), every
 * resource reading with a credential-bearing ServiceAccount (`team/builder`, a dockerconfigjson Secret).
 * The controller runs as a `packsmith controller run` child (no leader election, 2 workers) with a
 * short resync period, so every resync re-enqueues every object: that is what drives the reconciles.
 *
 * Measured at each checkpoint (Builder reconciles since the soak began, from the controller's
 * `packsmith_reconciles_total`): the child's open TCP sockets (its /proc/PID/fd socket inodes found in
 * /proc/net/tcp{,6}, and how many of them go to the registry or the token server), live registry
 * transports (`packsmith_registry_transports`, when the controller exports it), token requests
 * (answered by the harness's token server) and /v2/ pings (registry access log), and VmRSS.
 * Flat figures after warm-up mean nothing grows per reconcile.
 *
 * Run: `npx node bench/reconcile-soak.ts [--builders 50] [--reconciles 5000] [--checkpoints 1000,5000] [--resync 2s]`.
 * Needs scripts/provision.sh. Bounded: setup 15 min, soak 30 min; everything started is stopped.
 * Prints a table and writes bench/out/reconcile-soak-<date>.json.
 */
import { mkdir, readFile, readdir, readlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startProcess, type ManagedProcess } from '../test/harness/index.ts';
import { conditionOf, startWorld, type World } from '../test/controller/world.ts';

const { values } = parseArgs({
  options: {
    builders: { type: 'string', default: '50' },
    reconciles: { type: 'string', default: '5000' },
    checkpoints: { type: 'string', default: '1000,5000' },
    resync: { type: 'string', default: '2s' },
  },
});
const builderCount = Number(values.builders);
const totalReconciles = Number(values.reconciles);
const checkpoints = [
  ...new Set([
    ...values.checkpoints
      .split(',')
      .map(Number)
      .filter((n) => n > 0 && n < totalReconciles),
    totalReconciles,
  ]),
].sort((a, b) => a - b);

interface Sample {
  builderReconciles: number;
  elapsedS: number;
  tcpSockets: number;
  socketsToRegistry: number;
  transports: number | undefined;
  tokenRequests: number;
  pings: number;
  rssMiB: number;
}

function buildersYaml(world: World): string {
  const builder = (i: number): string =>
    `apiVersion: kpack.io/v1alpha2\nkind: Builder\nmetadata: {name: b-${i}, namespace: team}\nspec:\n  tag: ${world.registry.host}/builders/b-${i}\n  serviceAccountName: builder\n  stack: {name: base}\n  store: {name: default}\n  order:\n  - group: [{id: test/web}]\n  - group: [{id: test/ruby}]\n`;
  return Array.from({ length: builderCount }, (_v, i) => builder(i)).join('---\n');
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Remote ports of the process's TCP sockets (IPv4 and IPv6), from its fd links and /proc/net/tcp. */
async function tcpRemotePorts(pid: number): Promise<number[]> {
  const inodes = new Set<string>();
  for (const fd of await readdir(`/proc/${pid}/fd`).catch(() => [])) {
    const link = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
    const m = /^socket:\[(\d+)\]$/.exec(link);
    if (m) inodes.add(m[1] as string);
  }
  const ports: number[] = [];
  for (const table of ['tcp', 'tcp6']) {
    const lines = (await readFile(`/proc/${pid}/net/${table}`, 'utf8')).split('\n').slice(1);
    for (const line of lines) {
      const cols = line.trim().split(/\s+/);
      if (cols.length > 9 && inodes.has(cols[9] as string)) ports.push(parseInt((cols[2] as string).split(':')[1] as string, 16));
    }
  }
  return ports;
}

async function rssMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
}

async function scrape(port: number): Promise<{ builderReconciles: number; transports: number | undefined }> {
  const body = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  let builderReconciles = 0;
  for (const m of body.matchAll(/^packsmith_reconciles_total\{([^}]*)\} (\d+)/gm))
    if ((m[1] as string).includes('kind="Builder"')) builderReconciles += Number(m[2]);
  const transports = /^packsmith_registry_transports (\d+)/m.exec(body)?.[1];
  return { builderReconciles, transports: transports === undefined ? undefined : Number(transports) };
}

async function sample(world: World, controller: ManagedProcess, metricsPort: number, start: { reconciles: number; at: number }): Promise<Sample> {
  const { builderReconciles, transports } = await scrape(metricsPort);
  const ports = await tcpRemotePorts(controller.pid);
  const tokenPort = Number(new URL(world.registry.tokenServer?.url ?? 'http://x:0').port);
  const log = (await world.registry.accessLog()).filter((e) => e.userAgent.startsWith('packsmith-controller'));
  return {
    builderReconciles: builderReconciles - start.reconciles,
    elapsedS: (Date.now() - start.at) / 1000,
    tcpSockets: ports.length,
    socketsToRegistry: ports.filter((p) => p === world.registry.port || p === tokenPort).length,
    transports,
    tokenRequests: world.registry.tokenServer?.requests().length ?? 0,
    pings: log.filter((e) => e.path === '/v2/').length,
    rssMiB: await rssMiB(controller.pid),
  };
}

async function until(check: () => Promise<boolean>, controller: ManagedProcess, timeoutMs: number, what: string): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (!controller.alive()) throw new Error(`controller exited while waiting for ${what}:\n${(await controller.log()).slice(-2000)}`);
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

async function allReady(world: World): Promise<boolean> {
  const list = JSON.parse(await world.kubectl(['get', 'builders.kpack.io', '-n', 'team', '-o', 'json'])) as {
    items: Array<{ status?: Record<string, unknown> }>;
  };
  return list.items.length === builderCount && list.items.every((b) => conditionOf(b.status, 'Ready')?.status === 'True');
}

async function main(): Promise<void> {
  const world = await startWorld('bench-reconcile-soak', { registryMode: 'token' });
  let controller: ManagedProcess | undefined;
  try {
    await world.kubectl(['apply', '-f', '-'], world.resourcesYaml([world.at.web, world.at.ruby], 'b-unused'));
    await world.kubectl(['delete', 'builders.kpack.io', 'b-unused', '-n', 'team']);
    await world.kubectl(['apply', '-f', '-'], buildersYaml(world));
    const metricsPort = await freePort();
    const cli = join(import.meta.dirname, '../src/cli/main.ts');
    const args = [
      cli,
      'controller',
      'run',
      '--kubeconfig',
      world.kube.kubeconfigPath,
      '--host',
      '127.0.0.1',
      '--health-port',
      '0',
      '--metrics-port',
      String(metricsPort),
      '--no-leader-elect',
      '--workers',
      '2',
      '--resync-period',
      values.resync,
    ];
    controller = startProcess({ command: process.execPath, args, logFile: join(world.work, 'controller.log') });
    const running = controller;
    const setupStarted = Date.now();
    await until(() => allReady(world), running, 15 * 60_000, 'every Builder Ready');
    const setupS = (Date.now() - setupStarted) / 1000;
    const start = { reconciles: (await scrape(metricsPort)).builderReconciles, at: Date.now() };
    const samples: Sample[] = [await sample(world, running, metricsPort, start)];
    for (const target of checkpoints) {
      await until(async () => (await scrape(metricsPort)).builderReconciles - start.reconciles >= target, running, 30 * 60_000, `${target} Builder reconciles`);
      samples.push(await sample(world, running, metricsPort, start));
      console.log(`checkpoint ${target}: ${JSON.stringify(samples.at(-1))}`);
    }
    const result = {
      date: new Date().toISOString(),
      builders: builderCount,
      resync: values.resync,
      workers: 2,
      setupS,
      allReadyAtEnd: await allReady(world),
      samples,
    };
    printTable(result.samples);
    const out = join(import.meta.dirname, 'out');
    await mkdir(out, { recursive: true });
    const file = join(out, `reconcile-soak-${result.date.slice(0, 19).replaceAll(':', '')}.json`);
    await writeFile(file, `${JSON.stringify(result, null, 2)}\n`);
    console.log(`\nsetup (all ${builderCount} Builders Ready): ${setupS.toFixed(0)} s; all Ready at the end: ${String(result.allReadyAtEnd)}\nwrote ${file}`);
  } finally {
    await controller?.stop(15_000);
    await world.stop();
  }
}

function printTable(samples: readonly Sample[]): void {
  const header = ['Builder reconciles', 'elapsed s', 'TCP sockets', 'to registry', 'transports', 'token requests', '/v2/ pings', 'RSS MiB'];
  console.log(header.join(' | '));
  for (const s of samples) {
    console.log(
      [
        s.builderReconciles,
        s.elapsedS.toFixed(0),
        s.tcpSockets,
        s.socketsToRegistry,
        s.transports ?? 'n/a',
        s.tokenRequests,
        s.pings,
        s.rssMiB.toFixed(0),
      ].join(' | '),
    );
  }
}

await main();
