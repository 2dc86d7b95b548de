// Shell completion through the REAL shell: bash sources the script `packsmith completion bash`
// prints, with `packsmith` on PATH as the project's launcher, and its completion function is asked
// what it offers; the candidates come from the real command tree through `packsmith __complete`.
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.ts';
import { removeDir, runCommand, scratchDir } from '../harness/index.ts';

let work: string;
let script: string;

async function complete(words: string[]): Promise<string[]> {
  const line = words.map((w) => `'${w}'`).join(' ');
  const program = `source ${script}\nCOMP_WORDS=(packsmith ${line}); COMP_CWORD=${words.length}\n_packsmith_complete\nprintf '%s\\n' "\${COMPREPLY[@]}"`;
  const result = await runCommand('bash', ['-c', program], {
    env: { PATH: `${join(work, 'bin')}:${process.env.PATH ?? ''}`, HOME: work, KUBECONFIG: join(work, 'none') },
    timeoutMs: 60_000,
  });
  expect(result.code, result.stderr).toBe(0);
  return result.stdout.split('\n').filter(Boolean);
}

beforeAll(async () => {
  work = await scratchDir('completion');
  await mkdir(join(work, 'bin'));
  const launcher = join(work, 'bin', 'packsmith');
  await writeFile(launcher, `#!/bin/sh\nexec node ${resolve('bin/packsmith.js')} "$@"\n`);
  await chmod(launcher, 0o755);
  const out: string[] = [];
  const code = await runCli(['completion', 'bash'], {
    stdout: (t) => void out.push(t),
    stderr: () => undefined,
    isTty: false,
    env: {},
    ask: () => Promise.resolve(''),
    readStdin: () => Promise.resolve(''),
  });
  expect(code).toBe(0);
  script = join(work, 'packsmith.bash');
  await writeFile(script, out.join(''));
});

afterAll(async () => {
  await removeDir(work);
});

describe('bash completion', () => {
  it('completes command groups, subcommands and flags from the real command tree', async () => {
    expect(await complete(['ver'])).toEqual(['verify', 'version']);
    expect(await complete(['vers'])).toEqual(['version']);
    const groups = await complete(['']);
    for (const group of ['build', 'controller', 'completion', 'image']) expect(groups).toContain(group);
    expect(groups).not.toContain('__complete');
    expect(await complete(['image', ''])).toEqual(['copy', 'inspect']);
    expect(await complete(['controller', '--kube'])).toEqual(['--kubeconfig']);
  }, 120_000);

  it('completes nothing (and prints no error) where there is nothing to offer', async () => {
    expect(await complete(['version', 'x'])).toEqual([]);
  }, 60_000);

  it('prints scripts for zsh and fish and rejects other shells', async () => {
    const out: string[] = [];
    const io = {
      stdout: (t: string) => void out.push(t),
      stderr: (t: string) => void out.push(t),
      isTty: false,
      env: {},
      ask: () => Promise.resolve(''),
      readStdin: () => Promise.resolve(''),
    };
    expect(await runCli(['completion', 'zsh'], io)).toBe(0);
    expect(out.join('')).toContain('compdef _packsmith packsmith');
    expect(await runCli(['completion', 'fish'], io)).toBe(0);
    expect(out.join('')).toContain('complete -c packsmith');
    expect(await runCli(['completion', 'tcsh'], io)).toBe(2);
  });
});
