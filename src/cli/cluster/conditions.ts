/**
 * Reading a resource's conditions the way kp shows them: the status line of status blocks, the
 * READY column of lists (kp writes it two ways), and the order kp sorts lists in.
 */
import { findCondition, type Condition } from '../../api/index.ts';
import { commonStatus } from './object-fields.ts';
import type { KubeObject } from './port.ts';

/** The condition of `type` in an object's status, if any. */
export function conditionOf(object: KubeObject, type: string): Condition | undefined {
  return findCondition(commonStatus(object)?.conditions, type);
}

/** The Ready condition of an object's status, if any. */
export function readyCondition(object: KubeObject): Condition | undefined {
  return conditionOf(object, 'Ready');
}

/** kp's `Status:` value: `Ready`, `Not Ready - <message>` or `Unknown`. */
export function readySummary(object: KubeObject): string {
  const ready = readyCondition(object);
  if (ready?.status === 'True') return 'Ready';
  if (ready?.status === 'False') return `Not Ready - ${ready.message ?? ''}`;
  return 'Unknown';
}

/** kp's READY column for stores, stacks and lifecycles: the condition's status, `Unknown` without one. */
export function readyColumn(object: KubeObject): string {
  return readyCondition(object)?.status ?? 'Unknown';
}

/** kp's READY column for builders and buildpacks: `true`, `false` or `unknown`. */
export function readyFlag(object: KubeObject): string {
  const status = readyCondition(object)?.status;
  if (status === 'True') return 'true';
  if (status === 'False') return 'false';
  return 'unknown';
}

/** Objects sorted by name (plain string order, as kp sorts). */
export function sortedByName(objects: readonly KubeObject[]): KubeObject[] {
  return [...objects].sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0));
}
