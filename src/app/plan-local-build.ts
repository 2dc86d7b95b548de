/**
 * `plan`: what a local-mode run would do, with nothing written. The resources go through the same
 * path as `build` (every input read, the order resolved, compatibility checked, the builder
 * assembled) over an image access that only compares writes (dry-run-images.ts). Each builder is
 * then `create` (nothing at its tag), `rebuild` (the tag holds another image; the changes are
 * read from its labels), `unchanged` (the tag already holds this exact image) or `fail` (and why);
 * a dependency that fails is listed with its reason too, since its builders fail with it.
 */
import type { Digest } from '../oci/index.ts';
import { packsmithVersion } from '../shared/index.ts';
import { isNothingThere } from './nothing-there.ts';
import { CnbFormatError } from '../cnb/index.ts';
import { builderChanges } from './builder-changes.ts';
import { dryRunImages } from './dry-run-images.ts';
import { resolveBuilderTag } from './builder-tag.ts';
import { inspectBuilder, type BuilderDescription } from './inspect-builder.ts';
import { localBuild, type LocalBuildDeps, type LocalOutcome, type LocalResource } from './local-build.ts';

export type PlanAction = 'create' | 'rebuild' | 'unchanged' | 'fail';

/** What a run would do to one resource. */
export interface PlanEntry {
  resource: LocalResource;
  action: PlanAction;
  /** Builders: the tag the builder goes to. */
  tag?: string;
  /** Builders that would build: `<tag>@<digest>` of the image a run would push (or leave in place). */
  image?: string;
  /** Builders: the digest the tag names now. */
  current?: Digest;
  /** `rebuild`: what changes, one line each (empty when only unlabelled bytes differ). */
  changes: string[];
  /** `fail`: why, as `build` would say it. */
  reason?: string;
}

/** What `planLocalBuild` needs: `build`'s dependencies, without signing (a plan signs nothing). */
export type PlanDeps = Omit<LocalBuildDeps, 'signingKeys'>;

const createdBy = { name: 'packsmith', version: packsmithVersion };

const isBuilder = (outcome: LocalOutcome): boolean => outcome.resource.kind === 'Builder' || outcome.resource.kind === 'ClusterBuilder';

/** The builder at `tag` now; undefined when the tag names nothing, `not a builder` when it names something else. */
async function currentBuilder(tag: string, deps: PlanDeps): Promise<BuilderDescription | 'not a builder' | undefined> {
  try {
    return await inspectBuilder(tag, { images: deps.images, keychain: deps.keychain, ...(deps.signal ? { signal: deps.signal } : {}) });
  } catch (error) {
    if (isNothingThere(error)) return undefined;
    if (error instanceof CnbFormatError) return 'not a builder';
    throw error;
  }
}

async function builderEntry(outcome: LocalOutcome, deps: PlanDeps): Promise<PlanEntry> {
  const { resource } = outcome;
  if (resource.kind !== 'Builder' && resource.kind !== 'ClusterBuilder') throw new Error(`not a builder: ${resource.kind}`);
  const { name, namespace } = resource.metadata;
  const record = outcome.record;
  if (!outcome.ok || record === undefined || resource.spec.tag === undefined) {
    return { resource, action: 'fail', changes: [], reason: outcome.summary };
  }
  const tag = resolveBuilderTag(resource.spec.tag, { kind: resource.kind, name, ...(namespace ? { namespace } : {}) });
  const image = record.latestImage;
  const digest = image.slice(image.lastIndexOf('@') + 1) as Digest;
  if (outcome.pushed === false) return { resource, action: 'unchanged', tag, image, current: digest, changes: [] };
  const current = await currentBuilder(tag, deps);
  if (current === undefined) return { resource, action: 'create', tag, image, changes: [] };
  if (current === 'not a builder') return { resource, action: 'rebuild', tag, image, changes: ['the tag holds an image that is not a builder'] };
  const currentDigest = current.identifier.slice(current.identifier.lastIndexOf('@') + 1) as Digest;
  return { resource, action: 'rebuild', tag, image, current: currentDigest, changes: builderChanges(current, record, createdBy) };
}

/** The plan for `resources` (builders in the order given, after any dependency that would fail). */
export async function planLocalBuild(resources: readonly LocalResource[], deps: PlanDeps): Promise<PlanEntry[]> {
  const dry = dryRunImages(deps.images);
  const outcomes = await localBuild(resources, { ...deps, images: dry.images });
  const failedDependencies = outcomes
    .filter((o) => !isBuilder(o) && !o.ok)
    .map((o): PlanEntry => ({ resource: o.resource, action: 'fail', changes: [], reason: o.summary }));
  const builders = await Promise.all(outcomes.filter(isBuilder).map((o) => builderEntry(o, deps)));
  return [...failedDependencies, ...builders];
}
