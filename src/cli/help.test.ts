import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import { describe, expect, it } from 'vitest';
import { buildProgram } from './program.ts';

const io = { stdout: () => undefined, stderr: () => undefined, isTty: false, env: {}, ask: () => Promise.resolve(''), readStdin: () => Promise.resolve('') };

function leaves(command: CommandUnknownOpts, path: string[] = []): Array<{ path: string; command: CommandUnknownOpts }> {
  const visible = command.commands.filter((c) => !(c as { _hidden?: boolean })._hidden);
  if (visible.length === 0) return [{ path: path.join(' '), command }];
  return visible.flatMap((c) => leaves(c, [...path, c.name()]));
}

const all = leaves(await buildProgram(io));

describe('help', () => {
  it('covers the kp resource groups', () => {
    const paths = all.map((l) => l.path);
    for (const path of [
      'clusterstore create',
      'clusterstack create',
      'clusterlifecycle create',
      'buildpack create',
      'clusterbuildpack create',
      'builder create',
      'clusterbuilder create',
      'completion',
    ]) {
      expect(paths).toContain(path);
    }
  });

  it('gives every command a description and examples', () => {
    const lacking = all.filter(({ command }) => {
      let help = '';
      command.configureOutput({ writeOut: (t) => (help += t) });
      command.outputHelp();
      return command.description() === '' || !help.includes('Examples');
    });
    expect(lacking.map((l) => l.path)).toEqual([]);
  });
});
