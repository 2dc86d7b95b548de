import { Option, type Command } from '@commander-js/extra-typings';
import { copyImage, inspectImage } from '../../app/index.ts';
import { withEnvironment } from '../environment.ts';
import type { CliIo } from '../io.ts';
import { formatJson } from '../output.ts';
import { terminalProgress, verbosityOf } from '../progress.ts';
import { examples } from '../help.ts';
import { insecureRegistryOption } from '../repeatable-flags.ts';
import { platformOption } from '../platform-flag.ts';

/** A layout destination without a tag is written under `latest`, as a registry would default. */
function destinationOf(reference: string): string {
  if (!reference.startsWith('oci:')) return reference;
  return /:[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/.test(reference.slice('oci:'.length)) ? reference : `${reference}:latest`;
}

/** Registers `image inspect` and `image copy`. */
export function registerImageCommand(program: Command, io: CliIo): void {
  const image = program.command('image').description('inspect and copy images (registry references, oci:PATH[:TAG], PATH.cnb)');
  image
    .command('inspect')
    .description('print the manifest, config and labels of an image as JSON (an index resolves to linux/amd64 unless --platform says otherwise)')
    .addHelpText(
      'after',
      examples(
        'packsmith image inspect registry.example.com/team/builder:latest',
        'packsmith image inspect ./buildpack.cnb',
        'packsmith image inspect registry.example.com/stacks/run:jammy --platform linux/arm64',
      ),
    )
    .argument('<reference>', 'the image')
    .addOption(insecureRegistryOption())
    .addOption(platformOption())
    .action(async (reference, options) => {
      const description = await withEnvironment(io, options.insecureRegistry, (environment) =>
        inspectImage(reference, { images: environment.images, keychain: environment.keychain, ...(options.platform ? { platform: options.platform } : {}) }),
      );
      io.stdout(formatJson(description));
    });
  image
    .command('copy')
    .description('copy an image between registries and layouts; blobs the destination registry can mount are not uploaded')
    .addHelpText(
      'after',
      examples(
        'packsmith image copy registry.example.com/a/builder:1 registry.example.com/b/builder:1',
        'packsmith image copy ./buildpack.cnb oci:./layouts/buildpack:1',
      ),
    )
    .argument('<source>', 'the image to copy')
    .argument('<destination>', 'a tag to write it to (oci:PATH without a tag means :latest)')
    .addOption(insecureRegistryOption())
    .addOption(new Option('-q, --quiet', 'print only errors and the result line: no progress'))
    .addOption(new Option('-v, --verbose', 'print a line per blob even when stderr is not a terminal').conflicts('quiet'))
    .action(async (source, destination, options) => {
      const { onProgress } = terminalProgress(io, verbosityOf(options));
      const result = await withEnvironment(io, options.insecureRegistry, (environment) =>
        copyImage(source, destinationOf(destination), { images: environment.images, keychain: environment.keychain, onProgress }),
      );
      const counts = new Map<string, number>();
      for (const state of Object.values(result.blobs)) counts.set(state, (counts.get(state) ?? 0) + 1);
      const blobs = [...counts].map(([state, n]) => `${n} ${state}`).join(', ');
      io.stdout(`${result.source} -> ${result.identifier} (${result.pushed ? `copied${blobs ? `: ${blobs}` : ''}` : 'unchanged, nothing written'})\n`);
    });
}
