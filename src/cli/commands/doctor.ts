/**
 * `packsmith doctor`: checks that every resource's credentials can read every image it names and
 * that every builder's credentials can push its tag, writing nothing, and prints kp's kind of
 * table (or `-o yaml|json`); exits 1 when any check failed. In a cluster the credentials are each
 * resource's ServiceAccount and Secrets; with `-f` (local mode) the Docker config.
 */
import { readFile } from 'node:fs/promises';
import { Option, type Command } from '@commander-js/extra-typings';
import { isInvalid, kinds, parseAnyResource, type AnyResource } from '../../api/index.ts';
import { anyFailed, credentialChecks, runCredentialDoctor, type DoctorCredentials, type DoctorRow } from '../../app/index.ts';
import { createLocalEnvironment, doctorCredentials, registryAccessProbe, type LocalEnvironment } from '../../compose.ts';
import { addKubeFlags, addRegistryFlags, readKubeFlags, readRegistryFlags, withClusterSession } from '../cluster/index.ts';
import { CliError } from '../errors.ts';
import { examples } from '../help.ts';
import type { CliIo } from '../io.ts';
import { expandPaths, packsmithKinds, prepareResources, readResourceFiles } from '../local-resources.ts';
import { formatJson, formatTable, formatYamlDocuments } from '../output.ts';

type Parsed = Record<string, unknown>;

const problemWords: Record<NonNullable<DoctorRow['problem']>, string> = {
  unauthorized: 'credentials refused',
  denied: 'access denied',
  'not-found': 'not found',
  unreachable: 'unreachable',
  other: 'error',
  'no-credentials': 'no credentials',
  'credentials-unreadable': 'credentials unreadable',
};

/** The table: one row per check, the failure in a few words and the fix (`-o yaml|json` adds the registry's own answer). */
export function renderDoctorTable(rows: readonly DoctorRow[]): string {
  const resultOf = (r: DoctorRow): string => (r.result === 'failed' && r.problem ? `failed: ${problemWords[r.problem]}` : r.result);
  const lines = rows.map((r) => [r.resource, r.image, r.access, resultOf(r), r.fix ?? '']);
  return formatTable([['RESOURCE', 'IMAGE', 'ACCESS', 'RESULT', 'FIX'], ...lines]);
}

function render(rows: readonly DoctorRow[], output: unknown): string {
  if (output === 'yaml') return formatYamlDocuments(rows);
  if (output === 'json') return formatJson(rows);
  return rows.length === 0 ? 'no resources name any image\n' : renderDoctorTable(rows);
}

/** Every valid resource in the cluster (all namespaces, or `namespace` for the namespaced kinds). */
async function clusterResources(io: CliIo, options: Parsed): Promise<AnyResource[]> {
  const kube = readKubeFlags(options);
  return withClusterSession(io, { kube }, async (session) => {
    const lists = await Promise.all(
      kinds.map(async (info) => {
        const where = info.scope === 'Namespaced' && kube.namespace ? { namespace: kube.namespace } : {};
        const objects = await session.objects.list({ kind: info.kind, ...where });
        return objects.map((object) => parseAnyResource(info.kind, object));
      }),
    );
    // An invalid resource names nothing the controller would use; its own status says why.
    return lists.flat().filter((parsed): parsed is AnyResource => !isInvalid(parsed));
  });
}

async function localResources(io: CliIo, paths: readonly string[]): Promise<AnyResource[]> {
  const read = await readResourceFiles(await expandPaths(paths), io.readStdin);
  for (const problem of read.problems) io.stderr(`${problem.origin}: ${problem.message}\n`);
  const prepared = prepareResources(packsmithKinds(read.resources).kept, { image: () => undefined, tag: () => undefined });
  for (const item of prepared) if (!item.ok) io.stderr(`${item.origin}: ${item.message}\n`);
  return prepared.flatMap((item) => (item.ok ? [item.local] : []));
}

/** Runs the checks with a registry client honouring the TLS flags; in a cluster, through the session's. */
async function check(
  io: CliIo,
  options: Parsed,
  run: { resources: readonly AnyResource[]; credentials: DoctorCredentials; local: boolean },
): Promise<DoctorRow[]> {
  const { resources, credentials, local } = run;
  const registry = readRegistryFlags(options);
  const checkWith = (images: LocalEnvironment['images']): Promise<DoctorRow[]> =>
    runCredentialDoctor(credentialChecks(resources), { credentials, probe: registryAccessProbe(images) });
  if (!local) return withClusterSession(io, { kube: readKubeFlags(options), registry }, (session) => checkWith(session.images));
  const registryCa = registry.caCertPath === undefined ? [] : [await readFile(registry.caCertPath, 'utf8')];
  const insecureRegistries = [...registry.insecureRegistries, ...(registry.verifyCerts ? [] : ['*'])];
  const environment = createLocalEnvironment({ insecureRegistries, registryCa, env: io.env, registryCache: false });
  try {
    return await checkWith(environment.images);
  } finally {
    await environment.close();
  }
}

async function runDoctor(io: CliIo, options: Parsed, files: readonly string[] | undefined): Promise<void> {
  const local = files !== undefined;
  const resources = local ? await localResources(io, files) : await clusterResources(io, options);
  const kube = readKubeFlags(options);
  const credentials: DoctorCredentials = local
    ? doctorCredentials({ mode: 'local', env: io.env })
    : doctorCredentials({ mode: 'cluster', kubeconfig: kube.kubeconfig, context: kube.context, env: io.env });
  const rows = await check(io, options, { resources, credentials, local });
  io.stdout(render(rows, options.output));
  const failed = rows.filter((r) => r.result === 'failed').length;
  if (anyFailed(rows)) throw new CliError(`${failed} of ${rows.length} credential checks failed${options.output ? '' : ' (the table says how to fix each)'}`);
}

/** `packsmith doctor`. */
export function registerDoctorCommand(program: Command, io: CliIo): void {
  const command = program
    .command('doctor')
    .summary('check that credentials can read every image and push every builder tag')
    .description(
      "Check that every resource's credentials can read every image it names (stores, buildpacks, stacks, lifecycles) and that every " +
        "builder's credentials can push its tag. Nothing is written: a read is a HEAD of the manifest; a push check asks for a push token " +
        'and opens a blob upload that is cancelled at once. In a cluster each resource uses its ServiceAccount and Secrets, as the ' +
        'controller does; with -f the resources come from files and the credentials from the Docker config. Exits 1 when a check fails.',
    )
    .option('-f, --file <path...>', 'check the resources in these YAML/JSON files or directories with the Docker config (no cluster), - for standard input')
    .addOption(new Option('-o, --output <format>', 'print the checks as yaml or json instead of a table').choices(['yaml', 'json']));
  addKubeFlags(command, { namespaced: false });
  // Unlike the resource commands, the doctor looks at every namespace unless told one.
  command.addOption(
    new Option('-n, --namespace <name>', "check only this namespace's Builders and Buildpacks (default: every namespace; cluster kinds always)"),
  );
  addRegistryFlags(command);
  command.addHelpText(
    'after',
    examples(
      'packsmith doctor',
      'packsmith doctor -n team -o yaml',
      'packsmith doctor -f kpack/',
      'packsmith doctor -f resources.yaml --insecure-registry registry.internal:5000',
    ),
  );
  command.action(async (options) => runDoctor(io, options, options.file));
}
