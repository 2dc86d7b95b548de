import { describe, expect, it } from 'vitest';
import { buildProgram, lazyCommandNames } from './program.ts';

const io = { stdout: () => undefined, stderr: () => undefined, isTty: false, env: {}, ask: () => Promise.resolve(''), readStdin: () => Promise.resolve('') };

const topLevel = async (argv?: readonly string[]): Promise<string[]> => (await buildProgram(io, argv)).commands.map((c) => c.name());

describe('buildProgram loads command modules lazily', () => {
  it('names every top-level command in exactly one module of the table', async () => {
    expect([...lazyCommandNames.flat()].sort()).toEqual((await topLevel()).sort());
  });

  it('loads only the module of the command being run, whatever its flags', async () => {
    expect(await topLevel(['version'])).toEqual(['version']);
    expect(await topLevel(['clusterlifecycle', 'list', '-n', 'x'])).toEqual(['clusterstack', 'clusterlifecycle', 'config']);
    expect(await topLevel(['build', '-f', 'dir'])).toEqual(['build']);
  });

  it('loads no command for the version flag alone', async () => {
    expect(await topLevel(['-v'])).toEqual([]);
    expect(await topLevel(['--version'])).toEqual([]);
  });

  it('loads the whole tree for help (with or without the version flag), an unknown command and completion', async () => {
    const all = await topLevel();
    for (const argv of [[], ['--help'], ['-v', '--help'], ['help', 'build'], ['biuld'], ['completion', 'bash'], ['__complete', 'bu']]) {
      expect(await topLevel(argv)).toEqual(all);
    }
  });
});
