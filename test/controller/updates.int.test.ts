// Update policies end to end against a REAL kube-apiserver (+ etcd) and the REAL docker-registry
// (Basic auth), with the manager in-process and an update interval of one second (the manager's
// floor is lowered for the test; the webhook's is a minute). Checked: a new digest pushed under a
// followed tag is recorded in the store's status and the builder rebuilt with the new buildpack;
// a semver range follows the highest matching tag from the tag list; an unchanged tag costs HEADs only, one per image per check (the registry's access log against
// the checks metric); a 429 storm in front of one store (the fault proxy) is ridden out, each
// check one request, with no rebuild; `manual` holds an update in pendingUpdates (the store and
// the builder stay on the old digest) until `packsmith clusterstore approve-update` approves it, whose
// --dry-run names exactly the builder the approval then rebuilds; `canary` builds the canary builder
// with the new digest first (the registry's access log orders the pushes) and the other builder only
// once the canary is built with it.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OciImageAccess } from '../../src/adapters/index.ts';
import { systemClock } from '../../src/app/index.ts';
import { createControllerMetrics, createManager, serviceAccountKeychains, type ControllerMetrics, type Manager } from '../../src/controller/index.ts';
import { createKeychainFactory, createKubeClient, loadKubeConfig } from '../../src/k8s/index.ts';
import { silentLogger } from '../../src/shared/index.ts';
import { buildpackages, stackId } from '../app/fixtures.ts';
import { startFaultProxy, type FaultProxy } from '../harness/fault-proxy.ts';
import { runCaptured } from '../../src/cli/testing/index.ts';
import { skopeoInspect } from '../harness/index.ts';
import { conditionOf, startWorld, type KubeJson, type World } from './world.ts';

let world: World;
let manager: Manager;
let images: OciImageAccess;
let metrics: ControllerMetrics;
let proxy: FaultProxy;
let dockerConfig: string;
const stop = new AbortController();
let running: Promise<unknown> = Promise.resolve();
const stormHits = 5;

/** The sum of the metric samples whose line starts with `prefix`. */
async function sample(prefix: string): Promise<number> {
  const { body } = await metrics.render();
  return body
    .split('\n')
    .filter((l) => l.startsWith(prefix))
    .reduce((sum, l) => sum + Number(l.split(' ').at(-1)), 0);
}

interface Resolved {
  image: string;
  tag?: string;
  digest: string;
  checkedAt: string;
}
const resolvedOf = (object: KubeJson): Resolved[] => (object.status?.resolvedImages as Resolved[] | undefined) ?? [];
const versionsOf = (object: KubeJson): string[] =>
  ((object.status?.order as Array<{ group: Array<{ id: string; version: string }> }> | undefined) ?? []).flatMap((e) =>
    e.group.map((g) => `${g.id}@${g.version}`),
  );

const store = (): Promise<KubeJson> => world.getJson('clusterstores.kpack.io', 'default');
const builder = (name = 'web'): Promise<KubeJson> => world.getJson('builders.kpack.io', name, 'team');
const followed = (): string => `${world.registry.host}/store/follow:1`;
const digestOf = async (reference: string): Promise<string> => (await skopeoInspect(`docker://${reference}`, world.registry.skopeoArgs())).Digest as string;
const eventLines = (namespace: string): Promise<string[]> =>
  world
    .kubectl(['get', 'events', '-n', namespace, '-o', 'jsonpath={range .items[*]}{.involvedObject.name} {.reason} {.message}{"\\n"}{end}'])
    .then((out) => out.split('\n').filter((l) => l !== ''));

function builderYaml(name: string, storeName: string): string {
  return `apiVersion: kpack.io/v1alpha2
kind: Builder
metadata: {name: ${name}, namespace: team}
spec:
  tag: ${world.registry.host}/builders/${name}
  serviceAccountName: builder
  stack: {name: base}
  store: {name: ${storeName}}
  order:
  - group: [{id: test/web}]
  - group: [{id: test/ruby}]
`;
}

