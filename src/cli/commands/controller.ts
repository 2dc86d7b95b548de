import { Option, type Command } from '@commander-js/extra-typings';
import { createControllerEnvironment, jsonLogger, type ControllerEnvironment } from '../../compose.ts';
import { startEndpoints, type EndpointServer } from '../../controller/index.ts';
import { installDefaults } from '../../deploy/index.ts';
import { isAppError, messageOf, type Logger } from '../../shared/index.ts';
import { parseDuration } from '../duration.ts';
import { CliError, exitCodes } from '../errors.ts';
import type { CliIo } from '../io.ts';
import { examples } from '../help.ts';
import { insecureRegistryOption } from '../repeatable-flags.ts';

interface ControllerCliOptions {
  kubeconfig?: string;
  context?: string;
  workers: string;
  registryConcurrency: string;
  metricsPort: string;
  healthPort: string;
  host: string;
  leaderElect: boolean;
  leaseNamespace: string;
  shards: string;
  insecureRegistry: string[];
  resyncPeriod: string;
  shutdownGrace: string;
  statusBudget: string;
}

/** A size such as `512Ki`, `1Mi` or `300000` (bytes), as Kubernetes quantities write them. */
function parseSize(flag: string, text: string): number {
  const match = /^(\d+)(Ki|Mi)?$/.exec(text.trim());
  const bytes = match ? Number(match[1]) * (match[2] === 'Mi' ? 1024 * 1024 : match[2] === 'Ki' ? 1024 : 1) : Number.NaN;
  if (!(bytes >= 1024)) throw new CliError(`${flag}: ${text} is not a size of at least 1Ki (write 512Ki, 1Mi or a number of bytes)`, exitCodes.usage);
  return bytes;
}

function parseCount(flag: string, text: string, min: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > 65535) throw new CliError(`${flag}: ${text} is not a number from ${min}`, exitCodes.usage);
  return value;
}

