// The buildpack command groups through the real CLI entry, for what needs no cluster: the command
// tree and its help (kp's flags, examples), and the usage errors raised before any connection.
import { describe, expect, it } from 'vitest';
import { runCli } from '../../main.ts';
import type { CliIo } from '../../io.ts';

function captureIo(): CliIo & { out: () => string; err: () => string } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out: () => out.join(''),
    err: () => err.join(''),
    stdout: (t) => void out.push(t),
    stderr: (t) => void err.push(t),
    isTty: false,
    ask: () => Promise.resolve(''),
    readStdin: () => Promise.resolve(''),
    env: { KUBECONFIG: '/nonexistent/kubeconfig' },
  };
}

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = captureIo();
  const code = await runCli(args, io);
  return { code, out: io.out(), err: io.err() };
}

describe('buildpack commands', () => {
  it("lists the six subcommands of both groups, with kp's aliases", async () => {
    for (const group of ['buildpack', 'bp', 'clusterbuildpack', 'cbp']) {
      const { code, out } = await run([group, '--help']);
      expect(code).toBe(0);
      for (const verb of ['create', 'patch', 'save', 'status', 'list', 'delete']) expect(out).toMatch(new RegExp(`^  ${verb} `, 'm'));
    }
  });

  it("offers kp's flags: -n and --service-account only for the namespaced kind", async () => {
    const namespaced = (await run(['buildpack', 'create', '--help'])).out;
    for (const flag of [
      '-i, --image <image>',
      '--service-account <name>',
      '-n, --namespace <name>',
      '--dry-run',
      '--dry-run-with-image-upload',
      '-o, --output <format>',
      '--registry-ca-cert-path',
      '--kubeconfig',
    ]) {
      expect(namespaced).toContain(flag);
    }
    expect(namespaced).toContain('Examples:\n  packsmith buildpack create my-buildpack --image');
    const cluster = (await run(['clusterbuildpack', 'create', '--help'])).out;
    expect(cluster).toContain('-i, --image <image>');
    expect(cluster).not.toContain('--service-account');
    expect(cluster).not.toContain('--namespace');
    expect(cluster).toContain('Examples:\n  packsmith clusterbuildpack create my-buildpack --image');
  });

  it('every subcommand has a description and examples', async () => {
    for (const group of ['buildpack', 'clusterbuildpack']) {
      for (const verb of ['create', 'patch', 'save', 'status', 'list', 'delete']) {
        const { out } = await run([group, verb, '--help']);
        expect(out, `${group} ${verb}`).toMatch(/Examples:\n {2}packsmith /);
      }
    }
  });

  it('create requires --image (usage error, exit 2)', async () => {
    const { code, err } = await run(['buildpack', 'create', 'my-buildpack']);
    expect(code).toBe(2);
    expect(err).toContain("required option '-i, --image <image>' not specified");
  });

  it('the two dry-run modes exclude each other before anything is contacted', async () => {
    const { code, err } = await run(['clusterbuildpack', 'patch', 'x', '--dry-run', '--dry-run-with-image-upload']);
    expect(code).toBe(2);
    expect(err).toBe('error: only one of --dry-run and --dry-run-with-image-upload can be specified\n');
  });

  it('an unreadable kubeconfig is a clear error with exit 1', async () => {
    const { code, err } = await run(['buildpack', 'list']);
    expect(code).toBe(1);
    expect(err).toMatch(/^error: cannot load the Kubernetes configuration: /);
  });
});
