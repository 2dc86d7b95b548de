// The controller's keychain cache and transport pool against a REAL kube-apiserver and docker-registry
// (see world.ts), wired as `packsmith controller run` wires them (compose's controllerRegistryAccess).
// Many reconciles (a 500 ms resync re-enqueues every resource) of resources sharing one
// ServiceAccount keep one registry transport open and send no new /v2/ pings; a changed Secret password takes effect at the next reconcile, because the Secret
// watch drops the cached keychain (and closes its transport) before re-enqueueing the users.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OciImageAccess } from '../../src/adapters/index.ts';
import { systemClock } from '../../src/app/index.ts';
import { controllerRegistryAccess } from '../../src/compose.ts';
import { createControllerMetrics, createManager, type ControllerMetrics, type Manager } from '../../src/controller/index.ts';
import { createKubeClient, loadKubeConfig } from '../../src/k8s/index.ts';
import { silentLogger } from '../../src/shared/index.ts';
import { conditionOf, startWorld, type World } from './world.ts';

let world: World;
let manager: Manager;
let images: OciImageAccess;
const stop = new AbortController();
let running: Promise<unknown> = Promise.resolve();
let reconciles = 0;
let controllerMetrics: ControllerMetrics;

const ready = async (kind: string, name: string, namespace?: string): Promise<string | undefined> =>
  conditionOf((await world.getJson(kind, name, namespace)).status, 'Ready')?.status;
const pings = async (): Promise<number> =>
  (await world.registry.accessLog()).filter((e) => e.path === '/v2/' && e.userAgent.startsWith('packsmith-controller')).length;

/** Counts every finished reconcile, so the test waits on reconciles rather than on time. */
function counting(metrics: ControllerMetrics): ControllerMetrics {
  return { ...metrics, reconciled: (kind, outcome, seconds) => void (reconciles++, metrics.reconciled(kind, outcome, seconds)) };
}

beforeAll(async () => {
  world = await startWorld('controller-credential-cache');
  const client = createKubeClient(loadKubeConfig({ kubeconfig: world.kube.kubeconfigPath }));
  const access = controllerRegistryAccess({ client, settings: { userAgent: 'packsmith-controller' } });
  images = access.images;
  controllerMetrics = createControllerMetrics({ transports: () => images.registry.transportCount() });
  manager = createManager({
    client,
    keychains: access.keychains,
    images,
    clock: systemClock,
    logger: silentLogger,
    workers: 2,
    resyncMs: 500,
    metrics: counting(controllerMetrics),
  });
  running = manager.run(stop.signal);
  await world.until(() => Promise.resolve(manager.ready()), 30_000, 'informers synced');
  await world.kubectl(['apply', '-f', '-'], world.resourcesYaml([world.at.web, world.at.ruby]));
  await world.until(async () => (await ready('builders.kpack.io', 'web', 'team')) === 'True', 120_000, 'builder web Ready');
}, 240_000);

afterAll(async () => {
  stop.abort();
  await running.catch(() => undefined);
  await images.close();
  await world.stop();
});

describe('keychain cache and transport pool (real apiserver and registry)', () => {
  it('many reconciles with one ServiceAccount keep the transports bounded and send no new pings', async () => {
    const transportsBefore = images.registry.transportCount();
    const pingsBefore = await pings();
    const target = reconciles + 60;
    await world.until(() => Promise.resolve(reconciles >= target), 120_000, '60 more reconciles (resync)');
    // Every resource here reads with team/builder: one keychain, one transport (the controller-wide
    // keychain would make two). Before the cache there was one more transport per reconcile.
    expect(transportsBefore).toBeLessThanOrEqual(2);
    expect(images.registry.transportCount()).toBe(transportsBefore);
    expect((await controllerMetrics.render()).body.match(/^packsmith_registry_transports (\d+)/m)?.[1]).toBe(String(transportsBefore));
    expect(await pings()).toBe(pingsBefore);
    expect(await ready('builders.kpack.io', 'web', 'team')).toBe('True');
  }, 300_000);

  it('a changed Secret password takes effect: the cached keychain is dropped and the store fails, then recovers', async () => {
    const config = (password: string): string =>
      JSON.stringify({ auths: { [world.registry.host]: { auth: Buffer.from(`${world.registry.username}:${password}`).toString('base64') } } });
    const secret = (password: string): string =>
      `apiVersion: v1\nkind: Secret\nmetadata: {name: registry, namespace: team}\ntype: kubernetes.io/dockerconfigjson\nstringData: {.dockerconfigjson: '${config(password)}'}\n`;
    await world.kubectl(['apply', '-f', '-'], secret('wrong-password'));
    await world.until(async () => (await ready('clusterstores.kpack.io', 'default')) === 'False', 60_000, 'store failed with the changed (wrong) password');
    expect(conditionOf((await world.getJson('clusterstores.kpack.io', 'default')).status, 'Ready')?.message).toMatch(/401|unauthori[sz]ed/i);
    await world.kubectl(['apply', '-f', '-'], secret(world.registry.password ?? ''));
    await world.until(async () => (await ready('clusterstores.kpack.io', 'default')) === 'True', 60_000, 'store Ready with the restored password');
    // The current team/builder transport, plus the two dropped by the Secret changes until their
    // one-minute grace (no requests) runs out.
    expect(images.registry.transportCount()).toBeLessThanOrEqual(3);
  }, 180_000);
});
