/** `packsmith store read IMAGE...`: the buildpacks a store with these sources would expose (no cluster needed). */
import { Option, type Command } from '@commander-js/extra-typings';
import { readStore } from '../../app/index.ts';
import { withEnvironment } from '../environment.ts';
import type { CliIo } from '../io.ts';
import { formatJson, formatTable } from '../output.ts';
import { examples } from '../help.ts';
import { insecureRegistryOption } from '../repeatable-flags.ts';

/** Registers `store read`. */
export function registerStoreCommand(program: Command, io: CliIo): void {
  const store = program.command('store').description('work with buildpack stores');
  store
    .command('read')
    .description('list the buildpacks a ClusterStore with these source images would expose (reads manifests and configs only)')
    .addHelpText(
      'after',
      examples('packsmith store read gcr.io/paketo-buildpacks/nodejs:latest', 'packsmith store read ./nodejs.cnb oci:./layouts/ruby -o json'),
    )
    .argument('<image...>', 'buildpackage or builder images: registry references, oci:PATH[:TAG] or PATH.cnb')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['table', 'json'] as const).default('table' as const))
    .addOption(insecureRegistryOption())
    .action(async (images, options) => {
      const records = await withEnvironment(io, options.insecureRegistry, (environment) =>
        readStore({ sources: images.map((image, i) => ({ image, path: `image[${i}]` })), keychain: environment.keychain }, { images: environment.images }),
      );
      if (options.output === 'json') {
        io.stdout(formatJson(records));
        return;
      }
      const rows = records.map((r) => [r.id, r.version, r.api ?? '', r.homepage ?? '', r.storeImage.image]);
      io.stdout(formatTable([['ID', 'VERSION', 'API', 'HOMEPAGE', 'SOURCE'], ...rows]));
    });
}
