/**
 * Validation rules of Builder and ClusterBuilder specs: tag, stack, store, order references and
 * credentials. Paths always start with `spec.` (kpack omits it for ClusterBuilder).
 */
import { issue, type FieldIssue } from './field-issues.ts';
import type { BuilderBuildpackRef, BuilderSpec, ClusterBuilderSpec } from './v1alpha2.ts';
import { checkServiceAccountRef, str, type ReferenceChecks, type Ref } from './validate-common.ts';

type Spec = BuilderSpec | ClusterBuilderSpec;

/** Which builder a spec belongs to: kpack's generated tag is made from it. */
export interface BuilderIdentity {
  kind: 'Builder' | 'ClusterBuilder';
  name: string;
  namespace?: string;
}

/** Docker's limit on a tag's length. */
const maxTagLength = 128;

/**
 * kpack pushes a builder whose tag is `latest` (given or implied) to `builder-<namespace>-<name>`
 * (`clusterbuilder-<name>`); a long name makes that longer than a tag may be, which kpack finds only
 * at push. Said at admission instead, with the fix.
 */
function checkGeneratedTag(tag: string, builder: BuilderIdentity): FieldIssue[] {
  const lastSegment = tag.replace(/^oci:/, '').split('/').at(-1) ?? '';
  const tagged = lastSegment.includes(':');
  if (tagged && !lastSegment.endsWith(':latest')) return [];
  const generated = builder.kind === 'ClusterBuilder' ? `clusterbuilder-${builder.name}` : `builder-${builder.namespace ?? 'default'}-${builder.name}`;
  if (generated.length <= maxTagLength) return [];
  const base = tagged ? tag.slice(0, tag.lastIndexOf(':')) : tag;
  const message = `its latest tag becomes the generated tag ${generated.slice(0, 40)}…, ${generated.length} characters (at most ${maxTagLength}): give an explicit tag, e.g. ${base}:v1`;
  return [issue.invalid('spec.tag', tag, message)];
}

function checkTag(spec: Spec, checks: ReferenceChecks, builder: BuilderIdentity): FieldIssue[] {
  const tag = str(spec.tag);
  if (!tag) return [issue.missing('spec.tag', 'give the tag to push the builder to, e.g. registry.example.com/team/builder')];
  const problem = checks.tag(tag);
  return problem ? [issue.invalid('spec.tag', tag, problem)] : checkGeneratedTag(tag, builder);
}

function checkObjectRef(path: string, ref: Ref | undefined, allowed: readonly string[], required: boolean): FieldIssue[] {
  if (!ref || (!ref.name && !ref.kind)) return required ? [issue.missing(`${path}.name`, `name the ${allowed.join(' or ')} to use`)] : [];
  const issues: FieldIssue[] = [];
  if (ref.kind && !allowed.includes(ref.kind)) issues.push(issue.invalid(`${path}.kind`, ref.kind, `must be one of ${allowed.join(', ')}`));
  if (!ref.name) issues.push(issue.missing(`${path}.name`, `name the ${ref.kind ?? allowed.join(' or ')} to use`));
  return issues;
}

function checkOrderRef(path: string, ref: BuilderBuildpackRef): FieldIssue[] {
  if (ref.image)
    return [
      issue.disallowed(
        `${path}.image`,
        'image references in an order are not supported; add the buildpackage to a store, Buildpack or ClusterBuildpack and refer to it by id',
      ),
    ];
  if (ref.name || ref.kind) return checkObjectRef(path, ref, ['Buildpack', 'ClusterBuildpack'], true);
  if (!ref.id)
    return [issue.oneOf(`${path}.id, ${path}.image, ${path}.name + kind`, 'give a buildpack id, or kind and name of a Buildpack or ClusterBuildpack')];
  return [];
}

function checkOrder(spec: Spec): FieldIssue[] {
  return (spec.order ?? []).flatMap((entry, i) => {
    const seen = new Map<string, number>();
    return (entry.group ?? []).flatMap((ref, j) => {
      const path = `spec.order[${i}].group[${j}]`;
      const found = checkOrderRef(path, ref);
      const earlier = ref.id ? seen.get(ref.id) : undefined;
      if (ref.id && earlier !== undefined) {
        found.push(issue.invalid(`${path}.id`, ref.id, `already listed at spec.order[${i}].group[${earlier}]; a group may list an id only once`));
      } else if (ref.id) seen.set(ref.id, j);
      return found;
    });
  });
}

const platformName = /^[a-z0-9][a-z0-9._-]*$/;

function checkTargetField(path: string, value: string | undefined, required: boolean, example: string): FieldIssue[] {
  if (value === undefined || value === '') return required ? [issue.missing(path, `name the ${example}`)] : [];
  return platformName.test(value) ? [] : [issue.invalid(path, value, `must be a lowercase platform name like ${example.split(', e.g. ')[1] ?? ''}`)];
}

// arm64's variant v8 is its default: `linux/arm64` and `linux/arm64/v8` are one target.
const targetKey = (t: { os?: string; arch?: string; variant?: string }): string =>
  `${t.os ?? ''}/${t.arch ?? ''}/${t.arch === 'arm64' && t.variant === 'v8' ? '' : (t.variant ?? '')}`;

/** packsmith's `spec.targets`: at least one when given, each with os and arch, none twice. */
function checkTargets(spec: Spec): FieldIssue[] {
  if (spec.targets === undefined) return [];
  if (spec.targets.length === 0)
    return [issue.invalid('spec.targets', '[]', 'list at least one target, or leave targets out to build for every platform the stack provides')];
  const seen = new Map<string, number>();
  return spec.targets.flatMap((target, i) => {
    const path = `spec.targets[${i}]`;
    const found = [
      ...checkTargetField(`${path}.os`, target.os, true, 'operating system, e.g. linux'),
      ...checkTargetField(`${path}.arch`, target.arch, true, 'architecture, e.g. amd64 or arm64'),
      ...checkTargetField(`${path}.variant`, target.variant, false, 'variant, e.g. v8'),
    ];
    const earlier = seen.get(targetKey(target));
    if (earlier !== undefined) found.push(issue.invalid(path, targetKey(target).replace(/\/$/, ''), `already listed at spec.targets[${earlier}]`));
    else seen.set(targetKey(target), i);
    return found;
  });
}

/** Every problem of a Builder (`kind` Builder) or ClusterBuilder spec. */
export function builderRules(spec: Spec, checks: ReferenceChecks, builder: BuilderIdentity): FieldIssue[] {
  return [
    ...checkTag(spec, checks, builder),
    ...checkObjectRef('spec.stack', spec.stack, ['ClusterStack'], true),
    // A store with a kind and no name is kpack's default for "no store".
    ...checkObjectRef('spec.store', spec.store?.name ? spec.store : undefined, ['ClusterStore'], false),
    ...(spec.store && !spec.store.name && spec.store.kind && spec.store.kind !== 'ClusterStore'
      ? [issue.invalid('spec.store.kind', spec.store.kind, 'must be one of ClusterStore')]
      : []),
    ...checkOrder(spec),
    ...checkTargets(spec),
  ];
}

/** ClusterBuilder: its credentials come only from `serviceAccountRef`, so it is required. */
export function clusterBuilderRules(spec: ClusterBuilderSpec, checks: ReferenceChecks, name: string): FieldIssue[] {
  return [...checkServiceAccountRef(spec, true), ...builderRules(spec, checks, { kind: 'ClusterBuilder', name })];
}
