/**
 * Shell completion candidates, computed from the command tree itself so they never drift from the
 * real commands: subcommands, flags, and for commands that act on an existing resource, the names
 * of those resources in the cluster (asked lazily through `listNames`).
 */
import type { CommandUnknownOpts as Command } from '@commander-js/extra-typings';

/** Connection flags typed so far (`-n`, `--kubeconfig`, `--context`), by long name without dashes. */
export type TypedFlags = Partial<Record<'namespace' | 'kubeconfig' | 'context', string>>;

/** Lists resource names of a command group (`clusterstore`, `builder` …); failures give no names. */
export type NameLister = (group: string, flags: TypedFlags) => Promise<string[]>;

// Commands whose first argument names an existing resource.
const actsOnExisting = new Set(['status', 'patch', 'update', 'save', 'delete', 'add', 'remove', 'resync', 'approve-update']);

interface Position {
  command: Command;
  path: string[];
  positionals: number;
  flags: TypedFlags;
}

const connectionFlags: Record<string, keyof TypedFlags> = {
  '-n': 'namespace',
  '--namespace': 'namespace',
  '--kubeconfig': 'kubeconfig',
  '--context': 'context',
};

function findSubcommand(command: Command, word: string): Command | undefined {
  return command.commands.find((c) => c.name() === word || c.aliases().includes(word));
}

function takesValue(command: Command, word: string): boolean {
  const option = command.options.find((o) => o.long === word || o.short === word);
  return option !== undefined && (option.required || option.optional) && !word.includes('=');
}

// Keeps the connection flags name completion needs; returns 1, the value word to skip.
function recordFlag(position: Position, word: string, value: string | undefined): number {
  const flag = connectionFlags[word];
  if (flag !== undefined && value !== undefined) position.flags[flag] = value;
  return 1;
}

// Walks the completed words to the command being typed, skipping flag values.
function locate(program: Command, words: readonly string[]): Position {
  const position: Position = { command: program, path: [], positionals: 0, flags: {} };
  for (let index = 0; index < words.length; index++) {
    const word = words[index] ?? '';
    if (word.startsWith('-')) {
      if (takesValue(position.command, word)) index += recordFlag(position, word, words[index + 1]);
      continue;
    }
    const sub = findSubcommand(position.command, word);
    if (sub !== undefined && position.positionals === 0) {
      position.command = sub;
      position.path.push(sub.name());
    } else position.positionals++;
  }
  return position;
}

// commander keeps `hidden: true` of `.command(name, { hidden })` only in its private `_hidden`.
const isHidden = (command: Command): boolean => '_hidden' in command && command._hidden === true;

function optionWords(command: Command): string[] {
  const words = command.options.filter((o) => !o.hidden).flatMap((o) => [o.long, o.short].filter((w): w is string => w !== undefined));
  return [...words, '--help'];
}

/** The candidates for `current` after the completed `words` (both without the program name), sorted. */
export async function completionCandidates(program: Command, words: readonly string[], current: string, listNames: NameLister): Promise<string[]> {
  const position = locate(program, words);
  const { command } = position;
  let candidates: string[];
  if (current.startsWith('-')) candidates = optionWords(command);
  else if (command.commands.length > 0) candidates = command.commands.filter((c) => !isHidden(c)).map((c) => c.name());
  else if (position.positionals === 0 && actsOnExisting.has(command.name()) && position.path.length === 2) {
    candidates = await listNames(position.path[0] ?? '', position.flags).catch(() => []);
  } else candidates = [];
  return [...new Set(candidates.filter((c) => c.startsWith(current)))].sort();
}
