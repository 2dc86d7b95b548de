import { writeFile } from 'node:fs/promises';
import { Option, type Command } from '@commander-js/extra-typings';
import { createBuilderUsersLookup, createCaBundlePublisher, imageReferenceChecks, jsonLogger } from '../../compose.ts';
import { installDefaults, installNames } from '../../deploy/index.ts';
import { fileCertificateSource, generatedCertificateSource, startWebhookServer, type CertificateSource } from '../../webhook/index.ts';
import { CliError, exitCodes } from '../errors.ts';
import type { CliIo } from '../io.ts';
import { examples } from '../help.ts';

interface WebhookCliOptions {
  host: string;
  port: string;
  cert?: string;
  key?: string;
  service: string;
  namespace: string;
  caBundleFile?: string;
  publishCaBundle?: boolean;
  kubeconfig?: string;
  context?: string;
}

/** The names the generated certificate must cover: the Service's DNS forms and loopback. */
export function serviceHosts(service: string, namespace: string): string[] {
  const svc = `${service}.${namespace}.svc`;
  return [svc, `${svc}.cluster.local`, `${service}.${namespace}`, service, 'localhost', '127.0.0.1'];
}

function certificateSource(options: WebhookCliOptions): CertificateSource {
  if (Boolean(options.cert) !== Boolean(options.key)) throw new CliError('--cert and --key go together', exitCodes.usage);
  if (options.cert && options.key) return fileCertificateSource({ certFile: options.cert, keyFile: options.key });
  return generatedCertificateSource(serviceHosts(options.service, options.namespace));
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliError(`--port: ${text} is not a port number`, exitCodes.usage);
  return port;
}

async function untilSignal(): Promise<string> {
  return new Promise((resolve) => {
    const stop = (signal: string): void => resolve(signal);
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
}

/** Where a new CA bundle goes: a file, the cluster's webhook configurations and CRDs, or both. */
function caBundleHandler(options: WebhookCliOptions): ((bundle: string) => Promise<void>) | undefined {
  const publish = options.publishCaBundle ? createCaBundlePublisher({ kubeconfig: options.kubeconfig, context: options.context }) : undefined;
  const file = options.caBundleFile;
  if (!publish && !file) return undefined;
  return async (bundle) => {
    if (file) await writeFile(file, bundle);
    if (publish) await publish(bundle);
  };
}

async function runWebhook(options: WebhookCliOptions, io: CliIo): Promise<void> {
  const logger = jsonLogger({ name: 'packsmith-webhook' });
  const server = await startWebhookServer({
    host: options.host,
    port: parsePort(options.port),
    certificates: certificateSource(options),
    referenceChecks: imageReferenceChecks,
    usersOf: createBuilderUsersLookup({ kubeconfig: options.kubeconfig, context: options.context }),
    logger,
    onCaBundle: caBundleHandler(options),
  });
  io.stdout(`packsmith webhook listening on ${server.url}\n`);
  const signal = await untilSignal();
  logger.info('stopping', { signal });
  await server.close();
}

/** `packsmith webhook`: the admission and conversion webhook server (HTTPS) until SIGTERM. */
export function registerWebhookCommand(program: Command, io: CliIo): void {
  program
    .command('webhook')
    .description(
      'serve the admission (/defaults, /validate, /protect) and conversion (/convert) webhook over HTTPS until SIGTERM; /protect refuses deleting a stack, store, lifecycle or buildpack that builders use',
    )
    .addHelpText('after', examples('packsmith webhook --publish-ca-bundle', 'packsmith webhook --cert tls.crt --key tls.key --port 8443'))
    .addOption(new Option('--host <address>', 'address to listen on').default('0.0.0.0'))
    .addOption(new Option('--port <port>', 'port to listen on (0: any free port)').default(String(installNames.webhookPort)))
    .option('--cert <file>', 'PEM serving certificate (reloaded when it changes); without it one is generated')
    .option('--key <file>', 'PEM private key of --cert')
    .addOption(new Option('--service <name>', 'Service name the generated certificate is for').default(installNames.webhook))
    .addOption(new Option('--namespace <name>', 'namespace of that Service').default(installDefaults.namespace).env('POD_NAMESPACE'))
    .option('--ca-bundle-file <file>', 'write the CA bundle (PEM) here whenever it changes')
    .option(
      '--publish-ca-bundle',
      "patch the CA bundle into packsmith's webhook configurations and CRDs whenever it changes (needs the RBAC of `install --print`)",
    )
    .option('--kubeconfig <file>', 'kubeconfig for --publish-ca-bundle and for listing builders (default: $KUBECONFIG, in-cluster, ~/.kube/config)')
    .option('--context <name>', 'kubeconfig context for --publish-ca-bundle and for listing builders')
    .action(async (options) => runWebhook(options, io));
}
