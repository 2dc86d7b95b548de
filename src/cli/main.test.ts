import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from './main.ts';
import { captureIo } from './testing/index.ts';

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
  it('says an unknown command is unknown even with --help, and keeps help for known ones', async () => {
    const unknown = captureIo();
    expect(await runCli(['deploy', '--help'], unknown)).toBe(2);
    expect(unknown.err.join('')).toMatch(/unknown command 'deploy'/);
    expect(unknown.out.join('')).toBe('');
    const near = captureIo();
    expect(await runCli(['-h', 'buld'], near)).toBe(2);
    expect(near.err.join('')).toMatch(/Did you mean build\?/);
    const known = captureIo();
    expect(await runCli(['build', '--help'], known)).toBe(0);
    expect(known.out.join('')).toMatch(/Usage: packsmith build/);
  });
  it('takes one host per --insecure-registry, so a positional argument after it stays positional', async () => {
    const io = captureIo();
    // Without the image argument the command would fail with a usage error (exit 2) before reading anything.
    const code = await runCli(['inspect', 'builder', '--insecure-registry', 'registry.invalid:5000', 'oci:/nonexistent/layout'], io);
    expect(code).toBe(1);
    expect(io.err.join('')).not.toMatch(/missing required argument/);
  });
  it('ends quietly when its output is closed early', async () => {
    const entry = fileURLToPath(new URL('./main.ts', import.meta.url));
    const child = spawn(process.execPath, [entry, 'build', '--help'], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy(); // like `| head -0`: the reader is gone before the first write
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).not.toMatch(/EPIPE|Unhandled/);
    expect(code).toBe(0);
  });
});
