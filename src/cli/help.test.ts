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

  it('every example parses against the command tree (its command, flags and arguments exist)', async () => {
    const examples = all.flatMap(({ path, command }) => examplesOf(command).map((line) => ({ path, line })));
    expect(examples.length).toBeGreaterThan(all.length);
    const refused: string[] = [];
    for (const { path, line } of examples) {
      // A fresh tree per example: commander keeps parsed values on its commands. Actions do nothing here.
      const program = await buildProgram(io);
      for (const { command } of leaves(program)) command.action(() => undefined);
      try {
        await program.parseAsync(wordsOf(line), { from: 'user' });
      } catch (error) {
        refused.push(`${path}: ${line}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    expect(refused).toEqual([]);
  });
});

function examplesOf(command: CommandUnknownOpts): string[] {
  let help = '';
  command.configureOutput({ writeOut: (t) => (help += t) });
  command.outputHelp();
  // The section ends at the first blank line (the controller's environment table follows it).
  const section = (help.split('\nExamples:\n')[1] ?? '').split('\n\n')[0] ?? '';
  return section
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.includes('packsmith '));
}

/** The words after `packsmith` in a shell line (up to a pipe, redirection, comment or the end of `<(…)`), unquoted. */
function wordsOf(line: string): string[] {
  const start = line.lastIndexOf('packsmith ');
  const words = line.slice(start + 'packsmith '.length).match(/'[^']*'|"[^"]*"|\S+/g) ?? [];
  const end = words.findIndex((w) => w === '|' || w === '#' || w.startsWith('>') || w === '&&');
  const kept = end === -1 ? words : words.slice(0, end);
  return kept.map((w) => w.replace(/^(['"])(.*)\1$/, '$2').replace(/\)$/, ''));
}
