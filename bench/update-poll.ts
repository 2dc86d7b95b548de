/**
 * Benchmark (issue 16, "automatic updates"): what an update policy costs the controller when
 * nothing moves, against a REAL kube-apiserver (+ etcd) and a REAL docker-registry (Basic auth),
 * both started by test/controller/world.ts. The controller runs as a `packsmith controller run`
 * child process (no leader election), so its CPU and memory are its own.
 *
 * Setup (not measured): 50 ClusterStores of 20 sources each, every source its own tag (1,000 tags,
 * made by PUTting one buildpackage manifest under each name), each store with
 * `spec.updatePolicy: {interval: 1m}`; wait until every store is Ready and has looked at all its
 * tags once. Measured over the next 10 intervals: the controller's registry requests per interval
 * (from the registry's access log, user agent `packsmith-controller`, by method), and its CPU time
 * and RSS. The goal is one HEAD per image per interval and nothing else.
 *
 * Run: `npx node bench/update-poll.ts [--stores 50] [--tags 20] [--intervals 10]` (about 12 minutes
 * with the defaults). Needs scripts/provision.sh. Bounded: every wait has a deadline; everything
 * started is stopped. Prints a table and writes bench/out/update-poll-<date>.json.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { controllerRunArgs, startProcess, type AccessLogEntry, type ManagedProcess } from '../test/harness/index.ts';
import { startWorld, type World } from '../test/controller/world.ts';

const { values } = parseArgs({
  options: { stores: { type: 'string', default: '50' }, tags: { type: 'string', default: '20' }, intervals: { type: 'string', default: '10' } },
});
const storeCount = Number(values.stores);
const tagCount = Number(values.tags);
const intervalCount = Number(values.intervals);
const intervalMs = 60_000;
const manifestTypes = ['application/vnd.oci.image.manifest.v1+json', 'application/vnd.docker.distribution.manifest.v2+json'];

/** Puts the manifest of `source` (`repo:tag` in the world's registry) under each of `tags` in the same repository. */
async function tagAll(world: World, repository: string, sourceTag: string, tags: readonly string[]): Promise<void> {
  const { registry } = world;
  const auth = `Basic ${Buffer.from(`${registry.username ?? ''}:${registry.password ?? ''}`).toString('base64')}`;
  const got = await fetch(`${registry.url}/v2/${repository}/manifests/${sourceTag}`, { headers: { authorization: auth, accept: manifestTypes.join(', ') } });
  if (!got.ok) throw new Error(`GET ${repository}:${sourceTag}: ${got.status}`);
  const type = got.headers.get('content-type') ?? manifestTypes[0] ?? '';
  const body = Buffer.from(await got.arrayBuffer());
  for (const tag of tags) {
    const put = await fetch(`${registry.url}/v2/${repository}/manifests/${tag}`, {
      method: 'PUT',
      headers: { authorization: auth, 'content-type': type },
      body,
    });
    if (put.status !== 201) throw new Error(`PUT ${repository}:${tag}: ${put.status} ${await put.text()}`);
  }
}

const tagName = (store: number, tag: number): string => `s${store}-t${tag}`;

function storesYaml(world: World): string {
  const repository = `${world.registry.host}/store/ruby`;
  const store = (i: number): string =>
    `apiVersion: kpack.io/v1alpha2\nkind: ClusterStore\nmetadata: {name: poll-${i}}\nspec:\n  serviceAccountRef: {name: builder, namespace: team}\n` +
    `  updatePolicy: {interval: 1m}\n  sources:\n${Array.from({ length: tagCount }, (_v, t) => `  - image: ${repository}:${tagName(i, t)}\n`).join('')}`;
  return Array.from({ length: storeCount }, (_v, i) => store(i)).join('---\n');
}

interface StoreState {
  ready: boolean;
  resolved: number;
}

async function storeStates(world: World): Promise<StoreState[]> {
  const list = JSON.parse(await world.kubectl(['get', 'clusterstores.kpack.io', '-o', 'json'])) as {
    items: Array<{ metadata: { name: string }; status?: { conditions?: Array<{ type: string; status: string }>; resolvedImages?: unknown[] } }>;
  };
  return list.items
    .filter((s) => s.metadata.name.startsWith('poll-'))
    .map((s) => ({
      ready: s.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false,
      resolved: s.status?.resolvedImages?.length ?? 0,
    }));
}

async function procStats(pid: number): Promise<{ cpuSeconds: number; rssMiB: number; peakMiB: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string): number => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0);
  // Fields 14 and 15 of /proc/PID/stat (after the parenthesised command name) are user and system ticks.
  const stat = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]?.split(' ') ?? [];
  const ticks = Number(stat[11] ?? 0) + Number(stat[12] ?? 0);
  return { cpuSeconds: ticks / 100, rssMiB: kib('VmRSS') / 1024, peakMiB: kib('VmHWM') / 1024 };
}

