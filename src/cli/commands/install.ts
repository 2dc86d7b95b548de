import { Option, type Command } from '@commander-js/extra-typings';
import { installDefaults, installManifests, renderManifestsYaml } from '../../deploy/index.ts';
import { CliError, exitCodes } from '../errors.ts';
import type { CliIo } from '../io.ts';
import { packsmithVersion } from '../version.ts';

/** The image the manifests run unless `--image` says otherwise. */
export const defaultImage = `packsmith:${packsmithVersion}`;

/** `packsmith install --print`: the installation manifests as YAML for `kubectl apply -f -`. */
export function registerInstallCommand(program: Command, io: CliIo): void {
  program
    .command('install')
    .description('render the manifests that install packsmith (namespace, CRDs, RBAC, controller, webhook, default ClusterLifecycle)')
    .option('--print', 'write the manifests to stdout as YAML (pipe them into kubectl apply -f -)')
    .addOption(new Option('-n, --namespace <name>', 'namespace of the controller and webhook').default(installDefaults.namespace))
    .addOption(new Option('--image <reference>', 'packsmith image the Deployments run').default(defaultImage))
    .addOption(new Option('--lifecycle-image <reference>', 'image of the default ClusterLifecycle').default(installDefaults.lifecycleImage))
    .action((options) => {
      if (!options.print) {
        throw new CliError('installing into a cluster directly is not available yet; run: packsmith install --print | kubectl apply -f -', exitCodes.usage);
      }
      io.stdout(renderManifestsYaml(installManifests({ namespace: options.namespace, image: options.image, lifecycleImage: options.lifecycleImage })));
    });
}
