import { describe, expect, it } from 'vitest';
import { runCli } from './main.ts';
import type { CliIo } from './io.ts';

function captureIo(): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (t) => out.push(t), stderr: (t) => err.push(t), isTty: false, ask: () => Promise.resolve(''), env: {} };
}

describe('packsmith CLI', () => {
  it('prints help listing the commands and exit codes', async () => {
    const io = captureIo();
    expect(await runCli(['--help'], io)).toBe(0);
    const help = io.out.join('');
    expect(help).toMatch(/Usage: packsmith/);
    expect(help).toMatch(/version/);
    expect(help).toMatch(/Exit codes:/);
  });
  it('reports the version and the Node 24 runtime as JSON', async () => {
    const io = captureIo();
    expect(await runCli(['version', '-o', 'json'], io)).toBe(0);
    const info = JSON.parse(io.out.join('')) as { packsmith: string; node: string };
    expect(info.packsmith).toMatch(/^\d+\.\d+\.\d+/);
    expect(Number(info.node.slice(1).split('.')[0])).toBeGreaterThanOrEqual(24);
  });
  it('exits 2 on an unknown command', async () => {
    const io = captureIo();
    expect(await runCli(['no-such-command'], io)).toBe(2);
    expect(io.err.join('')).toMatch(/unknown command 'no-such-command'/);
  });
});
