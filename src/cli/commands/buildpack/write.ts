/**
 * `create`, `patch` and `save` for both kinds. The buildpackage named by `--image` (registry
 * reference, `oci:` layout or local `.cnb` file) is relocated into kp-config's default repository
 * and the resource refers to it there by digest; then the write waits for the controller's verdict.
 */
import type { KubeObject } from '../../cluster/port.ts';
import { InternalError, isAppError } from '../../../shared/index.ts';
import { CliError, exitCodes } from '../../errors.ts';
import type { CliIo } from '../../io.ts';
import {
  createResource,
  patchResource,
  readKpConfig,
  relocateImage,
  reportSourceImpact,
  requireDefaultRepository,
  specFields,
  withWriteSession,
  type ClusterSession,
  type StoreSourceAfter,
  type WriteContext,
} from '../../cluster/index.ts';
import { newBuildpackObject, type BuildpackScope } from './scope.ts';

/** What the user asked for: `-i/--image` and, for a Buildpack, `--service-account`. */
export interface BuildpackInput {
  image?: string | undefined;
  serviceAccount?: string | undefined;
}

/** The parsed options of a write command, read once into typed flags. */
export type ParsedOptions = Record<string, unknown>;

interface Run {
  scope: BuildpackScope;
  name: string;
  input: BuildpackInput;
  context: WriteContext;
  io: CliIo;
}

/** Reads `-i` and `--service-account` from commander's parsed options. */
export function readBuildpackInput(options: ParsedOptions): BuildpackInput {
  const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
  return { image: text(options.image), serviceAccount: text(options.serviceAccount) };
}

/** `create <name> -i <image>`: relocates the image and creates the resource. */
export async function createBuildpack(scope: BuildpackScope, name: string, options: ParsedOptions, io: CliIo): Promise<void> {
  const input = readBuildpackInput(options);
  await withWriteSession(io, options, (context) => create({ scope, name, input, context, io }));
}

/** `patch <name> [-i <image>] [--service-account <sa>]`: changes only what is given. */
export async function patchBuildpack(scope: BuildpackScope, name: string, options: ParsedOptions, io: CliIo): Promise<void> {
  const input = readBuildpackInput(options);
  await withWriteSession(io, options, async (context) => {
    const current = await context.session.objects.get(objectRef(scope, name, context.session));
    await patch({ scope, name, input, context, io }, current);
  });
}

/** `save <name>`: creates the resource when absent (then `-i` is required), otherwise patches it. */
export async function saveBuildpack(scope: BuildpackScope, name: string, options: ParsedOptions, io: CliIo): Promise<void> {
  const input = readBuildpackInput(options);
  await withWriteSession(io, options, async (context) => {
    const current = await context.session.objects.find(objectRef(scope, name, context.session));
    await (current === undefined ? create({ scope, name, input, context, io }) : patch({ scope, name, input, context, io }, current));
  });
}

/** Which object a command names: a Buildpack lives in the target namespace. */
export function objectRef(scope: BuildpackScope, name: string, session: ClusterSession): { kind: BuildpackScope['kind']; name: string; namespace?: string } {
  return scope.namespaced ? { kind: scope.kind, name, namespace: session.targetNamespace } : { kind: scope.kind, name };
}

async function create(run: Run): Promise<void> {
  const { scope, name, input, context } = run;
  if (input.image === undefined) throw new CliError('--image is required to create the resource', exitCodes.usage);
  const kpConfig = await readKpConfig(context.session.objects);
  const repository = requireDefaultRepository(kpConfig);
  context.reporter.progress(`Creating ${scope.title}...`);
  const source = await relocate(run, input.image, repository);
  const object = newBuildpackObject(scope, {
    name,
    namespace: context.session.targetNamespace,
    image: source.image,
    serviceAccount: input.serviceAccount ?? 'default',
    kpConfig,
  });
  await createResource(context, scope.kind, object, { recordApplied: true });
  context.reporter.result(`${scope.title} "${name}" created`);
  await impactOfDryRun(run, undefined, source);
}

async function patch(run: Run, current: KubeObject): Promise<void> {
  const { scope, name, input, context } = run;
  const spec: Record<string, unknown> = { ...specFields(current) };
  let source: StoreSourceAfter | undefined;
  if (input.image !== undefined) {
    const repository = requireDefaultRepository(await readKpConfig(context.session.objects));
    context.reporter.progress(`Patching ${scope.title}...`);
    source = await relocate(run, input.image, repository);
    spec.image = source.image;
  }
  if (scope.namespaced && input.serviceAccount !== undefined) spec.serviceAccountName = input.serviceAccount;
  const { changed } = await patchResource(context, scope.kind, current, { ...current, spec });
  context.reporter.result(`${scope.title} "${name}" patched`, changed);
  if (source !== undefined) await impactOfDryRun(run, current, source);
}

/** After a dry run with an image, what it would do to the builders that use the resource. */
async function impactOfDryRun(run: Run, current: KubeObject | undefined, source: StoreSourceAfter): Promise<void> {
  const { scope, name, context } = run;
  if (!context.reporter.dryRun) return;
  const namespace = scope.namespaced ? { namespace: context.session.targetNamespace } : {};
  await reportSourceImpact(context.session, context.reporter, { kind: scope.kind, name, ...namespace, current, sources: [source] });
}

// Registry and file errors name a URL or path; the message also says which buildpackage it was.
// A dry run that uploads nothing leaves the relocated reference empty, so its impact reads the source.
async function relocate(run: Run, source: string, repository: string): Promise<StoreSourceAfter> {
  try {
    const relocated = await relocateImage({ source, repository }, run.context.session, { reporter: run.context.reporter, io: run.io });
    return { image: relocated.reference, ...(run.context.reporter.skipUploads ? { readFrom: source } : {}) };
  } catch (error) {
    if (!isAppError(error) || error instanceof InternalError) throw error;
    throw new CliError(`cannot relocate buildpackage "${source}" to ${repository}: ${error.message}`, exitCodes.failure, { cause: error });
  }
}
