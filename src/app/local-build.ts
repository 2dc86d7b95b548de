/**
 * Local mode: resolves a set of kpack resources without a cluster, in dependency order (stores,
 * buildpacks, stacks and lifecycles first, then builders), and returns for each one the status the
 * controller would write. A failing resource does not stop unrelated ones; a builder whose stack,
 * lifecycle, store or named buildpack failed fails with a message that names every one of them
 * (through the same inputs path as the controller, `gatherBuilderInputs`).
 */
import type { AnyResource, Resource } from '../api/index.ts';
import type { IoOptions, Keychain } from '../oci/index.ts';
import { createLimiter, messageOf } from '../shared/index.ts';
import { gatherBuilderInputs, type BuilderLookup, type Supplier, type SupplierKind, type SupplierValues } from './builder-inputs.ts';
import type { NamedSigningKey } from './builder-signing.ts';
import { createBuilder } from './create-builder.ts';
import { builderFailure, builderSuccess, failedStatus, readyStatus, type LocalStatus } from './local-status.ts';
import type { BuilderRecord, SignaturePath } from './builder-record.ts';
import type { Clock, ImageAccess, ProgressCallback } from './ports.ts';
import { readLifecycle } from './read-lifecycle.ts';
import { readStore, storeSourcesOf } from './read-store.ts';
import { resolveStack, stackImagesOf } from './resolve-stack.ts';

/** A valid, defaulted v1alpha2 resource (namespaced kinds with their namespace filled in). */
export type LocalResource = AnyResource;

/** The result for one resource. */
export interface LocalOutcome {
  resource: LocalResource;
  ok: boolean;
  status: LocalStatus;
  /** One line: what was resolved, or why it failed. */
  summary: string;
  /** Builders: whether an image was written. */
  pushed?: boolean;
  /** Builders that succeeded: what was built. */
  record?: BuilderRecord;
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
  /**
   * Resources that were rejected before this run (their document did not validate), so a builder that
   * uses one names it and its problem instead of calling it missing.
   */
  rejected?: readonly RejectedDependency[];
  /** Keys every pushed builder (and its run image) is signed with; none: unsigned. */
  signingKeys?: readonly NamedSigningKey[];
}

/** A dependency resource that could not be used at all, and why (one line). */
export interface RejectedDependency {
  kind: SupplierKind;
  metadata: { name: string; namespace?: string };
  reason: string;
}

function rejectedSupplier(rejected: RejectedDependency): Supplier {
  return { kind: rejected.kind, metadata: rejected.metadata, observedGeneration: 0, resolved: { ok: false, reason: rejected.reason } };
}

type LocalBuilder = Resource<'Builder'> | Resource<'ClusterBuilder'>;
type DependencyResource = Exclude<LocalResource, LocalBuilder>;

