/**
 * Local mode: resolves a set of kpack resources without a cluster, in dependency order (stores,
 * buildpacks, stacks and lifecycles first, then builders), and returns for each one the status the
 * controller would write. A failing resource does not stop unrelated ones; a builder whose stack,
 * lifecycle, store or named buildpack failed fails with a message that names it.
 */
import type { BuildpackCatalog, BuildpackSource, LifecycleRecord, OrderSpec, StackRecord } from '../cnb/index.ts';
import type { IoOptions, Keychain } from '../oci/index.ts';
import { createLimiter, messageOf } from '../shared/index.ts';
import { createBuilder, type CreateBuilderInput } from './create-builder.ts';
import { builderFailure, builderSuccess, failedStatus, readyStatus, type LocalStatus } from './local-status.ts';
import type { Clock, ImageAccess, ProgressCallback } from './ports.ts';
import { readLifecycle } from './read-lifecycle.ts';
import { readStore, type StoreSource } from './read-store.ts';
import { resolveStack } from './resolve-stack.ts';

/** A valid, defaulted v1alpha2 resource reduced to what local mode needs. */
export interface LocalResource {
  kind: 'ClusterStore' | 'Buildpack' | 'ClusterBuildpack' | 'ClusterStack' | 'ClusterLifecycle' | 'Builder' | 'ClusterBuilder';
  name: string;
  /** Buildpack and Builder only. */
  namespace?: string;
  generation?: number;
  /** The v1alpha2 spec, already validated. */
  spec: Record<string, unknown>;
}

/** The result for one resource. */
export interface LocalOutcome {
  resource: LocalResource;
  ok: boolean;
  status: LocalStatus;
  /** One line: what was resolved, or why it failed. */
  summary: string;
  /** Builders: whether an image was written. */
  pushed?: boolean;
}

/** A resource starting or finishing, for progress displays. */
export interface ResourceEvent {
  resource: LocalResource;
  phase: 'started' | 'finished';
}

/** What `localBuild` needs. */
export interface LocalBuildDeps extends IoOptions {
  images: ImageAccess;
  /** Credentials for every image (local mode has no service accounts). */
  keychain: Keychain;
  clock: Clock;
  onResource?: (event: ResourceEvent) => void;
  onProgress?: ProgressCallback;
  /** Dependency reads at once (default 4). */
  concurrency?: number;
}

type Spec = Record<string, unknown>;
const str = (value: unknown): string => (typeof value === 'string' ? value : '');
const ref = (value: unknown): { kind: string; name: string } => {
  const object = (value ?? {}) as Spec;
  return { kind: str(object.kind), name: str(object.name) };
};

/** Reads one dependency resource; throws what its use case throws. */
async function resolveDependency(resource: LocalResource, deps: LocalBuildDeps): Promise<{ status: LocalStatus; summary: string; value: unknown }> {
  const io = { images: deps.images, signal: deps.signal };
  const spec = resource.spec;
  const keychain = deps.keychain;
  switch (resource.kind) {
    case 'ClusterStore':
    case 'Buildpack':
    case 'ClusterBuildpack': {
      const sources: StoreSource[] =
        resource.kind === 'ClusterStore'
          ? ((spec.sources ?? []) as Spec[]).map((s, i) => ({ image: str(s.image), path: `spec.sources[${i}]` }))
          : [{ image: str(spec.image), path: 'spec.image' }];
      const buildpacks = await readStore({ sources, keychain }, io);
      return { status: readyStatus(resource, deps.clock, { buildpacks }), summary: `${buildpacks.length} buildpack${buildpacks.length === 1 ? '' : 's'}`, value: buildpacks };
    }
    case 'ClusterStack': {
      const stack = await resolveStack({ id: str(spec.id), buildImage: str((spec.buildImage as Spec).image), runImage: str((spec.runImage as Spec).image), keychain }, io);
      return { status: readyStatus(resource, deps.clock, { ...stack }), summary: `stack ${stack.id}, run image ${stack.runImage.latestImage}`, value: stack };
    }
    default: {
      const lifecycle = await readLifecycle({ image: str(spec.image), keychain }, io);
      return { status: readyStatus(resource, deps.clock, { ...lifecycle }), summary: `lifecycle ${lifecycle.version}`, value: lifecycle };
    }
  }
}

interface Resolved {
  outcome: LocalOutcome;
  value?: unknown;
}

async function runDependency(resource: LocalResource, deps: LocalBuildDeps): Promise<Resolved> {
  deps.onResource?.({ resource, phase: 'started' });
  try {
    const { status, summary, value } = await resolveDependency(resource, deps);
    return { outcome: { resource, ok: true, status, summary }, value };
  } catch (error) {
    const message = messageOf(error);
    return { outcome: { resource, ok: false, status: failedStatus(resource, deps.clock, message), summary: message } };
  } finally {
    deps.onResource?.({ resource, phase: 'finished' });
  }
}

/** Every resource's outcome, in the order given. */
export async function localBuild(resources: readonly LocalResource[], deps: LocalBuildDeps): Promise<LocalOutcome[]> {
  const limit = createLimiter(deps.concurrency ?? 4);
  const isBuilder = (r: LocalResource): boolean => r.kind === 'Builder' || r.kind === 'ClusterBuilder';
  const dependencies = await Promise.all(resources.filter((r) => !isBuilder(r)).map((r) => limit(() => runDependency(r, deps))));
  const results = new Map<LocalResource, Resolved>(dependencies.map((d) => [d.outcome.resource, d]));
  // Builders run one at a time: their progress stays readable and writes to one layout never race.
  for (const builder of resources.filter(isBuilder)) results.set(builder, { outcome: await runBuilder(builder, dependencies, deps) });
  return resources.map((r) => (results.get(r) as Resolved).outcome);
}

