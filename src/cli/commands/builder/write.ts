/**
 * `create`, `patch` and `save` for Builder and ClusterBuilder, as kp runs them: the order from one
 * of `--order`, `--buildpack` or `--order-from`; a ClusterBuilder's tag defaulting to
 * `<default repository>:clusterbuilder-<name>` and its credentials to kp-config's service account;
 * create records kubectl's last-applied configuration; every write waits for the controller.
 */
import type { KubeObject } from '../../cluster/port.ts';
import {
  conditionOf,
  createResource,
  patchResource,
  readKpConfig,
  requireDefaultRepository,
  withWriteSession,
  type ClusterSession,
  type WriteContext,
} from '../../cluster/index.ts';
import { CliError } from '../../errors.ts';
import type { CliIo } from '../../io.ts';
import { checkOneOrderSource, readOrderFlags, readOrderInput, type OrderFlags, type OrderReaders } from './order-input.ts';
import { newBuilderObject, patchedBuilderObject, type BuilderFields, type BuilderPlacement } from './resource.ts';
import type { BuilderScope } from './scope.ts';

type Options = Record<string, unknown>;
type Verb = 'create' | 'patch' | 'save';

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/** The non-order fields as given on the command line. */
function givenFields(options: Options): BuilderFields {
  return { tag: text(options.tag), stack: text(options.stack), store: text(options.store), serviceAccount: text(options.serviceAccount) };
}

function readersFor(session: ClusterSession): OrderReaders {
  return {
    imageLabels: async (reference) => {
      const { image } = await session.images.readImage(reference, { keychain: session.keychain });
      return { ...((await image.configFile()).config?.Labels ?? {}) };
    },
  };
}

interface Run {
  context: WriteContext;
  io: CliIo;
  scope: BuilderScope;
  name: string;
}

/** Runs `verb` for the object `name`; resolves once it is written (and reconciled, unless --no-wait). */
export async function runBuilderWrite(io: CliIo, target: { scope: BuilderScope; verb: Verb; name: string }, options: Options): Promise<void> {
  const { scope, verb, name } = target;
  const orderFlags = readOrderFlags(options);
  checkOneOrderSource(orderFlags);
  await withWriteSession(io, options, async (context) => {
    const run: Run = { context, io, scope, name };
    const fields = givenFields(options);
    if (verb === 'create') return create(run, fields, orderFlags);
    const current = verb === 'patch' ? await getBuilder(run) : await findBuilder(run);
    if (current !== undefined) return patch(run, current, fields, orderFlags);
    if (scope.kind === 'Builder' && fields.tag === undefined) throw new CliError('--tag is required to create the resource');
    return create(run, fields, orderFlags);
  });
}

function where(run: Run): { kind: BuilderScope['kind']; name: string; namespace?: string } {
  return { kind: run.scope.kind, name: run.name, ...(run.scope.namespaced ? { namespace: run.context.session.targetNamespace } : {}) };
}

function getBuilder(run: Run): Promise<KubeObject> {
  return run.context.session.objects.get(where(run));
}

function findBuilder(run: Run): Promise<KubeObject | undefined> {
  return run.context.session.objects.find(where(run));
}

async function placementOf(run: Run, fields: BuilderFields): Promise<{ placement: BuilderPlacement; tag: string | undefined }> {
  const { session } = run.context;
  if (run.scope.namespaced) return { placement: { name: run.name, namespace: session.targetNamespace }, tag: fields.tag };
  const config = await readKpConfig(session.objects);
  const tag = fields.tag ?? `${requireDefaultRepository(config)}:clusterbuilder-${run.name}`;
  return { placement: { name: run.name, serviceAccountRef: { ...config.serviceAccount } }, tag };
}

async function create(run: Run, fields: BuilderFields, orderFlags: OrderFlags): Promise<void> {
  const { placement, tag } = await placementOf(run, fields);
  const order = await readOrderInput(orderFlags, readersFor(run.context.session));
  const object = newBuilderObject(run.scope, placement, { ...fields, tag, order });
  const created = await createResource(run.context, run.scope.kind, object, { recordApplied: true }).catch((error: unknown) => {
    throw withStoreHint(error, fields);
  });
  warnIfNotUpToDate(run, created);
  run.context.reporter.result(`${run.scope.kind} "${run.name}" created`);
}

async function patch(run: Run, current: KubeObject, fields: BuilderFields, orderFlags: OrderFlags): Promise<void> {
  const order = await readOrderInput(orderFlags, readersFor(run.context.session));
  const wanted = patchedBuilderObject(current, { ...fields, order });
  const { object, changed } = await patchResource(run.context, run.scope.kind, current, wanted);
  if (changed) warnIfNotUpToDate(run, object);
  run.context.reporter.result(`${run.scope.kind} "${run.name}" patched`, changed);
}

// Without a store, ids resolve only from Buildpack and ClusterBuildpack resources (as in kpack),
// which surprises users coming from kp's examples that always pass --store.
function withStoreHint(error: unknown, fields: BuilderFields): unknown {
  if (fields.store !== undefined || !(error instanceof CliError) || !error.message.includes('could not find buildpack')) return error;
  return new CliError(
    `${error.message}\n(no --store was given: buildpack ids are looked up only in Buildpack and ClusterBuildpack resources; add --store <ClusterStore>)`,
    error.exitCode,
    { cause: error },
  );
}

// kpack keeps a builder Ready while an earlier image exists, even when the new spec cannot be
// built; kp then reports success. Saying so on stderr keeps stdout as kp prints it.
function warnIfNotUpToDate(run: Run, object: KubeObject): void {
  if (run.context.reporter.dryRun || !run.context.flags.wait) return;
  const upToDate = conditionOf(object, 'UpToDate');
  if (upToDate?.status !== 'False') return;
  run.io.stderr(`warning: ${run.scope.kind} "${run.name}" is not up to date (it keeps its previous image): ${upToDate.message ?? 'no message'}\n`);
}
