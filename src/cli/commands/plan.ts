/**
 * `packsmith plan -f PATH...`: what `packsmith build -f` with the same files would do, writing
 * nothing. Every input is read and every builder resolved, checked and assembled as `build` does;
 * each Builder and ClusterBuilder is then listed as create, rebuild (with what changes: buildpack
 * versions, stack, run image, lifecycle, order), unchanged, or fail (with why), and so is every
 * dependency that would fail. Exits 1 when something would fail; with `--exit-code`, 3 when
 * something would be created or rebuilt.
 */
import { Option, type Command } from '@commander-js/extra-typings';
import { planLocalBuild, type PlanEntry } from '../../app/index.ts';
import { createLocalEnvironment } from '../../compose.ts';
import { CliError } from '../errors.ts';
import type { CliIo } from '../io.ts';
import { examples } from '../help.ts';
import { readLocalInputs } from '../local-inputs.ts';
import { expandPaths, rejectedDependencies, type PreparedResource } from '../local-resources.ts';
import { formatJson, formatTable, formatYamlDocuments } from '../output.ts';
import { terminalProgress, verbosityOf, type Verbosity } from '../progress.ts';
import { insecureRegistryOption } from '../repeatable-flags.ts';

/** `--exit-code`: the plan would create or rebuild something (1 is a failure, 2 a usage error). */
export const changesPendingExitCode = 3;

/** One row of the plan, as the table and `-o` show it. */
interface PlanRow {
  origin?: string;
  kind: string;
  name: string;
  namespace?: string;
  action: PlanEntry['action'];
  tag?: string;
  image?: string;
  current?: string;
  changes: string[];
  reason?: string;
}

function rowOf(entry: PlanEntry, origins: ReadonlyMap<unknown, string>): PlanRow {
  const { kind, metadata } = entry.resource;
  const { resource: _resource, ...rest } = entry;
  const origin = origins.get(entry.resource);
  return { ...(origin ? { origin } : {}), kind, name: metadata.name, ...(metadata.namespace ? { namespace: metadata.namespace } : {}), ...rest };
}

/** Documents that did not validate: they fail before anything is read. */
function rejectedRows(prepared: readonly PreparedResource[]): PlanRow[] {
  return prepared.flatMap((p) =>
    p.ok
      ? []
      : [
          {
            origin: p.origin,
            kind: p.resource.kind ?? '',
            name: p.resource.metadata.name || '(unnamed)',
            action: 'fail' as const,
            changes: [],
            reason: p.message,
          },
        ],
  );
}

const displayName = (row: PlanRow): string => (row.namespace ? `${row.namespace}/${row.name}` : row.name);

function detailLines(row: PlanRow): string[] {
  if (row.action === 'fail') return (row.reason ?? '').split('\n');
  const lines = row.tag ? [row.tag] : [];
  if (row.action === 'rebuild') lines.push(...(row.changes.length > 0 ? row.changes : ['image bytes change (no label differs)']));
  return lines;
}

function table(rows: readonly PlanRow[]): string {
  const body = rows.map((row) => {
    const [first = '', ...rest] = detailLines(row);
    return [row.kind, displayName(row), row.action, `${first}${rest.map((line) => `\n    ${line}`).join('')}`];
  });
  return formatTable([['KIND', 'NAME', 'ACTION', 'DETAILS'], ...body]);
}

/** `Plan: 1 to create, 2 to rebuild, 3 unchanged, 1 failing; nothing was written.` */
function summaryLine(rows: readonly PlanRow[]): string {
  const count = (action: PlanRow['action']): number => rows.filter((r) => r.action === action).length;
  const parts = [`${count('create')} to create`, `${count('rebuild')} to rebuild`, `${count('unchanged')} unchanged`, `${count('fail')} failing`];
  return `Plan: ${parts.join(', ')}; nothing was written.\n`;
}

interface PlanOptions {
  file: string[];
  tag?: string;
  insecureRegistry: string[];
  registryCache: boolean;
  quiet?: true;
  verbose?: true;
}

