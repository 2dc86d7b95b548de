/**
 * What differs between the builder a tag holds now and the one a build would make, in words a
 * user reads in a plan: buildpack versions added, removed or moved, the stack, run image and
 * lifecycle, the order, and packsmith's own version (which is in the builder's metadata).
 */
import type { BuilderRecord } from './builder-record.ts';
import type { BuilderDescription, OrderNode } from './inspect-builder.ts';

const versionsById = (buildpacks: ReadonlyArray<{ id: string; version: string }>): Map<string, string[]> => {
  const byId = new Map<string, string[]>();
  for (const { id, version } of buildpacks) byId.set(id, [...(byId.get(id) ?? []), version].sort());
  return byId;
};

/** `id old → new` for an id whose one version moved, else `- id@v` and `+ id@v` lines, by id. */
export function buildpackChanges(before: ReadonlyArray<{ id: string; version: string }>, after: ReadonlyArray<{ id: string; version: string }>): string[] {
  const old = versionsById(before);
  const now = versionsById(after);
  const ids = [...new Set([...old.keys(), ...now.keys()])].sort();
  return ids.flatMap((id) => {
    const was = old.get(id) ?? [];
    const is = now.get(id) ?? [];
    if (was.join() === is.join()) return [];
    if (was.length === 1 && is.length === 1) return [`${id} ${was[0]} → ${is[0]}`];
    return [...was.filter((v) => !is.includes(v)).map((v) => `- ${id}@${v}`), ...is.filter((v) => !was.includes(v)).map((v) => `+ ${id}@${v}`)];
  });
}

/** `repo@sha256:0123456789ab` for a pinned reference (the rest of the digest says nothing to a reader). */
const short = (reference: string): string => reference.replace(/@sha256:([0-9a-f]{12})[0-9a-f]{52}$/, '@sha256:$1');

/** An order group as a plan shows it: `id@version` (`?` when optional), comma-separated. */
export const groupText = (group: readonly { id: string; version?: string; optional?: boolean }[]): string =>
  group.map((g) => `${g.id}${g.version ? `@${g.version}` : ''}${g.optional ? '?' : ''}`).join(', ');

const currentOrder = (order: readonly OrderNode[][]): string[] => order.map(groupText);

const withoutVersions = (groups: readonly string[]): string => groups.join(' | ').replace(/@[^,|?\s]+/g, '');

/**
 * The order line, only when the groups' ids or flags differ: a version that moved is already a
 * buildpack line, and repeating it in the order would only make the plan longer.
 */
export function orderChange(before: readonly string[], after: readonly string[]): string[] {
  if (withoutVersions(before) === withoutVersions(after)) return [];
  return [`order ${before.join(' | ') || '(empty)'} → ${after.join(' | ') || '(empty)'}`];
}

const change = (what: string, was: string, is: string): string[] => (was === is ? [] : [`${what} ${was} → ${is}`]);

function madeByChange(before: BuilderDescription, createdBy: { name: string; version: string }): string[] {
  const made = before.createdBy;
  if (made?.name !== createdBy.name) return [];
  return change('made by', `${createdBy.name} ${made.version ?? '(unknown)'}`, `${createdBy.name} ${createdBy.version}`);
}

/** Every difference a reader can name; empty when only bytes they cannot see changed. */
export function builderChanges(before: BuilderDescription, after: BuilderRecord, createdBy: { name: string; version: string }): string[] {
  return [
    ...buildpackChanges(before.buildpacks, after.builderMetadata),
    ...change('stack', before.stackId ?? '(none)', after.stack.id),
    ...change('run image', short(before.runImages[0] ?? '(none)'), short(after.stack.runImage)),
    ...change('lifecycle', before.lifecycle.version ?? '(none)', after.lifecycle.version),
    ...orderChange(
      currentOrder(before.order),
      after.order.map((entry) => groupText(entry.group)),
    ),
    ...madeByChange(before, createdBy),
  ];
}
