/**
 * Validates kpack.io resources with kpack's rules and messages, reporting every problem at once
 * (kpack stops early in places: deliberate difference D-f), plus packsmith's own checks: duplicate
 * store sources, one id twice in an order group, and tags the registry would refuse.
 */
import { convertResource } from './convert.ts';
import { issue, type FieldIssue } from './field-issues.ts';
import { parseAnyResource } from './parse-resource.ts';
import { isInvalid, type AnyResource, type KubeObject } from './resource.ts';
import type { ClusterStackSpec, ClusterStoreSpec } from './v1alpha2.ts';
import { builderRules, clusterBuilderRules } from './validate-builder.ts';
import { basicReferenceChecks, checkImage, checkServiceAccountRef, type ReferenceChecks } from './validate-common.ts';
import { checkEnvelope, checkSpecShape } from './validate-shape.ts';
import { checkUpdatePolicy, type PolicyImage } from './validate-update-policy.ts';

export { basicReferenceChecks, type ReferenceChecks } from './validate-common.ts';

function checkStore(spec: ClusterStoreSpec, checks: ReferenceChecks): FieldIssue[] {
  const sources = spec.sources ?? [];
  if (sources.length === 0) return [issue.missing('spec.sources', 'list at least one buildpackage image: sources: [{ image: ... }]')];
  const seen = new Map<string, number>();
  return sources.flatMap((source, i) => {
    const path = `spec.sources[${i}]`;
    const found = checkImage(`${path}.image`, source.image, checks, 'buildpackage');
    const image = source.image;
    if (image && seen.has(image)) found.push(issue.invalid(path, image, `duplicate of spec.sources[${seen.get(image)}]; remove one`));
    if (image && !seen.has(image)) seen.set(image, i);
    return found;
  });
}

function checkStack(spec: ClusterStackSpec, checks: ReferenceChecks): FieldIssue[] {
  const issues: FieldIssue[] = [];
  if (!spec.id) issues.push(issue.missing('spec.id', 'give the stack id both images carry in io.buildpacks.stack.id'));
  issues.push(...checkImage('spec.buildImage.image', spec.buildImage?.image, checks, 'build'));
  issues.push(...checkImage('spec.runImage.image', spec.runImage?.image, checks, 'run'));
  return issues;
}

/** The images a resource with an update policy follows, with their spec paths. */
function policyImages(resource: AnyResource): PolicyImage[] {
  switch (resource.kind) {
    case 'ClusterStore':
      return (resource.spec.sources ?? []).map((s, i) => ({ path: `spec.sources[${i}].image`, image: s.image }));
    case 'ClusterStack':
      return [
        { path: 'spec.buildImage.image', image: resource.spec.buildImage?.image },
        { path: 'spec.runImage.image', image: resource.spec.runImage?.image },
      ];
    case 'Builder':
    case 'ClusterBuilder':
      return [];
    default:
      return [{ path: 'spec.image', image: resource.spec.image }];
  }
}

/** kpack's rules (and packsmith's additions) for a resource whose spec has the right shape. */
function kpackRulesOf(resource: AnyResource, checks: ReferenceChecks): FieldIssue[] {
  switch (resource.kind) {
    case 'ClusterStore':
      return [...checkServiceAccountRef(resource.spec, false), ...checkStore(resource.spec, checks)];
    case 'ClusterStack':
      return [...checkServiceAccountRef(resource.spec, false), ...checkStack(resource.spec, checks)];
    case 'ClusterLifecycle':
      return [...checkServiceAccountRef(resource.spec, false), ...checkImage('spec.image', resource.spec.image, checks, 'lifecycle')];
    case 'Buildpack':
      return checkImage('spec.image', resource.spec.image, checks, 'buildpackage');
    case 'ClusterBuildpack':
      return [...checkServiceAccountRef(resource.spec, false), ...checkImage('spec.image', resource.spec.image, checks, 'buildpackage')];
    case 'Builder':
      return builderRules(resource.spec, checks, { kind: 'Builder', name: resource.metadata.name, namespace: resource.metadata.namespace ?? 'default' });
    case 'ClusterBuilder':
      return clusterBuilderRules(resource.spec, checks, resource.metadata.name);
  }
}

function rulesOf(resource: AnyResource, checks: ReferenceChecks): FieldIssue[] {
  const policy = resource.kind === 'Builder' || resource.kind === 'ClusterBuilder' ? undefined : resource.spec.updatePolicy;
  return [...kpackRulesOf(resource, checks), ...checkUpdatePolicy(policy, policyImages(resource))];
}

/**
 * Every problem with `resource` (defaults should be applied first, as the API server does). An empty
 * list means the resource is valid. The rules read the typed v1alpha2 spec: a v1alpha1 spec of the
 * right shape converts to one with the same paths.
 */
export function validateResource(resource: KubeObject, checks: ReferenceChecks = basicReferenceChecks): FieldIssue[] {
  const envelope = checkEnvelope(resource);
  if (!envelope.info || !envelope.version) return envelope.issues;
  // With the rejected fields left out, the rules still run: one round reports every problem.
  const { issues: shape, usable: spec } = checkSpecShape(envelope.info, envelope.version, resource.spec);
  if (spec === undefined) return [...envelope.issues, ...shape];
  const typed = parseAnyResource(envelope.info.kind, convertResource({ ...resource, spec }, 'kpack.io/v1alpha2'));
  if (isInvalid(typed)) return [...envelope.issues, ...(shape.length > 0 ? shape : typed.problems.map((problem) => issue.invalid('spec', '', problem)))];
  // A field the shape check rejected is reported once, by it, not again as missing.
  const covered = (path: string): boolean => shape.some((s) => path === s.path || path.startsWith(`${s.path}.`) || path.startsWith(`${s.path}[`));
  return [...envelope.issues, ...shape, ...rulesOf(typed, checks).filter((i) => !covered(i.path))];
}
