/**
 * What a change to one resource would do to a builder that uses it, read without building: the
 * builder's inputs are gathered through a lookup that already holds the changed resource, its order
 * is resolved against that catalog, and the outcome is compared with what the builder's status says
 * it was last built with (buildpack versions, order, run image, lifecycle). This is the impact a
 * kp-style `--dry-run` prints; `plan -f` (plan-local-build.ts) builds for real instead.
 */
import type { BuilderStatus } from '../api/index.ts';
import { resolveOrder, type ResolvedOrder } from '../cnb/index.ts';
import { buildpackChanges, groupText, orderChange } from './builder-changes.ts';
import { gatherBuilderInputs, type BuilderLookup, type BuilderResource } from './builder-inputs.ts';
import type { CreateBuilderInput } from './create-builder.ts';

/** `rebuild` and `unchanged` compare with the last build; `create`: the builder has not been built yet. */
export type ImpactAction = 'create' | 'rebuild' | 'unchanged' | 'fail';

/** What the change does to one builder. */
export interface BuilderImpact {
  builder: BuilderResource;
  action: ImpactAction;
  /** `rebuild`: what changes, one line each. */
  changes: string[];
  /** `fail`: why the builder could not be built after the change. */
  reason?: string;
}

const digestOf = (reference: string | undefined): string => reference?.slice(reference.lastIndexOf('@') + 1) ?? '';

const orderText = (order: ReadonlyArray<{ group?: ReadonlyArray<{ id?: string; version?: string; optional?: boolean }> }>): string[] =>
  order.map((entry) =>
    groupText((entry.group ?? []).map((g) => ({ id: g.id ?? '', ...(g.version ? { version: g.version } : {}), ...(g.optional ? { optional: true } : {}) }))),
  );

const change = (what: string, was: string, is: string): string[] => (was === is ? [] : [`${what} ${was || '(none)'} → ${is}`]);

/** What differs between the last build (its status) and a build from the resolved inputs. */
function changesSince(built: BuilderStatus, resolved: ResolvedOrder, input: CreateBuilderInput): string[] {
  const buildpacks = resolved.buildpacks.map(({ record }) => ({ id: record.id, version: record.version }));
  return [
    ...buildpackChanges(built.builderMetadata ?? [], buildpacks),
    ...change('run image', digestOf(built.stack?.runImage), digestOf(input.stack.runImage.latestImage)),
    ...change('lifecycle', built.lifecycle?.version ?? '', input.lifecycle.version),
    ...orderChange(orderText(built.order ?? []), orderText(resolved.order)),
  ];
}

/** The impact on `builder` (whose last build `built` records) once `lookup` holds the change. */
export async function builderImpact(builder: BuilderResource, lookup: BuilderLookup, built: BuilderStatus | undefined): Promise<BuilderImpact> {
  const gathered = await gatherBuilderInputs(builder, lookup);
  if (!gathered.ok) return { builder, action: 'fail', changes: [], reason: gathered.problems.join('; ') };
  const { input } = gathered;
  const resolved = resolveOrder(input.spec.order, input.catalog);
  if (!resolved.ok) return { builder, action: 'fail', changes: [], reason: resolved.issues.map((i) => `${i.path}: ${i.message}`).join('; ') };
  if (built?.latestImage === undefined) return { builder, action: 'create', changes: [] };
  const changes = changesSince(built, resolved.value, input);
  return { builder, action: changes.length > 0 ? 'rebuild' : 'unchanged', changes };
}
