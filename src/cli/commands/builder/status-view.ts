/**
 * `status` output: kp's layout line for line (status block, stack and store references, the
 * buildpacks in the builder, the order entries named by object, the detection order), where the
 * detection order is a tree: meta-buildpacks are followed by their own order, indented, and a
 * SOURCE column names the resource each buildpack came from whenever that is known.
 */
import type { KubeObject } from '../../cluster/port.ts';
import {
  alignColumns,
  builderRefsOf,
  builderStatusOf,
  conditionOf,
  formatKpTable,
  formatStatusBlock,
  readyCondition,
  type StatusRow,
} from '../../cluster/index.ts';
import type { OrderTreeNode } from './order-tree.ts';
import type { BuilderScope } from './scope.ts';

type Ref = { name?: string; kind?: string };
type Spec = { stack?: Ref; store?: Ref; order?: Array<{ group?: Ref[] }> };
type Status = {
  latestImage?: string;
  stack?: { id?: string; runImage?: string };
  builderMetadata?: Array<{ id: string; version: string; homepage?: string }>;
};

/** The whole `status` text of `builder`; `tree` is its detection order (see buildOrderTree). */
export function renderBuilderStatus(scope: BuilderScope, builder: KubeObject, tree: readonly OrderTreeNode[][]): string {
  const ready = readyCondition(builder);
  if (ready === undefined) return formatStatusBlock([['Status', 'Unknown']]);
  const failure = upToDateFailure(builder);
  if (ready.status !== 'True')
    return formatStatusBlock([
      ['Status', 'Not Ready'],
      ['Reason', notReadyReason(ready.message, failure)],
    ]);
  const spec: Spec = builderRefsOf(builder);
  const status: Status = builderStatusOf(builder);
  return [
    renderReadyBlock(status, failure),
    renderRefs(spec),
    formatKpTable(
      ['buildpack id', 'version', 'homepage'],
      (status.builderMetadata ?? []).map((b) => [b.id, b.version, b.homepage ?? '']),
    ),
    '\n',
    renderObjectRefs(scope, spec),
    renderDetectionOrder(tree),
  ].join('');
}

/** The message of a False UpToDate condition (why the current spec could not be built), if any. */
function upToDateFailure(builder: KubeObject): string | undefined {
  const upToDate = conditionOf(builder, 'UpToDate');
  return upToDate?.status === 'False' ? (upToDate.message ?? '') : undefined;
}

// kpack's Ready message of a builder without image is a placeholder and the cause is in UpToDate;
// packsmith's own Ready message already ends with it.
function notReadyReason(message: string | undefined, failure: string | undefined): string | undefined {
  return failure !== undefined && failure !== '' && !(message ?? '').endsWith(failure) ? `${message ?? ''}: ${failure}` : message;
}

// kpack keeps a builder Ready on its previous image when the current spec fails; a Reason row says why.
function renderReadyBlock(status: Status, failure: string | undefined): string {
  const stale: StatusRow[] = failure === undefined ? [] : [['Reason', `not up to date, the previous image is kept: ${failure}`]];
  return formatStatusBlock([
    ['Status', 'Ready'],
    ...stale,
    ['Image', status.latestImage],
    ['Stack ID', status.stack?.id],
    ['Run Image', status.stack?.runImage],
  ]);
}

// A one-space value keeps kp's headings free of the `--` an empty value would print.
function renderRefs({ stack, store }: Spec): string {
  return formatStatusBlock([
    ['Stack Ref', ' '],
    ['  Name', stack?.name],
    ['  Kind', stack?.kind],
    ['Store Ref', ' '],
    ['  Name', store?.name],
    ['  Kind', store?.kind],
  ]);
}

// kp prints the header once and then, per group of the spec's order, that group's object
// references followed by an empty line, so groups without any leave empty lines.
function renderObjectRefs(scope: BuilderScope, spec: Spec): string {
  const word = scope.refTableWord.toUpperCase();
  let text = `${word} NAME\t     ${word} KIND\n`;
  for (const entry of spec.order ?? []) {
    for (const ref of entry.group ?? []) if (ref.name && ref.kind) text += `${ref.name}\t${ref.kind}\n`;
    text += '\n';
  }
  return alignColumns(text);
}

const hasSource = (nodes: readonly OrderTreeNode[][]): boolean => nodes.some((g) => g.some((n) => n.source !== undefined || hasSource(n.groups)));

function nodeLines(node: OrderTreeNode, depth: number, withSource: boolean): string[] {
  const indent = '  '.repeat(depth);
  const name = `${indent}${node.id}${node.version ? `@${node.version}` : ''}`;
  const optional = node.optional ? '(Optional)' : '';
  const line = withSource ? `${name}\t${optional}\t${node.source ?? '--'}\n` : `${name}\t${optional}\n`;
  return [line, ...groupLines(node.groups, depth + 1, withSource, node.groups.length > 1)];
}

// Nested groups get their own heading only when a meta-buildpack has alternatives; a single group
// is listed directly under its meta-buildpack.
function groupLines(groups: readonly OrderTreeNode[][], depth: number, withSource: boolean, headings: boolean): string[] {
  const indent = '  '.repeat(depth);
  return groups.flatMap((group, i) => {
    const heading = withSource ? `${indent}Group #${i + 1}\t\t\n` : `${indent}Group #${i + 1}\t\n`;
    const entries = group.flatMap((node) => nodeLines(node, headings ? depth + 1 : depth, withSource));
    return headings ? [heading, ...entries] : entries;
  });
}

/** kp's DETECTION ORDER table, with nested orders and, when any is known, a SOURCE column. */
export function renderDetectionOrder(tree: readonly OrderTreeNode[][]): string {
  const withSource = hasSource(tree);
  const header = withSource ? 'DETECTION ORDER\t\tSOURCE\n' : 'DETECTION ORDER\t\n';
  const body = groupLines(tree, 0, withSource, true);
  return alignColumns(header + body.join('') + '\n');
}
