/**
 * The flags every resource command shares, added in one place so names, help and defaults match
 * kubectl and kp: connection (`--kubeconfig`, `--context`, `-n`), registry TLS, and the write
 * modes (`--dry-run`, `--dry-run-with-image-upload`, `-o yaml|json`, waiting for readiness).
 */
import { Option } from '@commander-js/extra-typings';
import { parseDuration } from '../duration.ts';
import { CliError, exitCodes } from '../errors.ts';
import { insecureRegistryOption } from '../repeatable-flags.ts';
import type { WriteMode } from './kp-format.ts';
import { outputFormat, type OutputFormat } from './reporter.ts';

interface OptionTarget {
  addOption(option: Option): unknown;
}

/** Adds `--kubeconfig`, `--context` and, for namespaced kinds, `-n/--namespace`. */
export function addKubeFlags<T extends OptionTarget>(command: T, options: { namespaced: boolean }): T {
  command.addOption(new Option('--kubeconfig <file>', 'kubeconfig file (default: $KUBECONFIG, in-cluster, ~/.kube/config)'));
  command.addOption(new Option('--context <name>', 'kubeconfig context to use instead of the current one'));
  if (options.namespaced) command.addOption(new Option('-n, --namespace <name>', "kubernetes namespace (default: the context's namespace)"));
  return command;
}

/** Adds kp's registry TLS flags and `--insecure-registry`. */
export function addRegistryFlags<T extends OptionTarget>(command: T): T {
  command.addOption(new Option('--registry-ca-cert-path <file>', 'PEM file of a CA to trust for registries, besides the system roots'));
  command.addOption(
    new Option('--registry-verify-certs <bool>', 'verify registry TLS certificates (false: like --insecure-registry for every registry)').default('true'),
  );
  command.addOption(insecureRegistryOption());
  return command;
}

/** Adds `--dry-run`, `--dry-run-with-image-upload`, `-o/--output` and, with `wait`, `--no-wait` and `--wait-timeout`. */
export function addWriteFlags<T extends OptionTarget>(command: T, options: { uploads: boolean; wait: boolean }): T {
  command.addOption(new Option('--dry-run', 'only print what would be done: no server change' + (options.uploads ? ', no image upload' : '')));
  if (options.uploads) command.addOption(new Option('--dry-run-with-image-upload', 'upload images but change nothing on the server'));
  command.addOption(new Option('-o, --output <format>', 'print the resource as yaml or json (progress then goes to stderr)').choices(['yaml', 'json']));
  if (options.wait) {
    command.addOption(new Option('--no-wait', 'return once the server has accepted the change, without waiting for the controller'));
    command.addOption(new Option('--wait-timeout <duration>', 'how long to wait for the resource to be reconciled (e.g. 30s, 10m)').default('10m'));
  }
  return command;
}

/** Connection flags as parsed. */
export interface KubeFlags {
  kubeconfig?: string | undefined;
  context?: string | undefined;
  namespace?: string | undefined;
}

/** Registry flags as parsed. */
export interface RegistryFlags {
  caCertPath?: string | undefined;
  verifyCerts: boolean;
  insecureRegistries: string[];
}

/** Write flags as parsed. */
export interface WriteFlags {
  mode: WriteMode;
  format: OutputFormat | undefined;
  wait: boolean;
  waitTimeoutMs: number;
}

type Parsed = Record<string, unknown>;
const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** Reads the connection flags from commander's parsed options. */
export function readKubeFlags(options: Parsed): KubeFlags {
  return { kubeconfig: text(options.kubeconfig), context: text(options.context), namespace: text(options.namespace) };
}

/** Reads the registry flags; `--registry-verify-certs` takes true or false. */
export function readRegistryFlags(options: Parsed): RegistryFlags {
  const verify = (text(options.registryVerifyCerts) ?? 'true').toLowerCase();
  if (verify !== 'true' && verify !== 'false') throw new CliError(`--registry-verify-certs: "${verify}" is not true or false`, exitCodes.usage);
  const insecure = Array.isArray(options.insecureRegistry) ? options.insecureRegistry.filter((v): v is string => typeof v === 'string') : [];
  return { caCertPath: text(options.registryCaCertPath), verifyCerts: verify === 'true', insecureRegistries: insecure };
}

/** Reads the write flags; `--dry-run` and `--dry-run-with-image-upload` exclude each other. */
export function readWriteFlags(options: Parsed): WriteFlags {
  if (options.dryRun === true && options.dryRunWithImageUpload === true) {
    throw new CliError('only one of --dry-run and --dry-run-with-image-upload can be specified', exitCodes.usage);
  }
  const mode: WriteMode = options.dryRun === true ? 'dry-run' : options.dryRunWithImageUpload === true ? 'dry-run-with-image-upload' : 'apply';
  const format = outputFormat(text(options.output));
  return { mode, format, wait: options.wait !== false, waitTimeoutMs: parseDuration('--wait-timeout', text(options.waitTimeout) ?? '10m') };
}