const controllerRequests = async (world: World): Promise<AccessLogEntry[]> =>
  (await world.registry.accessLog()).filter((e) => e.userAgent.startsWith('packsmith-controller'));

function countBy(entries: readonly AccessLogEntry[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const e of entries) {
    const key = `${e.method} ${e.path.includes('/manifests/') ? 'manifest' : e.path.includes('/tags/') ? 'tags' : e.path.includes('/blobs/') ? 'blob' : e.path}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function main(): Promise<void> {
  const world = await startWorld('bench-update-poll');
  let controller: ManagedProcess | undefined;
  try {
    await world.kubectl(['apply', '-f', '-'], world.resourcesYaml([world.at.web, world.at.ruby], 'b-unused'));
    await world.kubectl(['delete', 'builders.kpack.io', 'b-unused', '-n', 'team']);
    const sourceTag = world.at.ruby.slice(world.at.ruby.lastIndexOf(':') + 1);
    const tags = Array.from({ length: storeCount }, (_v, s) => Array.from({ length: tagCount }, (_w, t) => tagName(s, t))).flat();
    await tagAll(world, 'store/ruby', sourceTag, tags);
    await world.kubectl(['apply', '-f', '-'], storesYaml(world));
    const args = controllerRunArgs(world.kube.kubeconfigPath, '--no-leader-elect', '--workers', '2');
    controller = startProcess({ command: process.execPath, args, logFile: join(world.work, 'controller.log') });
    const setupDeadline = Date.now() + 15 * 60_000;
    for (;;) {
      const states = await storeStates(world);
      if (states.length === storeCount && states.every((s) => s.ready && s.resolved === tagCount)) break;
      if (!controller.alive()) throw new Error(`controller exited during setup:\n${(await controller.log()).slice(-2000)}`);
      if (Date.now() > setupDeadline)
        throw new Error(`setup timed out: ${states.filter((s) => s.ready && s.resolved === tagCount).length}/${storeCount} stores settled`);
      await sleep(1000);
    }
    const intervals: Array<{ requests: number; byMethod: Record<string, number>; cpuSeconds: number; rssMiB: number }> = [];
    let seen = (await controllerRequests(world)).length;
    let before = await procStats(controller.pid);
    for (let i = 0; i < intervalCount; i += 1) {
      await sleep(intervalMs);
      if (!controller.alive()) throw new Error(`controller exited:\n${(await controller.log()).slice(-2000)}`);
      const all = await controllerRequests(world);
      const window = all.slice(seen);
      seen = all.length;
      const now = await procStats(controller.pid);
      intervals.push({ requests: window.length, byMethod: countBy(window), cpuSeconds: now.cpuSeconds - before.cpuSeconds, rssMiB: now.rssMiB });
      before = now;
      console.log(
        `interval ${i + 1}: ${window.length} requests ${JSON.stringify(countBy(window))}, CPU ${intervals.at(-1)?.cpuSeconds.toFixed(2)} s, RSS ${now.rssMiB.toFixed(0)} MiB`,
      );
    }
    const end = await procStats(controller.pid);
    const images = storeCount * tagCount;
    const requests = intervals.map((i) => i.requests);
    const result = {
      date: new Date().toISOString(),
      stores: storeCount,
      tagsPerStore: tagCount,
      images,
      intervalMs,
      intervals,
      medianRequestsPerInterval: [...requests].sort((a, b) => a - b)[Math.floor(requests.length / 2)],
      requestsPerImagePerInterval: requests.reduce((a, b) => a + b, 0) / requests.length / images,
      cpuSecondsPerInterval: intervals.reduce((a, b) => a + b.cpuSeconds, 0) / intervals.length,
      rssAtEndMiB: end.rssMiB,
      peakRssMiB: end.peakMiB,
    };
    const out = join(import.meta.dirname, 'out');
    await mkdir(out, { recursive: true });
    const file = join(out, `update-poll-${result.date.slice(0, 10)}.json`);
    await writeFile(file, `${JSON.stringify(result, null, 2)}\n`);
    console.log(
      `\n${images} images (${storeCount} stores × ${tagCount} tags), 1 m interval, ${intervalCount} intervals:\n` +
        `requests per interval (median) ${String(result.medianRequestsPerInterval)}, per image ${result.requestsPerImagePerInterval.toFixed(3)}\n` +
        `controller CPU per interval ${result.cpuSecondsPerInterval.toFixed(2)} s, RSS at end ${result.rssAtEndMiB.toFixed(0)} MiB, peak ${result.peakRssMiB.toFixed(0)} MiB\n` +
        `wrote ${file}`,
    );
  } finally {
    await controller?.stop(15_000);
    await world.stop();
  }
}

await main();
