/**
 * Validation rules of Builder and ClusterBuilder specs: tag, stack, store, order references and
 * credentials. Paths always start with `spec.` (kpack omits it for ClusterBuilder).
 */
import { issue, type FieldIssue } from './field-issues.ts';
import type { BuilderBuildpackRef, BuilderSpec, ClusterBuilderSpec } from './v1alpha2.ts';
import { checkServiceAccountRef, str, type ReferenceChecks, type Ref } from './validate-common.ts';

type Spec = BuilderSpec | ClusterBuilderSpec;

function checkTag(spec: Spec, checks: ReferenceChecks): FieldIssue[] {
  const tag = str(spec.tag);
  if (!tag) return [issue.missing('spec.tag', 'give the tag to push the builder to, e.g. registry.example.com/team/builder')];
  const problem = checks.tag(tag);
  return problem ? [issue.invalid('spec.tag', tag, problem)] : [];
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

/** Every problem of a Builder (`kind` Builder) or ClusterBuilder spec. */
export function builderRules(spec: Spec, checks: ReferenceChecks): FieldIssue[] {
  return [
    ...checkTag(spec, checks),
    ...checkObjectRef('spec.stack', spec.stack, ['ClusterStack'], true),
    ...checkObjectRef('spec.store', spec.store, ['ClusterStore'], false),
    ...checkOrder(spec),
  ];
}

/** ClusterBuilder: its credentials come only from `serviceAccountRef`, so it is required. */
export function clusterBuilderRules(spec: ClusterBuilderSpec, checks: ReferenceChecks): FieldIssue[] {
  return [...checkServiceAccountRef(spec, true), ...builderRules(spec, checks)];
}
