/**
 * What `buildpack status` and `buildpack list` print (both kinds), as pure functions of the objects
 * read: kp's status block and tables, plus the detection order of each meta-buildpack the
 * buildpackage provides, laid out like kp's `clusterstore status -v`.
 */
import type { KubeObject } from '../../cluster/port.ts';
import type { StoreStatus } from '../../../api/index.ts';
import { formatKpTable, formatStatusBlock, readyCondition, readyFlag, sortedByName, storeStatusOf } from '../../cluster/index.ts';
import { specImage } from './scope.ts';

type BuildpackEntry = NonNullable<StoreStatus['buildpacks']>[number];
type OrderGroup = NonNullable<BuildpackEntry['order']>[number];

/**
 * The status view. Ready: `Status`/`Source` block, the table of every buildpack the image provides
 * (status order), then per meta-buildpack a `Buildpack: id@version` block and its DETECTION ORDER.
 * Ready False: `Status: Not Ready` and the condition message as `Reason`. No verdict yet: `Unknown`.
 */
export function renderBuildpackStatus(object: KubeObject): string {
  const ready = readyCondition(object);
  if (ready?.status === 'False')
    return formatStatusBlock([
      ['Status', 'Not Ready'],
      ['Reason', ready.message],
    ]);
  if (ready?.status !== 'True') return formatStatusBlock([['Status', 'Unknown']]);
  const entries = buildpackEntries(object);
  const table = formatKpTable(
    ['buildpack id', 'version', 'homepage'],
    entries.map((b) => [b.id ?? '', b.version ?? '', b.homepage ?? '']),
  );
  const orders = entries.filter((b) => (b.order ?? []).length > 0).map(renderDetectionOrder);
  return (
    formatStatusBlock([
      ['Status', 'Ready'],
      ['Source', specImage(object)],
    ]) +
    table +
    orders.join('')
  );
}

function renderDetectionOrder(meta: BuildpackEntry): string {
  const rows = (meta.order ?? []).flatMap((group: OrderGroup, index) => [
    [`Group #${index + 1}`, ''],
    ...(group.group ?? []).map((ref) => [`  ${withVersion(ref.id ?? '', ref.version)}`, ref.optional === true ? '(Optional)' : '']),
  ]);
  return formatStatusBlock([['Buildpack', withVersion(meta.id ?? '', meta.version)]]) + formatKpTable(['detection order', ''], rows);
}

function withVersion(id: string, version: string | undefined): string {
  return version === undefined || version === '' ? id : `${id}@${version}`;
}

function buildpackEntries(object: KubeObject): BuildpackEntry[] {
  return (storeStatusOf(object).buildpacks ?? []).slice();
}

/** The `list` table: NAME, READY, IMAGE (spec.image), sorted by name. Callers report an empty list themselves. */
export function renderBuildpackList(objects: readonly KubeObject[]): string {
  return formatKpTable(
    ['name', 'ready', 'image'],
    sortedByName(objects).map((o) => [o.metadata.name, readyFlag(o), specImage(o) ?? '']),
  );
}