function resourcesYaml(): string {
  const { at } = world;
  return `${world.accountYaml([proxy.host])}---
apiVersion: kpack.io/v1alpha2
kind: ClusterStore
metadata: {name: default}
spec:
  serviceAccountRef: {name: builder, namespace: team}
  sources: [{image: ${at.web}}, {image: ${followed()}}]
  updatePolicy: {interval: 1s}
---
apiVersion: kpack.io/v1alpha2
kind: ClusterStack
metadata: {name: base}
spec:
  id: ${stackId}
  serviceAccountRef: {name: builder, namespace: team}
  buildImage: {image: ${at.build}}
  runImage: {image: ${at.run}}
---
apiVersion: kpack.io/v1alpha2
kind: ClusterLifecycle
metadata: {name: default-lifecycle}
spec:
  serviceAccountRef: {name: builder, namespace: team}
  image: ${at.lifecycle}
---
${builderYaml('web', 'default')}`;
}

function stormYaml(): string {
  return `apiVersion: kpack.io/v1alpha2
kind: ClusterStore
metadata: {name: storm}
spec:
  serviceAccountRef: {name: builder, namespace: team}
  sources: [{image: ${world.at.web}}, {image: ${proxy.host}/store/storm:1}]
  updatePolicy: {interval: 1s}
---
apiVersion: kpack.io/v1alpha2
kind: Builder
metadata: {name: stormy, namespace: team}
spec:
  tag: ${world.registry.host}/builders/stormy
  serviceAccountName: builder
  stack: {name: base}
  store: {name: storm}
  order:
  - group: [{id: test/web}]
  - group: [{id: test/ruby}]
`;
}

beforeAll(async () => {
  world = await startWorld('controller-updates');
  proxy = await startFaultProxy({
    upstream: world.registry.host,
    // Every HEAD of the storm store's manifest answers 429 until the storm has blown over.
    rules: [
      {
        name: 'storm',
        method: /^HEAD$/,
        path: /^\/v2\/store\/storm\/manifests\//,
        maxHits: stormHits,
        fault: { kind: 'status', status: 429, retryAfterSeconds: 1 },
      },
    ],
    activeForMs: 10 * 60_000,
  });
  dockerConfig = join(world.work, 'docker');
  await mkdir(dockerConfig, { recursive: true });
  const auth = Buffer.from(`${world.registry.username}:${world.registry.password}`).toString('base64');
  await writeFile(join(dockerConfig, 'config.json'), JSON.stringify({ auths: { [world.registry.host]: { auth } } }));
  await world.publish((await buildpackages()).ruby, 'store/follow', '1');
  await world.publish((await buildpackages()).ruby, 'store/storm', '1');
  const client = createKubeClient(loadKubeConfig({ kubeconfig: world.kube.kubeconfigPath }));
  images = new OciImageAccess({ userAgent: 'packsmith-updates' });
  metrics = createControllerMetrics({ queueDepth: () => manager.queueDepth() });
  manager = createManager({
    client,
    keychains: serviceAccountKeychains(createKeychainFactory({ client })),
    images,
    tags: images,
    updates: { minimumIntervalMs: 1_000, backoff: { initialMs: 500, maxMs: 4_000 } },
    clock: systemClock,
    logger: silentLogger,
    metrics,
  });
  running = manager.run(stop.signal);
  await world.until(() => Promise.resolve(manager.ready()), 30_000, 'informers synced');
  await world.kubectl(['apply', '-f', '-'], resourcesYaml());
  await world.until(async () => conditionOf((await builder()).status, 'UpToDate')?.status === 'True', 120_000, 'Builder web UpToDate');
}, 240_000);

afterAll(async () => {
  stop.abort();
  await running.catch(() => undefined);
  await images.close();
  await proxy?.stop();
  await world?.stop();
});

