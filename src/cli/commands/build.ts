/**
 * `packsmith build -f PATH...`: local mode. Reads kpack resources from files and directories,
 * resolves stores, buildpacks, stacks and lifecycles, builds every Builder and ClusterBuilder,
 * prints one line per resource (or, with `-o`, the resources with their status), and exits 1 when
 * any resource failed.
 */
import { Option, type Command } from '@commander-js/extra-typings';
import type { DocumentProblem } from '../../api/index.ts';
import { localBuild, type LocalOutcome } from '../../app/index.ts';
import { createLocalEnvironment } from '../../compose.ts';
import { CliError } from '../errors.ts';
import type { CliIo } from '../io.ts';
import { expandPaths, rejectedDependencies, type PreparedResource } from '../local-resources.ts';
import { readLocalInputs, type LocalInputs } from '../local-inputs.ts';
import { formatJson, formatTable, formatYamlDocuments } from '../output.ts';
import { terminalProgress, verbosityOf, type Verbosity } from '../progress.ts';
import { examples } from '../help.ts';
import { insecureRegistryOption } from '../repeatable-flags.ts';
import { localSigningKeys, signingKeyEnv } from '../signing-keys.ts';

interface Row {
  origin: string;
  kind: string;
  name: string;
  ok: boolean;
  summary: string;
  resource: Record<string, unknown>;
}

function displayName(resource: { metadata: { name: string; namespace?: string } }): string {
  const { name, namespace } = resource.metadata;
  return namespace ? `${namespace}/${name || '(unnamed)'}` : name || '(unnamed)';
}

function rowsOf(prepared: readonly PreparedResource[], outcomes: readonly LocalOutcome[]): Row[] {
  let next = 0;
  return prepared.map((item) => {
    const base = { origin: item.origin, kind: item.resource.kind ?? '', name: displayName(item.resource) };
    if (!item.ok) return { ...base, ok: false, summary: item.message, resource: { ...item.resource } };
    const outcome = outcomes[next++];
    // localBuild returns one outcome per valid resource, in order.
    if (!outcome) throw new Error(`no outcome for ${item.origin}`);
    return { ...base, ok: outcome.ok, summary: outcome.summary, resource: { ...item.resource, status: outcome.status } };
  });
}

function summaryTable(rows: readonly Row[]): string {
  const lines = rows.map((r) => {
    const [first = '', ...rest] = r.summary.split('\n');
    const more = rest.map((line) => `\n    ${line}`).join('');
    return [`${r.kind}`, r.name, r.ok ? 'Ready' : 'Failed', `${first}${more}`];
  });
  return formatTable([['KIND', 'NAME', 'STATUS', 'DETAILS'], ...lines]);
}

/** The table (stdout, or stderr under `-o`) and, with `-o`, the resources with their status. */
function printResult(io: CliIo, rows: readonly Row[], output: 'yaml' | 'json' | undefined, verbosity: Verbosity): void {
  const table = verbosity === 'quiet' ? '' : summaryTable(rows);
  if (output === undefined) {
    if (table) io.stdout(table);
    return;
  }
  if (table) io.stderr(table);
  const items = rows.map((r) => r.resource);
  io.stdout(output === 'yaml' ? formatYamlDocuments(items) : formatJson({ apiVersion: 'v1', kind: 'List', items }));
}

/**
 * The run's failure, if any. The table (and the problems above it) say why, so naming each failure
 * once keeps every cause printed once; under `--quiet` there is no table, so the reasons come here.
 */
