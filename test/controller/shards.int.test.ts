// Two `packsmith controller run --shards 4` processes against a REAL kube-apiserver and
// docker-registry (see world.ts): both replicas hold shards at once (one Lease per shard, seen with
// kubectl), each builds the Builders whose keys fall in its shards and none builds another's; on
// SIGTERM one replica releases its shards and the other takes all four over and builds a Builder
// of a shard it did not hold before; a replica that joins takes half, and when it is killed with
// SIGKILL its shards come back once its Leases expire.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { shardOf } from '../../src/k8s/index.ts';
import { controllerRunArgs, startProcess, type ManagedProcess } from '../harness/index.ts';
import { conditionOf, startWorld, type World } from './world.ts';

const shards = 4;
let world: World;

beforeAll(async () => {
  world = await startWorld('controller-shards');
}, 240_000);

afterAll(async () => {
  await world.stop();
});

/** Shard Lease → holder, as kubectl shows the Leases. */
async function shardHolders(): Promise<Map<number, string>> {
  const out = await world.kubectl(['get', 'leases', '-n', 'packsmith', '-o', 'jsonpath={range .items[*]}{.metadata.name}={.spec.holderIdentity}{"\\n"}{end}']);
  const holders = new Map<number, string>();
  for (const line of out.split('\n')) {
    const match = /^packsmith-controller-shard-(\d+)=(.*)$/.exec(line.trim());
    if (match?.[2]) holders.set(Number(match[1]), match[2]);
  }
  return holders;
}

/** Builder names whose queue keys fall in each shard (the test picks names per shard). */
function namesByShard(count: number): string[][] {
  const byShard: string[][] = Array.from({ length: shards }, () => []);
  for (let i = 0; byShard.some((names) => names.length < count); i += 1) {
    const name = `b${i}`;
    const names = byShard[shardOf(`Builder:team/${name}`, shards)];
    if (names && names.length < count) names.push(name);
  }
  return byShard;
}

describe('packsmith controller run --shards across two processes', () => {
  const processes: ManagedProcess[] = [];
  const start = (name: string): ManagedProcess => {
    const args = controllerRunArgs(world.kube.kubeconfigPath, '--lease-namespace', 'packsmith', '--resync-period', '1h', '--shards', String(shards));
    const child = startProcess({ command: process.execPath, args, logFile: join(world.work, `${name}.log`), env: { ...process.env, HOSTNAME: name } });
    processes.push(child);
    return child;
  };
  /** The identity a replica writes into its Leases (its host name and a random suffix). */
  const identityOf = async (child: ManagedProcess): Promise<string | undefined> => /"identity":"([^"]+)"/.exec(await child.log())?.[1];
  const built = async (child: ManagedProcess, name: string): Promise<boolean> =>
    (await child.log()).split('\n').some((line) => line.includes('"msg":"builder up to date"') && line.includes(`"key":"team/${name}"`));
  const upToDate = async (name: string): Promise<boolean> =>
    conditionOf((await world.getJson('builders.kpack.io', name, 'team')).status, 'UpToDate')?.status === 'True';

  afterAll(async () => {
    await Promise.all(processes.map((p) => p.stop(2_000)));
  });

  it('shares the shards, builds each Builder on its shard owner, and hands the shards over on SIGTERM', async () => {
    const { kubectl, until, at } = world;
    await kubectl(['create', 'namespace', 'packsmith']);
    const [a, b] = [start('replica-a'), start('replica-b')];
    await until(async () => (await identityOf(a)) !== undefined && (await identityOf(b)) !== undefined, 30_000, 'both replicas in the shard ring');
    const ids = { a: (await identityOf(a)) ?? '', b: (await identityOf(b)) ?? '' };
    // Both hold shards at once: two of the four each, once both member Leases are seen.
    await until(
      async () => {
        const holders = [...(await shardHolders()).values()];
        return holders.length === shards && holders.filter((h) => h === ids.a).length === 2 && holders.filter((h) => h === ids.b).length === 2;
      },
      60_000,
      'the four shards split two and two',
    );
    const holders = await shardHolders();

    // One Builder per shard: each is built by the replica holding its shard, never by the other.
    const names = namesByShard(1).map((list) => list[0] ?? '');
    for (const name of names) await kubectl(['apply', '-f', '-'], world.resourcesYaml([at.web, at.ruby], name));
    await until(async () => (await Promise.all(names.map(upToDate))).every(Boolean), 180_000, 'every Builder UpToDate');
    for (const [shard, name] of names.entries()) {
      const [owner, other] = holders.get(shard) === ids.a ? [a, b] : [b, a];
      expect(await built(owner, name), `${name} (shard ${shard}) built by its owner`).toBe(true);
      expect(await built(other, name), `${name} (shard ${shard}) not built by the other replica`).toBe(false);
    }

    // SIGTERM a: it releases its shards on the way out and b takes all four over.
    expect(await a.stop(15_000)).toEqual({ killed: false });
    await until(async () => [...(await shardHolders()).values()].filter((h) => h === ids.b).length === shards, 60_000, 'b holds all four shards');
    const lost = [...holders].filter(([, holder]) => holder === ids.a).map(([shard]) => shard);
    const lostShard = lost[0] ?? 0;
    const newcomer = namesByShard(2)[lostShard]?.[1] ?? '';
    await kubectl(['apply', '-f', '-'], world.resourcesYaml([at.web, at.ruby], newcomer));
    await until(() => upToDate(newcomer), 120_000, `${newcomer} (shard ${lostShard}, formerly a's) UpToDate`);
    expect(await built(b, newcomer)).toBe(true);
    expect(await b.log()).not.toMatch(/password|packsmith-secret/);

    // A replica joins and takes half; killed with SIGKILL (no release), its shards return to b once its Leases expire.
    const c = start('replica-c');
    await until(async () => (await identityOf(c)) !== undefined, 30_000, 'c in the shard ring');
    const idC = (await identityOf(c)) ?? '';
    await until(async () => [...(await shardHolders()).values()].filter((h) => h === idC).length === 2, 60_000, 'c holds two shards');
    process.kill(c.pid, 'SIGKILL');
    await until(() => Promise.resolve(!c.alive()), 10_000, 'c killed');
    const killed = Date.now();
    await until(async () => [...(await shardHolders()).values()].filter((h) => h === ids.b).length === shards, 60_000, 'b holds all four shards again');
    console.log(`[e2e] SIGKILLed replica's shards taken over after ${Date.now() - killed} ms (Lease 15 s)`);
  }, 360_000);
});
