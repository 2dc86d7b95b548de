/**
 * Local mode: resolves a set of kpack resources without a cluster, in dependency order (stores,
 * buildpacks, stacks and lifecycles first, then builders), and returns for each one the status the
 * controller would write. A failing resource does not stop unrelated ones; a builder whose stack,
 * lifecycle, store or named buildpack failed fails with a message that names every one of them
 * (through the same inputs path as the controller, `gatherBuilderInputs`).
 */
import type { BuilderSpec } from '../api/index.ts';
import type { IoOptions, Keychain } from '../oci/index.ts';
import { createLimiter, messageOf } from '../shared/index.ts';
import { gatherBuilderInputs, type BuilderLookup, type BuilderResource, type Supplier } from './builder-inputs.ts';
import { createBuilder } from './create-builder.ts';
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

const builderKinds = new Set<LocalResource['kind']>(['Builder', 'ClusterBuilder']);

/** The lookup of `gatherBuilderInputs` over the outcomes of this run: a failed resource is one whose reason is its failure. */
function outcomeLookup(all: readonly Resolved[], keychain: Keychain): BuilderLookup {
  const suppliers = all.filter((d) => !builderKinds.has(d.outcome.resource.kind)).map(supplierOf);
  const inNamespace = (supplier: Supplier, namespace: string | undefined): boolean => supplier.kind !== 'Buildpack' || (supplier.metadata.namespace ?? 'default') === (namespace ?? 'default');
  return {
    get: (kind, name, namespace) => suppliers.find((s) => s.kind === kind && s.metadata.name === name && inNamespace(s, namespace)),
    list: (kind, namespace) => suppliers.filter((s) => s.kind === kind && inNamespace(s, namespace)),
    keychainFor: () => Promise.resolve(keychain),
  };
}

function supplierOf({ outcome, value }: Resolved): Supplier {
  const { kind, name, namespace, spec } = outcome.resource;
  return {
    kind: kind as Supplier['kind'],
    metadata: { name, ...(namespace ? { namespace } : {}) },
    spec,
    observedGeneration: outcome.status.observedGeneration,
    resolved: outcome.ok ? { ok: true, value } : { ok: false, reason: outcome.summary },
  };
}

function builderResourceOf(builder: LocalResource): BuilderResource {
  // The file reader validated and defaulted the spec (src/cli/local-resources.ts).
  const spec = builder.spec as BuilderSpec;
  return { kind: builder.kind as BuilderResource['kind'], metadata: { name: builder.name, ...(builder.namespace ? { namespace: builder.namespace } : {}) }, spec };
}

async function runBuilder(builder: LocalResource, all: readonly Resolved[], deps: LocalBuildDeps): Promise<LocalOutcome> {
  const fail = (message: string): LocalOutcome => ({ resource: builder, ok: false, status: builderFailure(builder, deps.clock, message), summary: message });
  const gathered = await gatherBuilderInputs(builderResourceOf(builder), outcomeLookup(all, deps.keychain));
  if (!gathered.ok) return fail(gathered.problems.join('\n'));
  deps.onResource?.({ resource: builder, phase: 'started' });
  try {
    const outcome = await createBuilder(gathered.input, {
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
