/**
 * What `clusterstore status` and `clusterstore list` print, as pure functions of the objects read
 * from the server, in kp's shapes: a status block, the buildpackages table, and with `--verbose`
 * one section per buildpackage (its buildpacks and detection order).
 */
import type { ClusterStoreSpec, StoreStatus } from '../../../api/index.ts';
import type { KubeObject } from '../../cluster/port.ts';
import { formatKpTable, formatStatusBlock, readyColumn, readySummary } from '../../cluster/index.ts';

/** One buildpack entry of a store's status. */
export type StoreBuildpack = NonNullable<StoreStatus['buildpacks']>[number];

/** The parts of a ClusterStore the commands read. */
export interface StoreView {
  name: string;
  spec: ClusterStoreSpec;
  status: StoreStatus;
}

/** Views a ClusterStore object as read from the server (absent spec or status read as empty). */
export function viewStore(object: KubeObject): StoreView {
  return { name: object.metadata.name, spec: object.spec ?? {}, status: object.status ?? {} };
}

const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const packageKey = (entry: StoreBuildpack): string | undefined => {
  const id = entry.buildpackage?.id ?? '';
  const version = entry.buildpackage?.version ?? '';
  // Entries without buildpackage metadata come from builder images used as sources: kp leaves them out.
  return id === '' && version === '' ? undefined : `${id}@${version}`;
};

/** `clusterstore status` without `--verbose`: the status block and the distinct buildpackages sorted by id. */
export function renderStoreStatus(object: KubeObject): string {
  const status = formatStatusBlock([['Status', readySummary(object)]]);
  const packages = new Map<string, NonNullable<StoreBuildpack['buildpackage']>>();
  for (const entry of viewStore(object).status.buildpacks ?? []) {
    const key = packageKey(entry);
    if (key !== undefined && !packages.has(key)) packages.set(key, entry.buildpackage ?? {});
  }
  if (packages.size === 0) return status;
  const rows = [...packages.values()]
    .map((p) => [p.id ?? '', p.version ?? '', p.homepage ?? ''])
    .sort((a, b) => byString(a[0] ?? '', b[0] ?? '') || byString(a[1] ?? '', b[1] ?? ''));
  return status + formatKpTable(['Buildpackage id', 'version', 'homepage'], rows);
}

/** `clusterstore status --verbose`: the status block, then per buildpackage (sorted by `id@version`) its details. */
export function renderStoreStatusVerbose(object: KubeObject): string {
  const tops = new Map<string, StoreBuildpack>();
  const children = new Map<string, StoreBuildpack[]>();
  for (const entry of viewStore(object).status.buildpacks ?? []) {
    const key = packageKey(entry);
    if (key === undefined) continue;
    if (entry.id === entry.buildpackage?.id && entry.version === entry.buildpackage?.version) tops.set(key, entry);
    else children.set(key, [...(children.get(key) ?? []), entry]);
  }
  const sections = [...tops.keys()].sort(byString).map((key) => renderPackage(key, tops.get(key) ?? {}, children.get(key) ?? []));
  return formatStatusBlock([['Status', readySummary(object)]]) + sections.join('\n');
}

function renderPackage(key: string, top: StoreBuildpack, buildpacks: readonly StoreBuildpack[]): string {
  const block = formatStatusBlock([
    ['Buildpackage', key],
    ['Image', top.storeImage?.image],
    ['Homepage', top.homepage],
  ]);
  const table = formatKpTable(
    ['Buildpack id', 'version', 'homepage'],
    buildpacks.map((b) => [b.id ?? '', b.version ?? '', b.homepage ?? '']),
  );
  const order = (top.order ?? []).flatMap((entry, index) => [
    [`Group #${index + 1}`, ''],
    ...(entry.group ?? []).map((ref) => [`  ${ref.id ?? ''}`, ref.optional === true ? '(Optional)' : '']),
  ]);
  return block + table + formatKpTable(['Detection Order', ''], order);
}

/** `clusterstore list`: NAME and READY (the Ready condition's status, or `Unknown`), in the given order. */
export function renderStoreList(objects: readonly KubeObject[]): string {
  return formatKpTable(
    ['Name', 'Ready'],
    objects.map((o) => [o.metadata.name, readyColumn(o)]),
  );
}
