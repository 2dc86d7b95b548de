import { describe, expect, it } from 'vitest';
import { runCli } from '../main.ts';
import { parseDuration } from '../duration.ts';
import { captureIo } from '../testing/index.ts';

describe('packsmith controller', () => {
  it('--help documents every flag and the environment', async () => {
    const io = captureIo();
    expect(await runCli(['controller', '--help'], io)).toBe(0);
    const help = io.out.join('');
    for (const flag of [
      '--kubeconfig',
      '--context',
      '--workers',
      '--metrics-port',
      '--health-port',
      '--leader-elect',
      '--no-leader-elect',
      '--lease-namespace',
      '--shards',
      '--insecure-registry',
      '--resync-period',
      '--shutdown-grace',
    ]) {
      expect(help).toContain(flag);
    }
    expect(help).toMatch(/POD_NAMESPACE/);
    expect(help).toMatch(/DOCKER_CONFIG/);
  });

  it('accepts only "run" as an action, and names a missing kubeconfig file', async () => {
    const wrong = captureIo();
    expect(await runCli(['controller', 'start'], wrong)).toBe(2);
    expect(wrong.err.join('')).toMatch(/unknown action "start"/);
    const missing = captureIo();
    expect(await runCli(['controller', 'run', '--kubeconfig', '/nonexistent/kubeconfig', '--no-leader-elect'], missing)).toBe(1);
    expect(missing.err.join('')).toMatch(/cannot load the Kubernetes configuration: .*nonexistent\/kubeconfig/);
    const shardsAlone = captureIo();
    expect(await runCli(['controller', 'run', '--shards', '4', '--no-leader-elect'], shardsAlone)).toBe(2);
    expect(shardsAlone.err.join('')).toMatch(/--shards needs leader election/);
    const noShards = captureIo();
    expect(await runCli(['controller', 'run', '--shards', '0'], noShards)).toBe(2);
    expect(noShards.err.join('')).toMatch(/--shards: 0 is not a number from 1/);
  });

  it('parses durations with units, seconds by default', () => {
    expect(parseDuration('--resync-period', '10h')).toBe(36_000_000);
    expect(parseDuration('--resync-period', '5m')).toBe(300_000);
    expect(parseDuration('--resync-period', '30')).toBe(30_000);
    expect(parseDuration('--resync-period', '250ms')).toBe(250);
    expect(() => parseDuration('--resync-period', 'soon')).toThrow(/--resync-period: soon is not a duration/);
  });
});
