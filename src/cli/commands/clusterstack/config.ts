/**
 * `packsmith config default-repository|default-service-account`: kp's settings in ConfigMap
 * kp-config (namespace kpack). With a value they set it (creating the ConfigMap when needed) and
 * print `kp-config set`; without one they print the current setting.
 */
import { Option, type Command } from '@commander-js/extra-typings';
import { addKubeFlags, readKpConfig, requireDefaultRepository, writeKpConfig, type KpConfig, type KpConfigUpdate } from '../../cluster/index.ts';
import { CliError, exitCodes } from '../../errors.ts';
import type { CliIo } from '../../io.ts';
import { runRead } from './shared.ts';

type Options = Record<string, unknown>;
const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** How `config default-repository` prints the setting: kp drops a trailing slash. */
export function renderDefaultRepository(config: KpConfig): string {
  return `${requireDefaultRepository(config).replace(/\/+$/, '')}\n`;
}

/** How `config default-service-account` prints the setting (kp's defaults applied). */
export function renderDefaultServiceAccount(config: KpConfig): string {
  return `Name: ${config.serviceAccount.name}\nNamespace: ${config.serviceAccount.namespace}\n`;
}

/** The update `config default-repository` makes: the repository, plus the service account when its flags are given. */
export function repositoryUpdate(repository: string | undefined, options: Options): KpConfigUpdate | undefined {
  const name = text(options.defaultServiceAccount);
  const namespace = text(options.defaultServiceAccountNamespace);
  if (name === undefined && namespace !== undefined) {
    throw new CliError('--default-service-account-namespace needs --default-service-account', exitCodes.usage);
  }
  if (repository === undefined && name === undefined) return undefined;
  return { defaultRepository: repository, serviceAccount: name === undefined ? undefined : { name, namespace: namespace ?? 'kpack' } };
}

function registerDefaultRepository(group: Command, io: CliIo): void {
  const command = group
    .command('default-repository')
    .description('set or print the default repository, where cluster-level images (stacks, lifecycles, buildpackages) are uploaded')
    .argument('[repository]', 'the repository to set, e.g. my-registry.com/my-default-repo')
    .option('--default-service-account <name>', 'also set the service account whose secrets give the cluster access to the repository')
    .option('--default-service-account-namespace <namespace>', 'namespace of that service account (default: kpack)')
    .addHelpText(
      'after',
      `
The setting is stored in ConfigMap kp-config (namespace kpack) under "default.repository" (and the
older "canonical.repository"); the ConfigMap is created when missing. packsmith and kp share it.

Examples:
  packsmith config default-repository
  packsmith config default-repository my-registry.com/my-default-repo
  packsmith config default-repository my-registry.com/my-default-repo --default-service-account kp-sa`,
    )
    .action(async (repository, _o, command) => {
      const options: Options = command.opts();
      const update = repositoryUpdate(repository, options);
      await runRead(io, options, async (session) => {
        if (update === undefined) {
          io.stdout(renderDefaultRepository(await readKpConfig(session.objects)));
          return;
        }
        await writeKpConfig(session.objects, update);
        io.stdout('kp-config set\n');
      });
    });
  addKubeFlags(command, { namespaced: false });
}

function registerDefaultServiceAccount(group: Command, io: CliIo): void {
  const command = group
    .command('default-service-account')
    .description('set or print the default service account, whose secrets give the cluster access to the default repository')
    .argument('[name]', 'the service account to set')
    .option('--namespace <namespace>', 'namespace of the service account (default: kpack)')
    .addOption(new Option('--service-account-namespace <namespace>', "kp's name for --namespace").hideHelp())
    .addHelpText(
      'after',
      `
The setting is stored in ConfigMap kp-config (namespace kpack) under
"default.repository.serviceaccount" and ".namespace"; the ConfigMap is created when missing.
Without a name, prints the current one (default: "default" in namespace kpack).

Examples:
  packsmith config default-service-account
  packsmith config default-service-account my-service-account
  packsmith config default-service-account my-service-account --namespace default`,
    )
    .action(async (name, _o, command) => {
      const options: Options = command.opts();
      const namespace = text(options.namespace) ?? text(options.serviceAccountNamespace) ?? 'kpack';
      await runRead(io, { kubeconfig: options.kubeconfig, context: options.context }, async (session) => {
        if (name === undefined) {
          io.stdout(renderDefaultServiceAccount(await readKpConfig(session.objects)));
          return;
        }
        await writeKpConfig(session.objects, { serviceAccount: { name, namespace } });
        io.stdout('kp-config set\n');
      });
    });
  addKubeFlags(command, { namespaced: false });
}

/** Registers `config` and its subcommands. */
export function registerConfigCommands(program: Command, io: CliIo): void {
  const group = program
    .command('config')
    .description("kp's settings (ConfigMap kp-config in namespace kpack): the default repository and its service account")
    .addHelpText(
      'after',
      '\nExamples:\n  packsmith config default-repository my-registry.com/my-default-repo\n  packsmith config default-service-account kp-sa --namespace kpack',
    );
  registerDefaultRepository(group, io);
  registerDefaultServiceAccount(group, io);
}
