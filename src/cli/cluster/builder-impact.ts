/**
 * What a dry run of a change to a store would do to the builders that use it (kp#78): the cluster's
 * resources are read as the controller's cache holds them, the changed store's buildpacks replace
 * its status, and each Builder and ClusterBuilder that names the store is resolved again and
 * compared with its last build (app's `builderImpact`). Nothing is built or written.
 */
import { isInvalid, parseResource } from '../../api/index.ts';
import type { BuilderStatus } from '../../api/index.ts';
import {
  builderImpact,
  builderResource,
  declaredDependencies,
  supplierOf,
  type BuilderImpact,
  type BuilderLookup,
  type BuilderResource,
  type Supplier,
  type SupplierKind,
  type SupplierValues,
} from '../../app/index.ts';
import type { ObjectClient } from './port.ts';
import type { ClusterSession } from './session.ts';
import type { Reporter } from './reporter.ts';

/** The kinds whose change the impact is computed for: those that resolve to buildpacks. */
export type BuildpackSupplierKind = 'ClusterStore' | 'Buildpack' | 'ClusterBuildpack';

/** The changed resource and the buildpacks it would resolve to. */
export interface ChangedSupplier {
  kind: BuildpackSupplierKind;
  name: string;
  namespace?: string;
  buildpacks: SupplierValues['ClusterStore'];
}

type Suppliers = { [K in SupplierKind]: Supplier<K>[] };

async function listSuppliers<K extends SupplierKind>(objects: ObjectClient, kind: K): Promise<Supplier<K>[]> {
  return (await objects.list({ kind })).map((object) => supplierOf(kind, parseResource(kind, object)));
}

const sameObject = (a: { name: string; namespace?: string | undefined }, b: { name: string; namespace?: string | undefined }): boolean =>
  a.name === b.name && (a.namespace ?? '') === (b.namespace ?? '');

/** `list` with `changed` in place of its stored self (or added, for a resource not created yet). */
function withChanged<K extends BuildpackSupplierKind>(kind: K, list: Supplier<K>[], changed: ChangedSupplier): Supplier<K>[] {
  const stored = list.find((s) => sameObject(s.metadata, changed));
  const metadata = { name: changed.name, ...(changed.namespace ? { namespace: changed.namespace } : {}) };
  const replacement: Supplier<K> = { ...(stored ?? { kind, metadata, observedGeneration: 0 }), resolved: { ok: true, value: changed.buildpacks } };
  return [...list.filter((s) => s !== stored), replacement];
}

/** Every supplier in the cluster as the controller's cache would hold it, with `changed` applied. */
async function clusterLookup(session: Pick<ClusterSession, 'objects' | 'keychain'>, changed: ChangedSupplier): Promise<BuilderLookup> {
  const { objects } = session;
  const [stores, stacks, lifecycles, clusterBuildpacks, buildpacks] = await Promise.all([
    listSuppliers(objects, 'ClusterStore'),
    listSuppliers(objects, 'ClusterStack'),
    listSuppliers(objects, 'ClusterLifecycle'),
    listSuppliers(objects, 'ClusterBuildpack'),
    listSuppliers(objects, 'Buildpack'),
  ]);
  const suppliers: Suppliers = {
    ClusterStore: changed.kind === 'ClusterStore' ? withChanged('ClusterStore', stores, changed) : stores,
    ClusterStack: stacks,
    ClusterLifecycle: lifecycles,
    ClusterBuildpack: changed.kind === 'ClusterBuildpack' ? withChanged('ClusterBuildpack', clusterBuildpacks, changed) : clusterBuildpacks,
    Buildpack: changed.kind === 'Buildpack' ? withChanged('Buildpack', buildpacks, changed) : buildpacks,
  };
  const visible = <K extends SupplierKind>(kind: K, namespace: string | undefined): Supplier<K>[] =>
    suppliers[kind].filter((s) => kind !== 'Buildpack' || s.metadata.namespace === namespace);
  return {
    get: (kind, name, namespace) => visible(kind, namespace).find((s) => s.metadata.name === name),
    list: (kind, namespace) => visible(kind, namespace),
    // Nothing is read with these credentials: the impact is computed from status alone.
    keychainFor: () => Promise.resolve(session.keychain),
  };
}

/** Whether `builder` takes buildpacks from `changed`: by name (store, Buildpack refs) or, for buildpack kinds, by an id it asks for. */
function usesChanged(builder: BuilderResource, changed: ChangedSupplier): boolean {
  const declared = declaredDependencies(builder);
  if (declared.objects.some((o) => o.kind === changed.kind && sameObject(o, changed))) return true;
  if (changed.kind === 'ClusterStore') return false;
  if (changed.kind === 'Buildpack' && (builder.kind !== 'Builder' || builder.metadata.namespace !== changed.namespace)) return false;
  return changed.buildpacks.some((b) => declared.buildpackIds.includes(b.id));
}

async function listBuilders(objects: ObjectClient): Promise<Array<{ builder: BuilderResource; status: BuilderStatus | undefined }>> {
  const read = async (kind: 'Builder' | 'ClusterBuilder'): Promise<Array<{ builder: BuilderResource; status: BuilderStatus | undefined }>> =>
    (await objects.list({ kind })).flatMap((object) => {
      const parsed = parseResource(kind, object);
      return isInvalid(parsed) ? [] : [{ builder: builderResource(parsed), status: parsed.status }];
    });
  return [...(await read('Builder')), ...(await read('ClusterBuilder'))];
}

/** The impact of `changed` on every builder that uses it, Builders before ClusterBuilders. */
export async function impactOn(session: Pick<ClusterSession, 'objects' | 'keychain'>, changed: ChangedSupplier): Promise<BuilderImpact[]> {
  const [lookup, builders] = await Promise.all([clusterLookup(session, changed), listBuilders(session.objects)]);
  const users = builders.filter(({ builder }) => usesChanged(builder, changed));
  return Promise.all(users.map(({ builder, status }) => builderImpact(builder, lookup, status)));
}

const builderName = ({ kind, metadata }: BuilderResource): string => `${kind} ${metadata.namespace ? `${metadata.namespace}/` : ''}${metadata.name}`;

const actionWords: Record<BuilderImpact['action'], string> = {
  create: 'would be built',
  rebuild: 'would be rebuilt',
  unchanged: 'unchanged',
  fail: 'would fail',
};

/** The lines a dry run prints after its result: one per builder, with what changes. */
export function impactLines(impacts: readonly BuilderImpact[], changed: ChangedSupplier): string[] {
  const what = `${changed.kind} "${changed.name}"`;
  if (impacts.length === 0) return [`No builder uses ${what}: nothing would be rebuilt`];
  const rebuilding = impacts.filter((i) => i.action === 'rebuild' || i.action === 'create').length;
  const lines = [`Builders using ${what} (${rebuilding} of ${impacts.length} would be rebuilt):`];
  for (const impact of impacts) {
    const detail = impact.action === 'fail' ? `: ${impact.reason ?? ''}` : impact.changes.length > 0 ? `: ${impact.changes.join(', ')}` : '';
    lines.push(`\t${builderName(impact.builder)}: ${actionWords[impact.action]}${detail}`);
  }
  return lines;
}

/** Prints the impact of `changed` through `reporter` (progress lines: stderr when `-o` prints the object). */
export async function reportImpact(session: Pick<ClusterSession, 'objects' | 'keychain'>, reporter: Reporter, changed: ChangedSupplier): Promise<void> {
  for (const line of impactLines(await impactOn(session, changed), changed)) reporter.progress(line);
}
