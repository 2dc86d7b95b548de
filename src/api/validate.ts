/**
 * Validates kpack.io resources with kpack's rules and messages, reporting every problem at once
 * (kpack stops early in places: deliberate difference D-f), plus packsmith's own checks: duplicate
 * store sources, one id twice in an order group, and tags the registry would refuse.
 */
import { issue, type FieldIssue } from './field-issues.ts';
import type { KubeObject } from './resource.ts';
import { builderRules } from './validate-builder.ts';
import { basicReferenceChecks, checkImage, checkServiceAccountRef, str, type ReferenceChecks, type Spec } from './validate-common.ts';
import { checkEnvelope, checkSpecShape } from './validate-shape.ts';

export { basicReferenceChecks, type ReferenceChecks } from './validate-common.ts';

function checkStore(spec: Spec, checks: ReferenceChecks): FieldIssue[] {
  const sources = Array.isArray(spec.sources) ? (spec.sources as Array<{ image?: unknown }>) : [];
  if (sources.length === 0) return [issue.missing('spec.sources', 'list at least one buildpackage image: sources: [{ image: ... }]')];
  const seen = new Map<string, number>();
  return sources.flatMap((source, i) => {
    const path = `spec.sources[${i}]`;
    const found = checkImage(`${path}.image`, source.image, checks, 'buildpackage');
    const image = str(source.image);
    if (image && seen.has(image)) found.push(issue.invalid(path, image, `duplicate of spec.sources[${seen.get(image)}]; remove one`));
    if (image && !seen.has(image)) seen.set(image, i);
    return found;
  });
}

function checkStack(spec: Spec, checks: ReferenceChecks): FieldIssue[] {
  const issues: FieldIssue[] = [];
  if (!str(spec.id)) issues.push(issue.missing('spec.id', 'give the stack id both images carry in io.buildpacks.stack.id'));
  issues.push(...checkImage('spec.buildImage.image', (spec.buildImage as Spec | undefined)?.image, checks, 'build'));
  issues.push(...checkImage('spec.runImage.image', (spec.runImage as Spec | undefined)?.image, checks, 'run'));
  return issues;
}

const kindRules: Record<string, (spec: Spec, checks: ReferenceChecks) => FieldIssue[]> = {
  ClusterStore: (spec, checks) => [...checkServiceAccountRef(spec, false), ...checkStore(spec, checks)],
  ClusterStack: (spec, checks) => [...checkServiceAccountRef(spec, false), ...checkStack(spec, checks)],
  ClusterLifecycle: (spec, checks) => [...checkServiceAccountRef(spec, false), ...checkImage('spec.image', spec.image, checks, 'lifecycle')],
  Buildpack: (spec, checks) => checkImage('spec.image', spec.image, checks, 'buildpackage'),
  ClusterBuildpack: (spec, checks) => [...checkServiceAccountRef(spec, false), ...checkImage('spec.image', spec.image, checks, 'buildpackage')],
};

/**
 * Every problem with `resource` (defaults should be applied first, as the API server does). An empty
 * list means the resource is valid.
 */
export function validateResource(resource: KubeObject, checks: ReferenceChecks = basicReferenceChecks): FieldIssue[] {
  const envelope = checkEnvelope(resource);
  if (!envelope.info || !envelope.version) return envelope.issues;
  const shape = checkSpecShape(envelope.info, envelope.version, resource.spec);
  if (shape.length > 0) return [...envelope.issues, ...shape];
  const spec = resource.spec as Spec;
  const kind = envelope.info.kind;
  const rules = kindRules[kind] ?? ((s: Spec, c: ReferenceChecks) => builderRules(kind, s, c));
  return [...envelope.issues, ...rules(spec, checks)];
}
