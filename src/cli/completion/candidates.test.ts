import { Command } from '@commander-js/extra-typings';
import { describe, expect, it } from 'vitest';
import { completionCandidates, type TypedFlags } from './candidates.ts';

function tree(): Command {
  const program = new Command('packsmith');
  const store = program.command('clusterstore');
  store.command('create').option('-b, --buildpackage <ref>').option('--dry-run');
  store.command('status').option('-v, --verbose').option('--kubeconfig <file>');
  store.command('list');
  const builder = program.command('builder');
  builder.command('status').option('-n, --namespace <ns>').option('--context <name>');
  program.command('version');
  return program;
}

const asked: Array<{ group: string; flags: TypedFlags }> = [];
const lister = (group: string, flags: TypedFlags): Promise<string[]> => {
  asked.push({ group, flags });
  return Promise.resolve(group === 'builder' ? ['api', 'web', 'worker'] : ['default']);
};

describe('completionCandidates', () => {
  it('completes command groups and subcommands by prefix', async () => {
    expect(await completionCandidates(tree(), [], '', lister)).toEqual(['builder', 'clusterstore', 'version']);
    expect(await completionCandidates(tree(), [], 'cl', lister)).toEqual(['clusterstore']);
    expect(await completionCandidates(tree(), ['clusterstore'], '', lister)).toEqual(['create', 'list', 'status']);
  });

  it('completes flags of the command being typed', async () => {
    expect(await completionCandidates(tree(), ['clusterstore', 'create'], '--', lister)).toEqual(['--buildpackage', '--dry-run', '--help']);
    expect(await completionCandidates(tree(), ['clusterstore', 'status'], '-', lister)).toEqual(['--help', '--kubeconfig', '--verbose', '-v']);
  });

  it('completes names of existing resources, passing the connection flags typed so far', async () => {
    asked.length = 0;
    expect(await completionCandidates(tree(), ['builder', 'status', '-n', 'team', '--context', 'prod'], 'w', lister)).toEqual(['web', 'worker']);
    expect(asked).toEqual([{ group: 'builder', flags: { namespace: 'team', context: 'prod' } }]);
    expect(await completionCandidates(tree(), ['clusterstore', 'status', '--kubeconfig', '/k'], '', lister)).toEqual(['default']);
  });

  it('offers no names for create, after the name, or when the cluster cannot be reached', async () => {
    asked.length = 0;
    expect(await completionCandidates(tree(), ['clusterstore', 'create'], '', lister)).toEqual([]);
    expect(await completionCandidates(tree(), ['clusterstore', 'status', 'default'], '', lister)).toEqual([]);
    expect(asked).toEqual([]);
    expect(await completionCandidates(tree(), ['builder', 'status'], '', () => Promise.reject(new Error('no cluster')))).toEqual([]);
  });
});