function findDependency(all: readonly Resolved[], kind: string, name: string): Resolved | undefined {
  return all.find((d) => d.outcome.resource.kind === kind && d.outcome.resource.name === name);
}

const notFound = (kind: string, name: string): string => `${kind.toLowerCase()}.kpack.io "${name}" not found`;

function notReady(builder: LocalResource, kind: string, dependency: Resolved): string {
  const { name } = dependency.outcome.resource;
  const lead = builder.kind === 'ClusterBuilder' && kind === 'ClusterStack' ? `stack ${name} is not ready` : `Error: ${kind.toLowerCase()} '${name}' is not ready`;
  return `${lead}: ${dependency.outcome.summary}`;
}

/** The dependency's value, or the message saying why the builder cannot use it. */
function need(builder: LocalResource, all: readonly Resolved[], kind: string, name: string): Resolved | string {
  const found = findDependency(all, kind, name);
  if (!found) return notFound(kind, name);
  return found.outcome.ok ? found : notReady(builder, kind, found);
}

function asSource(resolved: Resolved): BuildpackSource {
  const { kind, name, namespace } = resolved.outcome.resource;
  const buildpacks = resolved.outcome.ok ? (resolved.value as BuildpackSource['buildpacks']) : [];
  return { kind: kind as BuildpackSource['kind'], name, ...(namespace ? { namespace } : {}), buildpacks };
}

function catalogFor(builder: LocalResource, all: readonly Resolved[], store: Resolved | undefined): BuildpackCatalog {
  const namespace = builder.namespace ?? 'default';
  const ofKind = (kind: string): Resolved[] => all.filter((d) => d.outcome.resource.kind === kind);
  return {
    buildpacks: builder.kind === 'Builder' ? ofKind('Buildpack').filter((d) => (d.outcome.resource.namespace ?? 'default') === namespace).map(asSource) : [],
    clusterBuildpacks: ofKind('ClusterBuildpack').map(asSource),
    ...(store ? { store: asSource(store) } : {}),
  };
}

/** Failed Buildpack/ClusterBuildpack objects the order names by kind and name. */
function failedNamedBuildpacks(builder: LocalResource, all: readonly Resolved[]): string[] {
  const refs = ((builder.spec.order ?? []) as Spec[]).flatMap((entry) => ((entry.group ?? []) as Spec[]).map(ref));
  return refs
    .map((r) => findDependency(all, r.kind, r.name))
    .filter((d): d is Resolved => d !== undefined && !d.outcome.ok)
    .map((d) => notReady(builder, d.outcome.resource.kind, d));
}

interface BuilderDependencies {
  stack: Resolved;
  lifecycle: Resolved;
  store?: Resolved;
}

/** The builder's dependencies, or every message saying why it cannot be built. */
function gatherDependencies(builder: LocalResource, all: readonly Resolved[]): BuilderDependencies | string[] {
  const spec = builder.spec;
  const stack = need(builder, all, 'ClusterStack', ref(spec.stack).name);
  const lifecycle = need(builder, all, 'ClusterLifecycle', ref(spec.lifecycle).name || 'default-lifecycle');
  const storeName = ref(spec.store).name;
  const store = storeName ? need(builder, all, 'ClusterStore', storeName) : undefined;
  const problems = [stack, lifecycle, store].filter((p): p is string => typeof p === 'string');
  problems.push(...failedNamedBuildpacks(builder, all));
  if (problems.length > 0) return problems;
  return { stack: stack as Resolved, lifecycle: lifecycle as Resolved, store: store as Resolved | undefined };
}

function builderInput(builder: LocalResource, found: BuilderDependencies, all: readonly Resolved[], keychain: Keychain): CreateBuilderInput {
  const spec = builder.spec;
  const order = ((spec.order ?? []) as Spec[]).map((e) => ({ group: (e.group ?? []) as OrderSpec[number]['group'] }));
  return {
    builder: { kind: builder.kind as 'Builder' | 'ClusterBuilder', name: builder.name, namespace: builder.namespace ?? 'default' },
    spec: { tag: str(spec.tag), order, additionalLabels: spec.additionalLabels as Record<string, string> | undefined },
    stack: found.stack.value as StackRecord,
    lifecycle: found.lifecycle.value as LifecycleRecord,
    catalog: catalogFor(builder, all, found.store),
    keychains: { builder: keychain, stack: keychain, lifecycle: keychain, source: () => keychain },
    observed: { stackGeneration: found.stack.outcome.status.observedGeneration, storeGeneration: found.store?.outcome.status.observedGeneration ?? 0 },
  };
}

async function runBuilder(builder: LocalResource, all: readonly Resolved[], deps: LocalBuildDeps): Promise<LocalOutcome> {
  const fail = (message: string): LocalOutcome => ({ resource: builder, ok: false, status: builderFailure(builder, deps.clock, message), summary: message });
  const found = gatherDependencies(builder, all);
  if (Array.isArray(found)) return fail(found.join('\n'));
  deps.onResource?.({ resource: builder, phase: 'started' });
  try {
    const outcome = await createBuilder(builderInput(builder, found, all, deps.keychain), {
      images: deps.images,
      clock: deps.clock,
      onProgress: deps.onProgress,
      signal: deps.signal,
    });
    const summary = `${outcome.record.latestImage} (${outcome.pushed ? 'pushed' : 'unchanged, nothing pushed'})`;
    return { resource: builder, ok: true, status: builderSuccess(builder, deps.clock, outcome.record), summary, pushed: outcome.pushed };
  } catch (error) {
    return fail(messageOf(error));
  } finally {
    deps.onResource?.({ resource: builder, phase: 'finished' });
  }
}
