// Mass rebuilds in order, against a REAL kube-apiserver and docker-registry (see world.ts): six
// Builders share a store; `packsmith controller run --workers 1` rebuilds them all after one store
// change, and the Builders with the rebuild-priority annotation go first, highest first, and one
// with a negative priority last.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { controllerRunArgs, startProcess, type ManagedProcess } from '../harness/index.ts';
import { buildpackages } from '../app/fixtures.ts';
import { startWorld, type World } from './world.ts';

let world: World;
let controller: ManagedProcess | undefined;

beforeAll(async () => {
  world = await startWorld('controller-paced');
}, 240_000);

afterAll(async () => {
  await controller?.stop(5_000);
  await world.stop();
});

describe('a store change that touches many builders', () => {
  const names = Array.from({ length: 6 }, (_v, i) => `paced-${i}`);
  const builderYaml = (name: string): string =>
    `apiVersion: kpack.io/v1alpha2\nkind: Builder\nmetadata: {name: ${name}, namespace: team}\nspec:\n  tag: ${world.registry.host}/builders/paced\n  serviceAccountName: builder\n  stack: {name: base}\n  store: {name: default}\n  order:\n  - group: [{id: test/ruby}]\n`;
  const versions = async (): Promise<string[]> => {
    const list = JSON.parse(await world.kubectl(['get', 'builders.kpack.io', '-n', 'team', '-o', 'json'])) as {
      items: Array<{ metadata: { name: string }; status?: { order?: Array<{ group: Array<{ version: string }> }> } }>;
    };
    return list.items.filter((b) => b.metadata.name.startsWith('paced-')).map((b) => b.status?.order?.[0]?.group[0]?.version ?? '');
  };
  /** Builder names in the order the controller logged them up to date, from log offset `from`. */
  const builtOrder = async (from: number): Promise<string[]> =>
    ((await controller?.log()) ?? '')
      .slice(from)
      .split('\n')
      .filter((line) => line.includes('"msg":"builder up to date"'))
      .flatMap((line) => /"key":"team\/([^"]+)"/.exec(line)?.[1] ?? []);
  const metricsPort = async (): Promise<number> => Number(/metrics on port (\d+)/.exec((await controller?.log()) ?? '')?.[1] ?? 0);
  const metric = async (name: string): Promise<number> =>
    (await (await fetch(`http://127.0.0.1:${await metricsPort()}/metrics`)).text())
      .split('\n')
      .filter((line) => line.startsWith(name))
      .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);

  it('rebuilds them all, the annotated ones first by priority', async () => {
    const { kubectl, until, at } = world;
    await kubectl(['apply', '-f', '-'], world.resourcesYaml([at.web, at.ruby], 'paced-seed'));
    await kubectl(['delete', 'builders.kpack.io', 'paced-seed', '-n', 'team']);
    const args = controllerRunArgs(world.kube.kubeconfigPath, '--no-leader-elect', '--workers', '1', '--resync-period', '1h');
    controller = startProcess({ command: process.execPath, args, logFile: join(world.work, 'controller.log') });
    await kubectl(['apply', '-f', '-'], names.map(builderYaml).join('---\n'));
    await until(async () => (await versions()).filter((v) => v === '1.0.0').length === names.length, 180_000, 'all builders built');
    // An annotation alone queues nothing (the generation does not change); the rank is read when the store change queues them.
    await kubectl(['annotate', 'builders.kpack.io', '-n', 'team', 'paced-4', 'packsmith.kpack.io/rebuild-priority=100']);
    await kubectl(['annotate', 'builders.kpack.io', '-n', 'team', 'paced-2', 'packsmith.kpack.io/rebuild-priority=50']);
    await kubectl(['annotate', 'builders.kpack.io', '-n', 'team', 'paced-5', 'packsmith.kpack.io/rebuild-priority=-5']);

    const ruby2 = await world.publish((await buildpackages('2.0.0')).ruby, 'store/ruby', '2');
    const from = ((await controller.log()) ?? '').length;
    await kubectl([
      'patch',
      'clusterstores.kpack.io',
      'default',
      '--type',
      'merge',
      '-p',
      JSON.stringify({ spec: { sources: [at.web, at.ruby, ruby2].map((image) => ({ image })) } }),
    ]);
    // While one worker rebuilds, the others wait in the queue (shown, not asserted: polling may miss it).
    let deepest = 0;
    await until(
      async () => {
        deepest = Math.max(deepest, await metric('packsmith_workqueue_depth'));
        return (await versions()).filter((v) => v === '2.0.0').length === names.length;
      },
      180_000,
      'all builders rebuilt',
    );
    const order = await builtOrder(from);
    expect(new Set(order)).toEqual(new Set(names));
    expect(order.slice(0, 2)).toEqual(['paced-4', 'paced-2']);
    expect(order.at(-1)).toBe('paced-5');
    console.log(`[e2e] rebuild order after one store change: ${order.join(', ')}; deepest queue seen ${deepest}`);
  }, 420_000);
});