/** What reading one dependency gave: its status and one-line summary, and its record. */
interface Read<K extends SupplierKind> {
  status: LocalStatus;
  summary: string;
  value: SupplierValues[K];
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Reads one dependency resource; throws what its use case throws. */
async function resolveDependency(resource: DependencyResource, deps: LocalBuildDeps): Promise<Read<SupplierKind>> {
  const io = { images: deps.images, signal: deps.signal };
  const { keychain, clock } = deps;
  const { metadata } = resource;
  switch (resource.kind) {
    case 'ClusterStore':
    case 'Buildpack':
    case 'ClusterBuildpack': {
      const buildpacks = await readStore({ sources: storeSourcesOf(resource), keychain }, io);
      return { status: readyStatus(metadata, clock, { buildpacks }), summary: plural(buildpacks.length, 'buildpack'), value: buildpacks };
    }
    case 'ClusterStack': {
      const stack = await resolveStack({ ...stackImagesOf(resource), keychain }, io);
      return { status: readyStatus(metadata, clock, { ...stack }), summary: `stack ${stack.id}, run image ${stack.runImage.latestImage}`, value: stack };
    }
    case 'ClusterLifecycle': {
      const lifecycle = await readLifecycle({ image: resource.spec.image ?? '', keychain }, io);
      return { status: readyStatus(metadata, clock, { ...lifecycle }), summary: `lifecycle ${lifecycle.version}`, value: lifecycle };
    }
  }
}

interface Resolved {
  outcome: LocalOutcome;
  supplier?: Supplier;
}

function supplierOf(resource: DependencyResource, outcome: LocalOutcome, value: SupplierValues[SupplierKind] | undefined): Supplier {
  const { name, namespace } = resource.metadata;
  return {
    kind: resource.kind,
    metadata: { name, ...(namespace ? { namespace } : {}) },
    spec: resource.spec,
    observedGeneration: outcome.status.observedGeneration,
    resolved: outcome.ok && value !== undefined ? { ok: true, value } : { ok: false, reason: outcome.summary },
  };
}

async function runDependency(resource: DependencyResource, deps: LocalBuildDeps): Promise<Resolved> {
  deps.onResource?.({ resource, phase: 'started' });
  try {
    const { status, summary, value } = await resolveDependency(resource, deps);
    const outcome: LocalOutcome = { resource, ok: true, status, summary };
    return { outcome, supplier: supplierOf(resource, outcome, value) };
  } catch (error) {
    const message = messageOf(error);
    const outcome: LocalOutcome = { resource, ok: false, status: failedStatus(resource.metadata, deps.clock, message), summary: message };
    return { outcome, supplier: supplierOf(resource, outcome, undefined) };
  } finally {
    deps.onResource?.({ resource, phase: 'finished' });
  }
}

const isBuilder = (r: LocalResource): r is LocalBuilder => r.kind === 'Builder' || r.kind === 'ClusterBuilder';
const isDependency = (r: LocalResource): r is DependencyResource => !isBuilder(r);

/** Every resource's outcome, in the order given. */
export async function localBuild(resources: readonly LocalResource[], deps: LocalBuildDeps): Promise<LocalOutcome[]> {
  const limit = createLimiter(deps.concurrency ?? 4);
  const dependencies = await Promise.all(resources.filter(isDependency).map((r) => limit(() => runDependency(r, deps))));
  const outcomes = new Map<LocalResource, LocalOutcome>(dependencies.map((d) => [d.outcome.resource, d.outcome]));
  const suppliers = [...dependencies.flatMap((d) => (d.supplier ? [d.supplier] : [])), ...(deps.rejected ?? []).map(rejectedSupplier)];
  // Builders run one at a time: their progress stays readable and writes to one layout never race.
  for (const builder of resources.filter(isBuilder)) outcomes.set(builder, await runBuilder(builder, suppliers, deps));
  return resources.flatMap((r) => outcomes.get(r) ?? []);
}

const ofKind =
  <K extends SupplierKind>(kind: K) =>
  (supplier: Supplier): supplier is Supplier<K> =>
    supplier.kind === kind;

/** The lookup of `gatherBuilderInputs` over the outcomes of this run: a failed resource is one whose reason is its failure. */
function outcomeLookup(suppliers: readonly Supplier[], keychain: Keychain): BuilderLookup {
  const inNamespace = (supplier: Supplier, namespace: string | undefined): boolean =>
    supplier.kind !== 'Buildpack' || (supplier.metadata.namespace ?? 'default') === (namespace ?? 'default');
  return {
    get: (kind, name, namespace) => suppliers.filter(ofKind(kind)).find((s) => s.metadata.name === name && inNamespace(s, namespace)),
    list: (kind, namespace) => suppliers.filter(ofKind(kind)).filter((s) => inNamespace(s, namespace)),
    keychainFor: () => Promise.resolve(keychain),
  };
}

/** One line: the keys used and the builder's attestation. */
function signedSummary(paths: readonly SignaturePath[]): string {
  const keys = [...new Set(paths.map((p) => p.signingSecret))];
  const attestation = paths.find((p) => p.attestation !== undefined)?.attestation;
  return `${keys.join(', ')}${attestation === undefined ? '' : `; provenance ${attestation}`}`;
}

async function runBuilder(builder: LocalBuilder, suppliers: readonly Supplier[], deps: LocalBuildDeps): Promise<LocalOutcome> {
  const { metadata } = builder;
  const fail = (message: string): LocalOutcome => ({ resource: builder, ok: false, status: builderFailure(metadata, deps.clock, message), summary: message });
  const identity = {
    name: metadata.name,
    ...(metadata.namespace ? { namespace: metadata.namespace } : {}),
    ...(metadata.annotations ? { annotations: metadata.annotations } : {}),
  };
  const gathered = await gatherBuilderInputs({ kind: builder.kind, metadata: identity, spec: builder.spec }, outcomeLookup(suppliers, deps.keychain));
  if (!gathered.ok) return fail(gathered.problems.join('\n'));
  deps.onResource?.({ resource: builder, phase: 'started' });
  try {
    const outcome = await createBuilder(deps.signingKeys ? { ...gathered.input, signingKeys: deps.signingKeys } : gathered.input, {
      images: deps.images,
      clock: deps.clock,
      onProgress: deps.onProgress,
      signal: deps.signal,
    });
    const pushed = `${outcome.record.latestImage} (${outcome.pushed ? 'pushed' : 'unchanged, nothing pushed'})`;
    const signed = outcome.record.signaturePaths.length > 0 ? [`signed: ${signedSummary(outcome.record.signaturePaths)}`] : [];
    const summary = [pushed, ...signed, ...outcome.warnings.map((w) => `warning: ${w}`)].join('\n');
    return {
      resource: builder,
      ok: true,
      status: builderSuccess(metadata, deps.clock, outcome.record),
      summary,
      pushed: outcome.pushed,
      record: outcome.record,
    };
  } catch (error) {
    return fail(messageOf(error));
  } finally {
    deps.onResource?.({ resource: builder, phase: 'finished' });
  }
}