function failureOf(rows: readonly Row[], problems: readonly DocumentProblem[], verbosity: Verbosity): CliError | undefined {
  const failed = rows.filter((r) => !r.ok);
  if (failed.length === 0 && problems.length === 0) return undefined;
  const where = [...failed.map((r) => `${r.origin} ${r.kind} ${r.name}`), ...problems.map((p) => p.origin)];
  const quiet = verbosity === 'quiet';
  const reasons = quiet ? failed.map((r) => `\n${r.origin} ${r.kind} ${r.name}: ${r.summary}`).join('') : '';
  const total = `${failed.length + problems.length} of ${rows.length + problems.length} resources failed`;
  return new CliError(`${total}${quiet ? '' : ' (the table says why)'}: ${where.join(', ')}${reasons}`);
}

/** `packsmith build`. */
export function registerBuildCommand(program: Command, io: CliIo): void {
  program
    .command('build')
    .description('resolve kpack resources from files (no cluster needed) and build every Builder and ClusterBuilder')
    .addHelpText(
      'after',
      examples(
        'packsmith build -f kpack/',
        'packsmith build -f store.yaml -f builders.yaml -o yaml',
        'cat resources.yaml | packsmith build -f -',
        'packsmith build -f resources.yaml --insecure-registry registry.internal:5000',
        'packsmith build -f builder.toml --tag registry.example.com/team/builder:latest',
        'COSIGN_PASSWORD=... packsmith build -f kpack/ --signing-key cosign.key',
      ),
    )
    .requiredOption(
      '-f, --file <path...>',
      'YAML/JSON files or directories of kpack resources (multi-document, v1alpha1 or v1alpha2; other kinds are skipped), - for standard input, or a pack builder.toml (with --tag); local image paths in them are relative to their file',
    )
    .option('-t, --tag <ref>', "the builder image for a pack builder.toml given with -f (a registry tag or oci:PATH[:TAG]), like pack builder create's IMAGE")
    .addOption(new Option('-o, --output <format>', 'print the resources with their status instead of a summary').choices(['yaml', 'json'] as const))
    .addOption(insecureRegistryOption())
    .addOption(
      new Option(
        '--signing-key <file>',
        `cosign private key to sign every pushed builder and run image with, and to attest the builder's provenance (default: $${signingKeyEnv.key}); its password from $${signingKeyEnv.password} or $${signingKeyEnv.cosignPassword}`,
      ),
    )
    .addOption(
      new Option(
        '--no-registry-cache',
        'ask the registry for every manifest and config instead of keeping them on disk between runs (the cache also turns off with PACKSMITH_REGISTRY_CACHE=off)',
      ),
    )
    .addOption(new Option('-q, --quiet', 'print only errors (and, with -o, the resources): no progress, notices or summary table'))
    .addOption(new Option('-v, --verbose', 'print progress (each resource and blob) even when stderr is not a terminal').conflicts('quiet'))
    .action(async (options) => {
      const verbosity = verbosityOf(options);
      const signingKeys = await localSigningKeys(options.signingKey, io.env);
      const files = await expandPaths(options.file);
      const environment = createLocalEnvironment({ insecureRegistries: options.insecureRegistry, env: io.env, registryCache: options.registryCache });
      let outcomes: LocalOutcome[];
      let inputs: LocalInputs;
      try {
        inputs = await readLocalInputs(files, options.tag, { io, environment, verbosity });
        const { prepared } = inputs;
        outcomes = await localBuild(
          prepared.flatMap((p) => (p.ok ? [p.local] : [])),
          {
            images: environment.images,
            keychain: environment.keychain,
            clock: environment.clock,
            rejected: rejectedDependencies(prepared),
            signingKeys,
            ...terminalProgress(io, verbosity),
          },
        );
      } finally {
        await environment.close();
      }
      const { prepared, problems } = inputs;
      const rows = rowsOf(prepared, outcomes);
      for (const problem of problems) io.stderr(`${problem.origin}: ${problem.message}\n`);
      printResult(io, rows, options.output, verbosity);
      const failure = failureOf(rows, problems, verbosity);
      if (failure !== undefined) throw failure;
      if (rows.length === 0) throw new CliError(`no kpack resources found in ${options.file.join(', ')}`);
    });
}
