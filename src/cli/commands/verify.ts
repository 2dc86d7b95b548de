/**
 * `packsmith verify BUILDER_REF --key cosign.pub`: checks the builder's cosign signature and its
 * SLSA v1 provenance attestation against a public key (offline: no transparency log, as with
 * `cosign verify --insecure-ignore-tlog`), then prints what the builder was made from.
 */
import { readFile } from 'node:fs/promises';
import { Option, type Command } from '@commander-js/extra-typings';
import { verifyImage, type VerifiedImage } from '../../app/index.ts';
import { messageOf } from '../../shared/index.ts';
import { withEnvironment } from '../environment.ts';
import { CliError } from '../errors.ts';
import { examples } from '../help.ts';
import type { CliIo } from '../io.ts';
import { formatJson, formatTable, formatYamlDocuments } from '../output.ts';
import { insecureRegistryOption } from '../repeatable-flags.ts';

function digestText(digest: Readonly<Record<string, string>>): string {
  return Object.entries(digest)
    .map(([algorithm, hex]) => `${algorithm}:${hex}`)
    .join(' ');
}

function render(verified: VerifiedImage, keyFile: string): string {
  const { provenance } = verified;
  const version = Object.entries(provenance.builderVersion)
    .map(([name, v]) => `${name} ${v}`)
    .join(', ');
  const inputs = formatTable([['  INPUT', 'IMAGE', 'DIGEST'], ...provenance.dependencies.map((d) => [`  ${d.name}`, d.uri, digestText(d.digest)])]);
  return [
    `Verified: ${verified.identifier}`,
    `Signatures by ${keyFile}: ${verified.signatures}`,
    `Provenance: ${provenance.predicateType}, built by ${provenance.builderId}${version ? ` (${version})` : ''}`,
    '',
    'Inputs:',
    inputs.trimEnd(),
    '',
  ].join('\n');
}

async function readKey(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new CliError(`cannot read the public key ${path}: ${messageOf(error)}`, undefined, { cause: error });
  }
}

/** Registers `verify`. */
export function registerVerifyCommand(program: Command, io: CliIo): void {
  program
    .command('verify')
    .description("check a builder's cosign signature and SLSA provenance against a public key, and print its inputs")
    .addHelpText(
      'after',
      examples('packsmith verify registry.example.com/team/builder:latest --key cosign.pub', 'packsmith verify REF --key cosign.pub -o json'),
    )
    .argument('<reference>', 'the builder image in a registry (tag or digest)')
    .addHelpText('after', '\nSignatures stored in another repository (kpack.io/cosign.repository) are read from $COSIGN_REPOSITORY, as cosign does.')
    .requiredOption('--key <file>', 'the public key (cosign.pub, a PEM "PUBLIC KEY") the builder was signed with')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json', 'yaml'] as const).default('text' as const))
    .addOption(insecureRegistryOption())
    .action(async (reference, options) => {
      const publicKeyPem = await readKey(options.key);
      // As cosign: signatures stored in another repository are found through COSIGN_REPOSITORY.
      const artifactRepository = io.env.COSIGN_REPOSITORY;
      const verified = await withEnvironment(io, options.insecureRegistry, (environment) =>
        verifyImage(
          { image: reference, publicKeyPem, keychain: environment.keychain, ...(artifactRepository ? { artifactRepository } : {}) },
          { images: environment.images },
        ),
      );
      if (options.output === 'json') io.stdout(formatJson(verified));
      else if (options.output === 'yaml') io.stdout(formatYamlDocuments([verified]));
      else io.stdout(render(verified, options.key));
    });
}
