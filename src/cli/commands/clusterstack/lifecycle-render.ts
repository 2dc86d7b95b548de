/** kp's text views of ClusterLifecycles: the `status` block and the `list` table (pure, for golden tests). */
import type { ClusterLifecycleStatus } from '../../../api/index.ts';
import type { KubeObject } from '../../cluster/port.ts';
import { formatKpTable, formatStatusBlock, readyColumn, readySummary, type StatusRow } from '../../cluster/index.ts';
import { statusOf } from './shared.ts';

/** `clusterlifecycle status`: Status, Image (resolved digest) and Version; the buildpack APIs with `verbose`. */
export function renderLifecycleStatus(lifecycle: KubeObject, verbose: boolean): string {
  const status = statusOf<ClusterLifecycleStatus>(lifecycle);
  const rows: StatusRow[] = [
    ['Status', readySummary(lifecycle)],
    ['Image', status.image?.latestImage],
    ['Version', status.version],
  ];
  if (verbose) {
    const buildpack = status.apis?.buildpack;
    rows.push(['Supported Buildpack APIs', (buildpack?.supported ?? []).join(', ')], ['Deprecated Buildpack APIs', (buildpack?.deprecated ?? []).join(', ')]);
  }
  return formatStatusBlock(rows);
}

/** `clusterlifecycle list`: NAME, READY, VERSION and the resolved IMAGE, in the server's order. */
export function renderLifecycleList(lifecycles: readonly KubeObject[]): string {
  const rows = lifecycles.map((l) => {
    const status = statusOf<ClusterLifecycleStatus>(l);
    return [l.metadata.name, readyColumn(l), status.version ?? '', status.image?.latestImage ?? ''];
  });
  return formatKpTable(['Name', 'Ready', 'Version', 'Image'], rows);
}
