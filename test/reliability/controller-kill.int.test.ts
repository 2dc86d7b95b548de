// `packsmith controller run` killed with SIGKILL in the middle of a builder push, against a REAL
// kube-apiserver and docker-registry (test/controller/world.ts). The Builder's tag goes through the
// fault proxy, which holds one request of the push (a blob upload, or the manifest PUT) in a long
// stall; while it is held the controller is killed with `kill -9` and a fresh one started. Checked:
// the fresh controller converges (UpToDate, latestImage), the tag never named anything while the
// push was cut, and afterwards names exactly latestImage with every blob present (skopeo, talking to
// the registry directly, copies the whole image).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { removeDir, skopeoCopy, skopeoInspect, skopeoListTags, controllerRunArgs, startProcess, type ManagedProcess } from '../harness/index.ts';
import { startFaultProxy, type FaultProxy, type FaultRule } from '../harness/fault-proxy.ts';
import { conditionOf, startWorld, type World } from '../controller/world.ts';

let world: World;
const processes: ManagedProcess[] = [];
const proxies: FaultProxy[] = [];

beforeAll(async () => {
  world = await startWorld('controller-kill');
  await world.kubectl(['apply', '-f', '-'], world.resourcesYaml([world.at.web, world.at.ruby]));
}, 240_000);

afterAll(async () => {
  await Promise.all(processes.map((p) => p.stop(2_000)));
  await Promise.all(proxies.map((p) => p.stop()));
  await world.stop();
});

function startController(name: string): ManagedProcess {
  const args = controllerRunArgs(world.kube.kubeconfigPath, '--no-leader-elect', '--resync-period', '1h');
  const child = startProcess({ command: process.execPath, args, logFile: join(world.work, `${name}.log`) });
  processes.push(child);
  return child;
}

/** A ServiceAccount whose Secret holds the registry credentials under the proxy's host, and a Builder pushing through it. */
function builderYaml(name: string, proxyHost: string): string {
  const { username = '', password = '' } = world.registry;
  const auth = Buffer.from(`${username}:${password}`).toString('base64');
  const config = JSON.stringify({ auths: { [proxyHost]: { auth } } });
  return `apiVersion: v1
kind: Secret
metadata: {name: ${name}, namespace: team}
type: kubernetes.io/dockerconfigjson
stringData: {.dockerconfigjson: '${config}'}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: ${name}, namespace: team}
secrets: [{name: registry}, {name: ${name}}]
---
apiVersion: kpack.io/v1alpha2
kind: Builder
metadata: {name: ${name}, namespace: team}
spec:
  tag: ${proxyHost}/builders/${name}
  serviceAccountName: ${name}
  stack: {name: base}
  store: {name: default}
  order:
  - group: [{id: test/web}]
  - group: [{id: test/ruby}]
`;
}

/** Where the push is held: the final upload PUT of a blob, or the PUT of the builder's own tag (not the run-image tag pushed before it). */
const holds: ReadonlyArray<{ kind: string; method: RegExp; path: (repo: string, tag: string) => RegExp }> = [
  { kind: 'blob', method: /^(PATCH|PUT)$/, path: (repo) => new RegExp(`^/v2/${repo}/blobs/uploads/`) },
  { kind: 'manifest', method: /^PUT$/, path: (repo, tag) => new RegExp(`^/v2/${repo}/manifests/${tag}$`) },
];
const rounds = [1, 2];
const cases = rounds.flatMap((round) => holds.map((hold) => ({ ...hold, name: `kill-${hold.kind}-${String(round)}` })));

describe('controller killed with SIGKILL in the middle of a builder push', () => {
  const results: string[] = [];

  afterAll(() => {
    console.log(`[kill] runs: ${results.length}, converged: ${results.filter((r) => r.startsWith('converged')).length}\n  ${results.join('\n  ')}`);
  });

  for (const { name, method, path } of cases) {
    it(`${name}: a fresh controller converges and the tag never names a partial image`, async () => {
      const { registry, kubectl, getJson, until } = world;
      const repo = `builders/${name}`;
      const builderTag = `builder-team-${name}`;
      const rule: FaultRule = { name: `hold ${name}`, method, path: path(repo, builderTag), maxHits: 1, fault: { kind: 'stall', ms: 600_000 } };
      const proxy = await startFaultProxy({ upstream: registry.host, rules: [rule], maxFaults: 1, activeForMs: 600_000 });
      proxies.push(proxy);
      const first = startController(`${name}-first`);
      await kubectl(['apply', '-f', '-'], builderYaml(name, proxy.host));
      await until(() => Promise.resolve(proxy.injected.length === 1), 120_000, `the push of ${repo} held by the proxy`);
      // Held mid-push: the builder's tag does not exist yet.
      const tagsOf = (): Promise<string[]> => skopeoListTags(`docker://${registry.host}/${repo}`, registry.skopeoArgs()).catch(() => []);
      expect(await tagsOf()).not.toContain(builderTag);
      process.kill(first.pid, 'SIGKILL');
      await until(() => Promise.resolve(!first.alive()), 10_000, 'first controller killed');
      const killed = Date.now();
      // The cut request is never forwarded (its socket died with the process): still no builder tag.
      const tagsAfterKill = await tagsOf();
      expect(tagsAfterKill).not.toContain(builderTag);
      const second = startController(`${name}-second`);
      await until(
        async () => conditionOf((await getJson('builders.kpack.io', name, 'team')).status, 'UpToDate')?.status === 'True',
        180_000,
        `${name} UpToDate after the restart`,
      );
      const convergedMs = Date.now() - killed;
      const latest = (await getJson('builders.kpack.io', name, 'team')).status?.latestImage as string;
      const [reference, digest] = latest.split('@');
      const tag = reference?.split(':').at(-1) ?? '';
      expect(tag).toBe(builderTag);
      const direct = `docker://${registry.host}/${repo}:${tag}`;
      const inspected = await skopeoInspect(direct, registry.skopeoArgs());
      expect(inspected.Digest).toBe(digest);
      // Every blob the tag names is in the registry and matches its digest.
      const copy = join(world.work, `${name}-copy`);
      await skopeoCopy({ src: direct, dest: `oci:${copy}:x`, flags: registry.skopeoArgs({ role: 'src' }) });
      await removeDir(copy);
      expect(second.alive()).toBe(true);
      results.push(
        `converged ${name}: held ${proxy.injected[0]?.method ?? ''} ${proxy.injected[0]?.path.split('?')[0] ?? ''}; tags after the kill [${tagsAfterKill.join(',')}]; kill -9 → UpToDate in ${convergedMs} ms; ${latest}`,
      );
      await second.stop(10_000);
    }, 360_000);
  }
});