describe('update policies against a real apiserver and registry', () => {
  it('records the digest each followed tag names, next to the tag, without rewriting the spec', async () => {
    await world.until(async () => resolvedOf(await store()).length === 2, 30_000, 'both sources resolved');
    const object = await store();
    expect(resolvedOf(object).map((r) => [r.image, r.tag, r.digest])).toEqual([
      [world.at.web, '1', await digestOf(world.at.web)],
      [followed(), '1', await digestOf(followed())],
    ]);
    expect(object.spec?.sources).toEqual([{ image: world.at.web }, { image: followed() }]);
    expect(versionsOf(await builder())).toEqual(['test/web@2.0.0', 'test/ruby@1.0.0']);
  });

  it('picks up a new digest pushed under the followed tag and rebuilds the builder', async () => {
    const before = (await builder()).status?.latestImage;
    await world.publish((await buildpackages('2.0.0')).ruby, 'store/follow', '1');
    const pushed = await digestOf(followed());
    await world.until(async () => versionsOf(await builder()).includes('test/ruby@2.0.0'), 60_000, 'Builder rebuilt with ruby 2.0.0');
    expect(resolvedOf(await store()).find((r) => r.image === followed())?.digest).toBe(pushed);
    expect((await builder()).status?.latestImage).not.toBe(before);
    const events = await eventLines('default');
    expect(events).toContainEqual(expect.stringMatching(/^default UpdateFound new digest for .*store\/follow:1 \(tag 1\): sha256:\w+ → sha256:\w+$/));
    expect(events).toContainEqual(expect.stringContaining(`default UpdateApplied now using ${followed()} (tag 1)`));
    expect(await sample('packsmith_updates_total{kind="ClusterStore",event="UpdateApplied"}')).toBe(1);
  }, 90_000);

  it('follows the highest tag a semver range matches, reading the tag list', async () => {
    const repo = 'store/ranged';
    await world.publish((await buildpackages('1.0.0')).ruby, repo, '1.0.0');
    await world.publish((await buildpackages('2.0.0')).ruby, repo, '1.5.0');
    await world.publish((await buildpackages('3.0.0')).ruby, repo, '2.0.0');
    const written = `${world.registry.host}/${repo}:1.0.0`;
    await world.kubectl(
      ['apply', '-f', '-'],
      `apiVersion: kpack.io/v1alpha2
kind: ClusterBuildpack
metadata: {name: ranged}
spec:
  serviceAccountRef: {name: builder, namespace: team}
  image: ${written}
  updatePolicy: {interval: 1s, tags: "~1"}
`,
    );
    const ranged = (): Promise<KubeJson> => world.getJson('clusterbuildpacks.kpack.io', 'ranged');
    const versions = async (): Promise<string[]> =>
      ((await ranged()).status?.buildpacks as Array<{ version: string }> | undefined)?.map((b) => b.version) ?? [];
    await world.until(async () => (await versions()).includes('2.0.0'), 30_000, 'the ClusterBuildpack on tag 1.5.0');
    expect(resolvedOf(await ranged())).toEqual([
      expect.objectContaining({ image: written, tag: '1.5.0', digest: await digestOf(`${world.registry.host}/${repo}:1.5.0`) }),
    ]);
    expect((await ranged()).spec?.image).toBe(written);
    const listed = (await world.registry.accessLog()).filter((e) => e.method === 'GET' && e.path === `/v2/${repo}/tags/list`);
    expect(listed.length).toBeGreaterThan(0);
  }, 60_000);

  it('asks an unchanged tag one HEAD per check and nothing else', async () => {
    const latest = (await builder()).status?.latestImage;
    const logged = (await world.registry.accessLog()).length;
    const checks = await sample('packsmith_update_checks_total{kind="ClusterStore"}');
    await world.until(async () => (await sample('packsmith_update_checks_total{kind="ClusterStore"}')) >= checks + 6, 30_000, 'three more rounds');
    const made = (await sample('packsmith_update_checks_total{kind="ClusterStore"}')) - checks;
    const window = (await world.registry.accessLog()).slice(logged).filter((e) => e.repository === 'store/web' || e.repository === 'store/follow');
    expect(new Set(window.map((e) => `${e.method} ${e.path.replace(/[^/]+$/, '…')}`))).toEqual(
      new Set(['HEAD /v2/store/web/manifests/…', 'HEAD /v2/store/follow/manifests/…']),
    );
    // The log may already hold the HEADs of checks still in flight (at most one per image).
    expect(window.length).toBeGreaterThanOrEqual(made);
    expect(window.length).toBeLessThanOrEqual(made + 2);
    expect((await builder()).status?.latestImage).toBe(latest);
  }, 60_000);

  it('rides out a 429 storm: each check one request, backed off, and no rebuild', async () => {
    await world.kubectl(['apply', '-f', '-'], stormYaml());
    await world.until(async () => conditionOf((await builder('stormy')).status, 'UpToDate')?.status === 'True', 120_000, 'Builder stormy UpToDate');
    const stormed = `${proxy.host}/store/storm:1`;
    await world.until(
      async () => resolvedOf(await world.getJson('clusterstores.kpack.io', 'storm')).some((r) => r.image === stormed),
      60_000,
      'the storm store resolved once the storm blew over',
    );
    const heads = proxy.requests.filter((r) => r.method === 'HEAD' && r.path.startsWith('/v2/store/storm/manifests/'));
    // No retries inside a check: the storm's answers are the first HEADs, one per check, then a 200.
    expect(heads.slice(0, stormHits + 1).map((r) => r.status)).toEqual([...Array<number>(stormHits).fill(429), 200]);
    expect(await sample('packsmith_update_check_failures_total{kind="ClusterStore",class="transient"}')).toBe(stormHits);
    const latest = (await builder('stormy')).status?.latestImage as string;
    const builtLines = (await eventLines('team')).filter((l) => l.startsWith('stormy Built'));
    expect(builtLines).toEqual([`stormy Built builder image ${latest} pushed`]);
    const failures = (await eventLines('default')).filter((l) => l.startsWith('storm UpdateCheckFailed'));
    expect(failures).toHaveLength(1);
  }, 180_000);

  it('holds an update with rollout manual until approved; the dry run names the builder the approval rebuilds', async () => {
    await world.kubectl(['patch', 'clusterstore', 'default', '--type', 'merge', '-p', '{"spec":{"updatePolicy":{"interval":"1s","rollout":"manual"}}}']);
    const using = resolvedOf(await store()).find((r) => r.image === followed())?.digest;
    await world.publish((await buildpackages('3.0.0')).ruby, 'store/follow', '1');
    const pushed = await digestOf(followed());
    const pendingOf = (object: KubeJson): Array<{ image: string; from: string; to: string }> =>
      (object.status?.pendingUpdates as Array<{ image: string; from: string; to: string }> | undefined) ?? [];
    await world.until(async () => pendingOf(await store()).some((p) => p.to === pushed), 30_000, 'the update pending');
    const held = await store();
    expect(pendingOf(held)).toEqual([expect.objectContaining({ image: followed(), from: using, to: pushed })]);
    expect(resolvedOf(held).find((r) => r.image === followed())?.digest).toBe(using);
    const buildpacks = (held.status?.buildpacks as Array<{ id: string; version: string }>).map((b) => `${b.id}@${b.version}`);
    expect(buildpacks).toContain('test/ruby@2.0.0');
    expect(buildpacks).not.toContain('test/ruby@3.0.0');
    expect(versionsOf(await builder())).toContain('test/ruby@2.0.0');
    expect(await eventLines('default')).toContainEqual(expect.stringContaining(`default UpdateHeld held ${followed()}`));

    // The CLI's dry run names the builders the approval rebuilds, and what changes in them; it writes nothing.
    const cli = (...args: string[]): ReturnType<typeof runCaptured> =>
      runCaptured(['clusterstore', 'approve-update', 'default', '--kubeconfig', world.kube.kubeconfigPath, ...args], { env: { DOCKER_CONFIG: dockerConfig } });
    const planned = await cli('--dry-run');
    expect(planned).toMatchObject({ code: 0, err: '' });
    expect(planned.out).toBe(
      [
        `Approving ${followed()} (tag 1): ${using} → ${pushed}`,
        'Builders using ClusterStore "default" (1 of 1 would be rebuilt):',
        '\tBuilder team/web: would be rebuilt: test/ruby 2.0.0 → 3.0.0',
        'ClusterStore "default" update approved (dry run)',
        '',
      ].join('\n'),
    );
    expect((await store()).metadata).not.toHaveProperty(['annotations', 'packsmith.kpack.io/approve-update']);
    expect(await cli('--digest', 'sha256:0')).toMatchObject({ code: 1, err: expect.stringContaining('--digest sha256:0 is not pending') as unknown });
    expect(await cli()).toMatchObject({ code: 0, out: `Approving ${followed()} (tag 1): ${using} → ${pushed}\nClusterStore "default" update approved\n` });
    await world.until(async () => versionsOf(await builder()).includes('test/ruby@3.0.0'), 60_000, 'Builder rebuilt with ruby 3.0.0 after the approval');
    const applied = await store();
    expect(pendingOf(applied)).toEqual([]);
    expect(resolvedOf(applied).find((r) => r.image === followed())?.digest).toBe(pushed);
  }, 120_000);

  it('rolls a canary update out to the canary builder first, and to the others once it is built', async () => {
    await world.kubectl(['apply', '-f', '-'], builderYaml('other', 'default'));
    await world.until(async () => conditionOf((await builder('other')).status, 'UpToDate')?.status === 'True', 120_000, 'Builder other UpToDate');
    const canary = { kind: 'Builder', name: 'web', namespace: 'team' };
    await world.kubectl([
      'patch',
      'clusterstore',
      'default',
      '--type',
      'merge',
      '-p',
      JSON.stringify({ spec: { updatePolicy: { interval: '1s', rollout: 'canary', canary } } }),
    ]);
    const logged = (await world.registry.accessLog()).length;
    await world.publish((await buildpackages('4.0.0')).ruby, 'store/follow', '1');
    const pushed = await digestOf(followed());
    await world.until(async () => versionsOf(await builder('other')).includes('test/ruby@4.0.0'), 90_000, 'Builder other rebuilt with ruby 4.0.0');
    expect(versionsOf(await builder('web'))).toContain('test/ruby@4.0.0');
    // The order of the pushes: the canary's builder image first, the other builder's only after it.
    const pushes = (await world.registry.accessLog())
      .slice(logged)
      .filter((e) => e.method === 'PUT' && e.path.includes('/manifests/') && (e.repository === 'builders/web' || e.repository === 'builders/other'))
      .map((e) => e.repository);
    // (A push puts the manifest under each of the builder's tags.)
    expect(pushes.indexOf('builders/web')).toBe(0);
    expect(pushes.lastIndexOf('builders/web')).toBeLessThan(pushes.indexOf('builders/other'));
    await world.until(async () => (await store()).status?.canary === undefined, 30_000, 'the canary view dropped after the promotion');
    const promoted = await store();
    expect(promoted.status?.pendingUpdates).toBeUndefined();
    expect(resolvedOf(promoted).find((r) => r.image === followed())?.digest).toBe(pushed);
    const events = (await eventLines('default')).filter((l) => l.includes(pushed));
    // (Listed by name, not in time order.)
    expect(events.map((l) => l.split(' ')[1]).sort()).toEqual(['UpdateApplied', 'UpdateFound', 'UpdateHeld']);
  }, 180_000);
});