/** Reads the inputs and plans them: the rows, and how many documents could not be read. */
async function planRows(files: readonly string[], options: PlanOptions, io: CliIo, verbosity: Verbosity): Promise<{ rows: PlanRow[]; problemCount: number }> {
  const environment = createLocalEnvironment({ insecureRegistries: options.insecureRegistry, env: io.env, registryCache: options.registryCache });
  try {
    const { prepared, problems } = await readLocalInputs(files, options.tag, { io, environment, verbosity });
    for (const problem of problems) io.stderr(`${problem.origin}: ${problem.message}\n`);
    if (prepared.length === 0 && problems.length === 0) throw new CliError(`no kpack resources found in ${options.file.join(', ')}`);
    const valid = prepared.flatMap((p) => (p.ok ? [p] : []));
    const entries = await planLocalBuild(
      valid.map((p) => p.local),
      {
        images: environment.images,
        keychain: environment.keychain,
        clock: environment.clock,
        rejected: rejectedDependencies(prepared),
        ...terminalProgress(io, verbosity),
      },
    );
    const origins = new Map<unknown, string>(valid.map((p) => [p.local, p.origin]));
    return { rows: [...rejectedRows(prepared), ...entries.map((e) => rowOf(e, origins))], problemCount: problems.length };
  } finally {
    await environment.close();
  }
}

/** The exit status the plan asks for, as the CliError to throw (undefined: exit 0). */
function outcomeError(rows: readonly PlanRow[], problemCount: number, exitCode: boolean, verbosity: Verbosity): CliError | undefined {
  const failing = rows.filter((r) => r.action === 'fail').length + problemCount;
  if (failing > 0) return new CliError(`${failing} resource${failing === 1 ? '' : 's'} would fail${verbosity === 'quiet' ? '' : ' (the plan says why)'}`);
  const changing = rows.filter((r) => r.action === 'create' || r.action === 'rebuild').length;
  if (exitCode && changing > 0) return new CliError(`${changing} builder${changing === 1 ? '' : 's'} would change`, changesPendingExitCode);
  return undefined;
}

/** `packsmith plan`. */
export function registerPlanCommand(program: Command, io: CliIo): void {
  program
    .command('plan')
    .description('show what `packsmith build` with the same files would create, rebuild or fail, and why, writing nothing')
    .addHelpText('after', examples('packsmith plan -f kpack/', 'packsmith plan -f store.yaml -f builders.yaml -o yaml', 'packsmith plan -f kpack/ --exit-code'))
    .requiredOption(
      '-f, --file <path...>',
      'YAML/JSON files or directories of kpack resources, - for standard input, or a pack builder.toml (with --tag), as for build',
    )
    .option('-t, --tag <ref>', 'the builder image for a pack builder.toml given with -f, as for build')
    .addOption(new Option('-o, --output <format>', 'print the plan as YAML or JSON (the table goes to stderr)').choices(['yaml', 'json'] as const))
    .addOption(insecureRegistryOption())
    .addOption(new Option('--no-registry-cache', 'ask the registry for every manifest and config instead of keeping them on disk between runs'))
    .addOption(new Option('--exit-code', `exit ${changesPendingExitCode} when something would be created or rebuilt (0 when nothing would change)`))
    .addOption(new Option('-q, --quiet', 'print only errors (and, with -o, the plan)'))
    .addOption(new Option('-v, --verbose', 'print progress even when stderr is not a terminal').conflicts('quiet'))
    .action(async (options) => {
      const verbosity = verbosityOf(options);
      const { rows, problemCount } = await planRows(await expandPaths(options.file), options, io, verbosity);
      if (verbosity !== 'quiet') (options.output ? io.stderr : io.stdout)(table(rows) + summaryLine(rows));
      if (options.output === 'yaml') io.stdout(formatYamlDocuments(rows));
      if (options.output === 'json') io.stdout(formatJson({ items: rows }));
      const error = outcomeError(rows, problemCount, options.exitCode === true, verbosity);
      if (error) throw error;
    });
}