function untilSignal(): { signal: AbortSignal; reason: () => string } {
  const controller = new AbortController();
  let received = '';
  const stop = (name: string): void => {
    received = name;
    controller.abort();
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
  return { signal: controller.signal, reason: () => received };
}

/** `--shards`: 1 (one leader) by default; sharing needs the Leases of leader election. */
function shardCount(options: ControllerCliOptions): number {
  const shards = parseCount('--shards', options.shards, 1);
  if (shards > 1 && !options.leaderElect) throw new CliError('--shards needs leader election (drop --no-leader-elect): the shards are Leases', exitCodes.usage);
  return shards;
}

function environmentFor(options: ControllerCliOptions, io: CliIo, logger: Logger): ControllerEnvironment {
  const shards = shardCount(options);
  try {
    return createControllerEnvironment({
      kubeconfig: options.kubeconfig,
      context: options.context,
      insecureRegistries: options.insecureRegistry,
      workers: parseCount('--workers', options.workers, 1),
      registryConcurrency: parseCount('--registry-concurrency', options.registryConcurrency, 1),
      resyncMs: parseDuration('--resync-period', options.resyncPeriod),
      shutdownGraceMs: parseDuration('--shutdown-grace', options.shutdownGrace),
      leaseNamespace: options.leaderElect ? options.leaseNamespace : undefined,
      shards,
      statusBudgetBytes: parseSize('--status-budget', options.statusBudget),
      logger,
      env: io.env,
    });
  } catch (error) {
    if (isAppError(error)) throw error;
    // The client library throws plain errors for unreadable or malformed kubeconfig files.
    throw new CliError(`cannot load the Kubernetes configuration: ${messageOf(error)}`, exitCodes.failure, { cause: error });
  }
}

async function runController(options: ControllerCliOptions, io: CliIo): Promise<void> {
  const logger = jsonLogger({ name: 'packsmith-controller' });
  const environment = environmentFor(options, io, logger);
  const { manager, metrics } = environment;
  const state = { ready: () => manager.ready(), metrics };
  const healthPort = parseCount('--health-port', options.healthPort, 0);
  const metricsPort = parseCount('--metrics-port', options.metricsPort, 0);
  const servers: EndpointServer[] = [];
  const stop = untilSignal();
  try {
    if (healthPort === metricsPort) servers.push(await startEndpoints({ host: options.host, port: healthPort, routes: ['health', 'metrics'], state }));
    else {
      servers.push(await startEndpoints({ host: options.host, port: healthPort, routes: ['health'], state }));
      servers.push(await startEndpoints({ host: options.host, port: metricsPort, routes: ['metrics'], state }));
    }
    logger.info('controller starting', {
      server: environment.server,
      health: servers[0]?.port,
      metrics: servers.at(-1)?.port,
      leaderElect: options.leaderElect,
      shards: options.shards,
    });
    io.stdout(`packsmith controller: health on port ${String(servers[0]?.port)}, metrics on port ${String(servers.at(-1)?.port)}\n`);
    const outcome = await manager.run(stop.signal);
    logger.info('controller stopped', { outcome, signal: stop.reason() });
    if (outcome === 'lost-leadership') throw new CliError('lost leadership of the controller Lease; exiting so a fresh process can campaign again');
  } finally {
    await Promise.all(servers.map((s) => s.close()));
    await environment.close();
  }
}

const help = `
Environment:
  KUBECONFIG       kubeconfig file(s) when --kubeconfig is not given (in a pod: the service account)
  POD_NAMESPACE    default of --lease-namespace
  DOCKER_CONFIG    directory of a Docker config.json with controller-wide registry credentials,
                   tried after each resource's service-account secrets
`;

/** `packsmith controller` (also `controller run`): reconciles the seven kinds in a cluster until SIGTERM. */
export function registerControllerCommand(program: Command, io: CliIo): void {
  program
    .command('controller')
    .description('reconcile stores, stacks, lifecycles, buildpacks and builders in a Kubernetes cluster until SIGTERM (also: controller run)')
    .addHelpText(
      'after',
      examples(
        'packsmith controller run',
        'packsmith controller --kubeconfig ~/.kube/config --no-leader-elect --workers 4',
        'packsmith controller run --shards 8',
      ),
    )
    .argument('[action]', 'optional "run" (the same thing; the deploy manifests use it)')
    .option('--kubeconfig <file>', 'kubeconfig file (default: $KUBECONFIG, in-cluster, ~/.kube/config)')
    .option('--context <name>', 'kubeconfig context to use instead of the current one')
    .addOption(new Option('--workers <n>', 'reconciles running at once').default('2'))
    .addOption(
      new Option('--registry-concurrency <n>', 'requests in flight to one registry host at most, over all reconciles (uploads are bounded per push)').default(
        '8',
      ),
    )
    .addOption(new Option('--metrics-port <port>', 'port of /metrics (Prometheus); may equal --health-port').default('9090'))
    .addOption(new Option('--health-port <port>', 'port of /healthz and /readyz').default('8081'))
    .addOption(new Option('--host <address>', 'address the health and metrics servers listen on').default('0.0.0.0'))
    .addOption(new Option('--leader-elect', 'run workers only while holding the controller Lease').default(true))
    .addOption(new Option('--no-leader-elect', 'always run workers (a single replica)'))
    .addOption(new Option('--lease-namespace <name>', 'namespace of the controller Lease').default(installDefaults.namespace).env('POD_NAMESPACE'))
    .addOption(
      new Option(
        '--shards <n>',
        'with 2 or more, replicas share the work: keys are cut into n shards, each a Lease, spread over the live replicas (use the same n on every replica)',
      ).default('1'),
    )
    .addOption(insecureRegistryOption())
    .addOption(new Option('--resync-period <duration>', 'reconcile every object again this often (e.g. 10h, 5m, 30s)').default('10h'))
    .addOption(
      new Option(
        '--status-budget <size>',
        'a store status larger than this lists its buildpacks in compact form (id, version, image; builders read the rest by digest), to stay under etcd’s object limit',
      ).default('512Ki'),
    )
    .addOption(new Option('--shutdown-grace <duration>', 'how long in-flight reconciles may finish after SIGTERM').default('20s'))
    .addHelpText('after', help)
    .action(async (action, options) => {
      if (action !== undefined && action !== 'run') throw new CliError(`unknown action "${action}" (only "run")`, exitCodes.usage);
      await runController(options, io);
    });
}
