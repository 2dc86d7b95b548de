/**
 * The read-only commands and delete: `status` (kp's view plus the detection order tree with
 * sources), `list` (kp's table, sorted by name) and `delete`.
 */
import type { KubeObject, ObjectClient } from '../../cluster/port.ts';
import { isAppError } from '../../../shared/index.ts';
import {
  builderRefsOf,
  builderStatusOf,
  formatKpTable,
  readKubeFlags,
  readyCondition,
  readyFlag,
  sortedByName,
  withClusterSession,
} from '../../cluster/index.ts';
import { CliError } from '../../errors.ts';
import type { CliIo } from '../../io.ts';
import { buildOrderTree, type SourceObjects } from './order-tree.ts';
import type { BuilderScope } from './scope.ts';
import { renderBuilderStatus } from './status-view.ts';

type Options = Record<string, unknown>;

// Sources only enrich the view: a resource that is gone or that the user may not read is left out.
async function tolerant<T>(read: () => Promise<T>, fallback: T): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (isAppError(error) && (error.code === 'NOT_FOUND' || error.code === 'FORBIDDEN')) return fallback;
    throw error;
  }
}

/** The resources `builder` may have taken buildpacks from. */
export async function readSourceObjects(objects: ObjectClient, builder: KubeObject): Promise<SourceObjects> {
  const storeName = builderRefsOf(builder).store?.name;
  const namespace = builder.metadata.namespace;
  const [buildpacks, clusterBuildpacks, store] = await Promise.all([
    builder.kind === 'ClusterBuilder' || !namespace ? [] : tolerant(() => objects.list({ kind: 'Buildpack', namespace }), []),
    tolerant(() => objects.list({ kind: 'ClusterBuildpack' }), []),
    storeName ? tolerant<KubeObject | undefined>(() => objects.get({ kind: 'ClusterStore', name: storeName }), undefined) : undefined,
  ]);
  return { buildpacks, clusterBuildpacks, store };
}

/** `status <name>`. */
export async function runBuilderStatus(io: CliIo, scope: BuilderScope, name: string, options: Options): Promise<void> {
  await withClusterSession(io, { kube: readKubeFlags(options) }, async (session) => {
    const namespace = scope.namespaced ? session.targetNamespace : undefined;
    const builder = await session.objects.get({ kind: scope.kind, name, ...(namespace ? { namespace } : {}) });
    const ready = readyCondition(builder)?.status === 'True';
    const tree = ready ? buildOrderTree(builder, await readSourceObjects(session.objects, builder)) : [];
    io.stdout(renderBuilderStatus(scope, builder, tree));
  });
}

/** The `list` table: NAME, READY, STACK (status stack id), IMAGE (latest image), sorted by name. */
export function renderBuilderList(builders: readonly KubeObject[]): string {
  const sorted = sortedByName(builders);
  const rows = sorted.map((b) => {
    const status = builderStatusOf(b);
    return [b.metadata.name, readyFlag(b), status.stack?.id ?? '', status.latestImage ?? ''];
  });
  return formatKpTable(['Name', 'Ready', 'Stack', 'Image'], rows);
}

/** `list`. */
export async function runBuilderList(io: CliIo, scope: BuilderScope, options: Options): Promise<void> {
  await withClusterSession(io, { kube: readKubeFlags(options) }, async (session) => {
    const builders = await session.objects.list({ kind: scope.kind, ...(scope.namespaced ? { namespace: session.targetNamespace } : {}) });
    if (builders.length === 0) throw new CliError(scope.noneFound);
    io.stdout(renderBuilderList(builders));
  });
}

/** `delete <name>`. */
export async function runBuilderDelete(io: CliIo, scope: BuilderScope, name: string, options: Options): Promise<void> {
  await withClusterSession(io, { kube: readKubeFlags(options) }, async (session) => {
    await session.objects.delete({ kind: scope.kind, name, ...(scope.namespaced ? { namespace: session.targetNamespace } : {}) });
    io.stdout(`${scope.kind} "${name}" deleted\n`);
  });
}
