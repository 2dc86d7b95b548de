import { Option, type Command } from '@commander-js/extra-typings';
import { installCrds, installDefaults, installManifests, renderManifestsYaml } from '../../deploy/index.ts';
import { CliError, exitCodes } from '../errors.ts';
import type { CliIo } from '../io.ts';
import { packsmithVersion } from '../version.ts';

/** The image the manifests run unless `--image` says otherwise. */
export const defaultImage = `packsmith:${packsmithVersion}`;

const installSteps = `
Examples (install; the CRDs must be established before the default ClusterLifecycle can be created):
  packsmith install --print --crds-only | kubectl apply -f -
  kubectl wait --for=condition=Established crd -l app.kubernetes.io/part-of=packsmith
  packsmith install --print | kubectl apply -f -`;

/** `packsmith install --print`: the installation manifests as YAML for `kubectl apply -f -`. */
export function registerInstallCommand(program: Command, io: CliIo): void {
  program
    .command('install')
    .description('render the manifests that install packsmith (namespace, CRDs, RBAC, controller, webhook, default ClusterLifecycle)')
    .option('--print', 'write the manifests to stdout as YAML (pipe them into kubectl apply -f -)')
    .option('--crds-only', 'only the CustomResourceDefinitions (apply and wait for them first)')
    .addOption(new Option('-n, --namespace <name>', 'namespace of the controller and webhook').default(installDefaults.namespace))
    .addOption(new Option('--image <reference>', 'packsmith image the Deployments run').default(defaultImage))
    .addOption(new Option('--lifecycle-image <reference>', 'image of the default ClusterLifecycle').default(installDefaults.lifecycleImage))
    .addHelpText('after', installSteps)
    .action((options) => {
      if (!options.print) {
        throw new CliError('installing into a cluster directly is not available yet; run: packsmith install --print | kubectl apply -f -', exitCodes.usage);
      }
      const settings = { namespace: options.namespace, image: options.image, lifecycleImage: options.lifecycleImage };
      io.stdout(renderManifestsYaml(options.crdsOnly ? installCrds(settings) : installManifests(settings)));
    });
}
