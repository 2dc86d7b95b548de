import { Option, type Command } from '@commander-js/extra-typings';
import type { CliIo } from '../io.ts';
import { packsmithVersion } from '../version.ts';
import { examples } from '../help.ts';

/** `packsmith version`: the packsmith version and the Node.js runtime it runs on. */
export function registerVersionCommand(program: Command, io: CliIo): void {
  program
    .command('version')
    .description('print the packsmith version and the Node.js runtime in use')
    .addHelpText('after', examples('packsmith version', 'packsmith version -o json'))
    .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json'] as const).default('text' as const))
    .action((options) => {
      const info = { packsmith: packsmithVersion, node: process.version, platform: `${process.platform}/${process.arch}` };
      if (options.output === 'json') io.stdout(`${JSON.stringify(info, null, 2)}\n`);
      else io.stdout(`packsmith ${info.packsmith} (node ${info.node}, ${info.platform})\n`);
    });
}
