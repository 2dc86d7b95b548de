// The builder command groups through the CLI entry point: usage errors are found before any
// cluster is contacted, and every command documents itself with examples.
import { describe, expect, it } from 'vitest';
import { runCli } from '../../main.ts';
import type { CliIo } from '../../io.ts';

async function run(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    stdout: (t) => void out.push(t),
    stderr: (t) => void err.push(t),
    isTty: false,
    // No kubeconfig anywhere: a command that reached the cluster would fail differently.
    env: { KUBECONFIG: '/nonexistent/kubeconfig', HOME: '/nonexistent' },
    ask: () => Promise.resolve(''),
    readStdin: () => Promise.resolve(''),
  };
  const code = await runCli(args, io);
  return { code, stdout: out.join(''), stderr: err.join('') };
}

describe('builder commands', () => {
  it("rejects two order sources with kp's message and the usage exit code", async () => {
    const result = await run(['builder', 'create', 'app', '--tag', 'r/app', '-b', 'test/web', '--order', 'order.yaml']);
    expect(result).toEqual({ code: 2, stdout: '', stderr: 'error: only one of --order, --buildpack, or --order-from can be specified\n' });
    const cluster = await run(['clusterbuilder', 'patch', 'base', '--order-from', 'r/b', '-b', 'test/web']);
    expect(cluster.code).toBe(2);
  });

  it('requires --tag to create a Builder', async () => {
    const result = await run(['builder', 'create', 'app', '-b', 'test/web']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("required option '-t, --tag <tag>' not specified");
  });

  it('uses -o for --output and --order without a short flag', async () => {
    const result = await run(['builder', 'create', '--help']);
    expect(result.stdout).toContain('-o, --output <format>');
    expect(result.stdout).toMatch(/\n\s+--order <file>/);
    expect(result.stdout).toContain('--order-from <image>');
    expect(result.stdout).toContain('--service-account <name>');
  });

  it('documents every command with examples; clusterbuilder has no -n or --service-account', async () => {
    for (const group of ['builder', 'clusterbuilder']) {
      for (const verb of ['create', 'patch', 'save', 'status', 'list', 'delete']) {
        const help = await run([group, verb, '--help']);
        expect(help.code).toBe(0);
        expect(help.stdout).toContain(`Examples:\n  packsmith ${group} ${verb}`);
        if (group === 'clusterbuilder') expect(help.stdout).not.toMatch(/--namespace|--service-account/);
      }
    }
  });
});
