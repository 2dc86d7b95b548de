/** kp's text views of ClusterStacks: the `status` block and the `list` table (pure, for golden tests). */
import type { ClusterStackStatus } from '../../../api/index.ts';
import type { KubeObject } from '../../cluster/port.ts';
import { formatKpTable, formatStatusBlock, readyColumn, readySummary, type StatusRow } from '../../cluster/index.ts';
import { statusOf } from './shared.ts';

/** `clusterstack status`: Status, Id, Run Image and Build Image (the resolved digests); `Mixins` with `verbose`. */
export function renderStackStatus(stack: KubeObject, verbose: boolean): string {
  const status = statusOf<ClusterStackStatus>(stack);
  const rows: StatusRow[] = [
    ['Status', readySummary(stack)],
    ['Id', status.id],
    ['Run Image', status.runImage?.latestImage],
    ['Build Image', status.buildImage?.latestImage],
  ];
  if (verbose) rows.push(['Mixins', (status.mixins ?? []).join(', ')]);
  return formatStatusBlock(rows);
}

/** `clusterstack list`: NAME, READY (the Ready condition's status or Unknown) and the resolved stack ID, in the server's order. */
export function renderStackList(stacks: readonly KubeObject[]): string {
  return formatKpTable(
    ['Name', 'Ready', 'Id'],
    stacks.map((s) => [s.metadata.name, readyColumn(s), statusOf<ClusterStackStatus>(s).id ?? '']),
  );
}
