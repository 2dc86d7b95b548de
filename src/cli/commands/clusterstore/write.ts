/**
 * The writing store commands (create, add, save, remove) as kp runs them: buildpackages are
 * relocated one by one into the default repository, the store is created or merge-patched, and the
 * command waits until the controller has read the new sources.
 */
import type { KubeObject } from '../../cluster/port.ts';
import {
  Reporter,
  createResource,
  patchResource,
  readKpConfig,
  relocateImage,
  reportSourceImpact,
  requireDefaultRepository,
  resultSuffix,
  specFields,
  storeSourcesOf,
  withClusterSession,
  type ClusterSession,
  type KubeFlags,
  type RegistryFlags,
  type StoreSourceAfter,
  type WriteContext,
  type WriteFlags,
} from '../../cluster/index.ts';
import { CliError } from '../../errors.ts';
import type { CliIo } from '../../io.ts';
import { addSources, newStoreObject, removeSources, requireBuildpackages } from './sources.ts';

/** What a write command was given. */
export interface StoreWriteRequest {
  name: string;
  /** `-b` values in the order given: images to relocate, or `id@version` for remove. */
  buildpackages: readonly string[];
  kube: KubeFlags;
  registry?: RegistryFlags;
  write: WriteFlags;
}

interface Run extends WriteContext {
  io: CliIo;
}

/** `clusterstore create`. */
export async function createStore(io: CliIo, request: StoreWriteRequest): Promise<void> {
  await inSession(io, request, (run) => create(run, request));
}

/** `clusterstore add`: the store must exist. */
export async function addToStore(io: CliIo, request: StoreWriteRequest): Promise<void> {
  await inSession(io, request, async (run) => add(run, request, await getExisting(run.session, request.name)));
}

/** `clusterstore save`: create when absent, else add. */
export async function saveStore(io: CliIo, request: StoreWriteRequest): Promise<void> {
  await inSession(io, request, async (run) => {
    const current = await getStore(run.session, request.name);
    await (current === undefined ? create(run, request) : add(run, request, current));
  });
}

/** `clusterstore remove`: drops the sources the named buildpacks came from. */
export async function removeFromStore(io: CliIo, request: StoreWriteRequest): Promise<void> {
  await inSession(io, request, async (run) => {
    const current = await getExisting(run.session, request.name);
    run.reporter.progress(`Removing Buildpackages...${resultSuffix(run.reporter.mode)}`);
    const edit = removeSources(current, request.buildpackages);
    for (const line of edit.lines) run.reporter.progress(line);
    await patchResource(run, 'ClusterStore', current, withSources(current, edit.sources));
    run.reporter.result(`ClusterStore "${request.name}" updated`);
    await impactOfDryRun(
      run,
      request.name,
      current,
      edit.sources.map((s) => ({ image: s.image ?? '' })),
    );
  });
}

async function inSession(io: CliIo, request: StoreWriteRequest, body: (run: Run) => Promise<void>): Promise<void> {
  const reporter = new Reporter(io, { mode: request.write.mode, format: request.write.format });
  await withClusterSession(io, { kube: request.kube, ...(request.registry ? { registry: request.registry } : {}) }, (session) =>
    body({ io, session, reporter, flags: request.write }),
  );
}

async function create(run: Run, request: StoreWriteRequest): Promise<void> {
  run.reporter.progress(`Creating ClusterStore...${resultSuffix(run.reporter.mode)}`);
  requireBuildpackages(request.buildpackages);
  const config = await readKpConfig(run.session.objects);
  const repository = requireDefaultRepository(config);
  const sources: StoreSourceAfter[] = [];
  for (const source of request.buildpackages) sources.push(await relocate(run, source, repository));
  await createResource(
    run,
    'ClusterStore',
    newStoreObject(
      request.name,
      sources.map((s) => s.image),
      config.serviceAccount,
    ),
    { recordApplied: true },
  );
  run.reporter.result(`ClusterStore "${request.name}" created`);
  await impactOfDryRun(run, request.name, undefined, sources);
}

async function add(run: Run, request: StoreWriteRequest, current: KubeObject): Promise<void> {
  run.reporter.progress(`Adding to ClusterStore...${resultSuffix(run.reporter.mode)}`);
  const repository = requireDefaultRepository(await readKpConfig(run.session.objects));
  let sources = storeSourcesOf(current);
  const readFrom = new Map<string, string>();
  for (const source of request.buildpackages) {
    const relocated = await relocate(run, source, repository);
    if (relocated.readFrom !== undefined) readFrom.set(relocated.image, relocated.readFrom);
    const edit = addSources(sources, [relocated.image]);
    for (const line of edit.lines) run.reporter.progress(line);
    sources = edit.sources;
  }
  const { changed } = await patchResource(run, 'ClusterStore', current, withSources(current, sources));
  run.reporter.result(`ClusterStore "${request.name}" updated`, changed);
  const after = sources.map(({ image = '' }) => ({ image, ...(readFrom.has(image) ? { readFrom: readFrom.get(image) } : {}) }));
  await impactOfDryRun(run, request.name, current, after);
}

/** The relocated reference, and where to read the image when the dry run did not upload it there. */
async function relocate(run: Run, source: string, repository: string): Promise<StoreSourceAfter> {
  const { reference } = await relocateImage({ source, repository }, run.session, { reporter: run.reporter, io: run.io });
  return { image: reference, ...(run.reporter.skipUploads ? { readFrom: source } : {}) };
}

/** After a dry run, what the change would do to the builders that use the store. */
async function impactOfDryRun(run: Run, name: string, current: KubeObject | undefined, sources: readonly StoreSourceAfter[]): Promise<void> {
  if (run.reporter.dryRun) await reportSourceImpact(run.session, run.reporter, { kind: 'ClusterStore', name, current, sources });
}

function withSources(store: KubeObject, sources: readonly { image?: string }[]): KubeObject {
  return { ...store, spec: { ...specFields(store), sources } };
}

function getStore(session: ClusterSession, name: string): Promise<KubeObject | undefined> {
  return session.objects.find({ kind: 'ClusterStore', name });
}

async function getExisting(session: ClusterSession, name: string): Promise<KubeObject> {
  const store = await getStore(session, name);
  if (store === undefined) throw new CliError(`ClusterStore '${name}' does not exist`);
  return store;
}
