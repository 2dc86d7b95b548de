// Two `packsmith controller run` processes against a REAL kube-apiserver and docker-registry (see
// world.ts): one leader is elected over a Lease; both serve /healthz, /readyz and /metrics; SIGTERM
// stops the leader gracefully and the standby takes over only after the release, and builds; a
// leader killed with SIGKILL is replaced by a fresh replica once the Lease expires, and the work
// converges. The logs never carry the registry password.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { controllerRunArgs, startProcess, type ManagedProcess } from '../harness/index.ts';
import { conditionOf, startWorld, type World } from './world.ts';

let world: World;

beforeAll(async () => {
  world = await startWorld('controller-replicas');
}, 240_000);

afterAll(async () => {
  await world.stop();
});

describe('packsmith controller run as two processes', () => {
  const processes: ManagedProcess[] = [];
  const start = (name: string): ManagedProcess => {
    const args = controllerRunArgs(world.kube.kubeconfigPath, '--lease-namespace', 'packsmith', '--resync-period', '1h');
    const child = startProcess({ command: process.execPath, args, logFile: join(world.work, `${name}.log`), env: { ...process.env, HOSTNAME: name } });
    processes.push(child);
    return child;
  };
  const port = async (child: ManagedProcess): Promise<number> => Number(/health on port (\d+)/.exec(await child.log())?.[1] ?? 0);
  const leads = async (child: ManagedProcess): Promise<boolean> => (await child.log()).includes('"msg":"starting workers"');

  afterAll(async () => {
    await Promise.all(processes.map((p) => p.stop(2_000)));
  });

  it('elects one leader, serves health and metrics, and hands over on SIGTERM', async () => {
    const { kubectl, getJson, until, at } = world;
    await kubectl(['create', 'namespace', 'packsmith']);
    const [a, b] = [start('replica-a'), start('replica-b')];
    await until(async () => (await port(a)) > 0 && (await port(b)) > 0, 30_000, 'both replicas listening');
    for (const child of [a, b]) {
      const base = `http://127.0.0.1:${await port(child)}`;
      await until(async () => (await fetch(`${base}/readyz`)).status === 200, 30_000, 'readyz');
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      expect(await (await fetch(`${base}/metrics`)).text()).toContain('packsmith_workqueue_depth');
    }
    await until(async () => (await leads(a)) || (await leads(b)), 30_000, 'a leader');
    // A few renewals of the Lease later (the standby retries as often as the leader renews), the standby still waits.
    const renewals = new Set<string>();
    await until(
      async () => {
        renewals.add(
          await kubectl(['get', 'leases', '-n', 'packsmith', '-o', 'jsonpath={range .items[*]}{.spec.holderIdentity} {.spec.renewTime}{"\\n"}{end}']),
        );
        return renewals.size >= 3;
      },
      30_000,
      'three Lease renewals',
    );
    const [leader, standby] = (await leads(a)) ? [a, b] : [b, a];
    expect(await leads(standby)).toBe(false);
    // The leader builds a new builder.
    await kubectl(['apply', '-f', '-'], world.resourcesYaml([at.web, at.ruby], 'second'));
    await until(
      async () => conditionOf((await getJson('builders.kpack.io', 'second', 'team')).status, 'UpToDate')?.status === 'True',
      120_000,
      'second Builder UpToDate',
    );
    // Peak resident memory of the leader after building (the pid is the node process itself).
    const peak = /VmHWM:\s+(\d+) kB/.exec(await readFile(`/proc/${leader.pid}/status`, 'utf8'))?.[1];
    console.log(`[e2e] leader peak RSS after building 2 builders: ${Math.round(Number(peak) / 1024)} MiB`);
    // SIGTERM: the leader stops gracefully (well within the 15 s before SIGKILL) and releases the Lease.
    const stopped = Date.now();
    const exit = await leader.stop(15_000);
    const exitMs = Date.now() - stopped;
    expect(exit).toEqual({ killed: false });
    expect(await leader.log()).toMatch(/"outcome":"stopped","signal":"SIGTERM","msg":"controller stopped"/);
    await until(() => leads(standby), 30_000, 'the standby leads');
    // Never two leaders: the standby started leading only after the leader had stopped.
    const timeOf = async (child: ManagedProcess, msg: string): Promise<number> =>
      Date.parse(/"time":"([^"]+)"[^\n]*"msg":"(?:[^"]*)"/.exec((await child.log()).split('\n').find((l) => l.includes(`"msg":"${msg}"`)) ?? '')?.[1] ?? '');
    const released = await timeOf(leader, 'stopped leading');
    const acquired = await timeOf(standby, 'started leading');
    expect(acquired).toBeGreaterThanOrEqual(released);
    const takeoverMs = acquired - released;
    await kubectl(['apply', '-f', '-'], world.resourcesYaml([at.web, at.ruby], 'third'));
    await until(
      async () => conditionOf((await getJson('builders.kpack.io', 'third', 'team')).status, 'UpToDate')?.status === 'True',
      120_000,
      'third Builder UpToDate',
    );
    const logs = await standby.log();
    expect(logs).not.toMatch(/password|packsmith-secret/);
    console.log(`[e2e] leader exit after SIGTERM: ${exitMs} ms; standby leading ${takeoverMs} ms after the leader released the Lease`);

    // Killed in the middle (SIGKILL right after a new Builder appears: no release, work lost): a
    // fresh replica waits for the Lease to expire, then converges.
    await kubectl(['apply', '-f', '-'], world.resourcesYaml([at.web, at.ruby], 'fourth'));
    process.kill(standby.pid, 'SIGKILL');
    await until(() => Promise.resolve(!standby.alive()), 10_000, 'killed');
    const killed = Date.now();
    const fresh = start('replica-c');
    await until(
      async () => conditionOf((await getJson('builders.kpack.io', 'fourth', 'team')).status, 'UpToDate')?.status === 'True',
      90_000,
      'fourth Builder UpToDate after the restart',
    );
    expect(await leads(fresh)).toBe(true);
    console.log(`[e2e] SIGKILLed leader → new replica converged after ${Date.now() - killed} ms (Lease expiry included)`);
  }, 240_000);
});
