/**
 * Checks a resource's envelope and the shape of its spec against the kind's schema: known
 * apiVersion and kind, a name, and no misspelt or mistyped fields.
 */
import type { z } from 'zod';
import { issue, type FieldIssue } from './field-issues.ts';
import { apiGroup, kindInfo, type KindInfo } from './kinds.ts';
import type { KpackResource } from './resource.ts';

/** Renders a zod path such as ['order', 0, 'group'] as `spec.order[0].group`. */
export function formatPath(base: string, path: ReadonlyArray<PropertyKey>): string {
  return path.reduce<string>((out, part) => (typeof part === 'number' ? `${out}[${part}]` : `${out}.${String(part)}`), base);
}

function zodIssueToField(base: string, zi: z.core.$ZodIssue): FieldIssue[] {
  if (zi.code === 'unrecognized_keys') {
    return zi.keys.map((key) =>
      issue.unknown(formatPath(base, [...zi.path, key]), `"${key}" is not a field here; check its spelling and indentation`),
    );
  }
  const path = formatPath(base, zi.path);
  return [issue.invalid(path, '', zi.message.replace(/^Invalid input: /, ''))];
}

/** Envelope problems (apiVersion, kind, name); returns the kind's info when it is usable. */
export function checkEnvelope(resource: KpackResource): { info?: KindInfo; version?: 'v1alpha1' | 'v1alpha2'; issues: FieldIssue[] } {
  const issues: FieldIssue[] = [];
  const info = kindInfo(resource.kind);
  if (!info) {
    issues.push(issue.invalid('kind', resource.kind, 'packsmith handles ClusterStore, ClusterStack, ClusterLifecycle, Buildpack, ClusterBuildpack, Builder and ClusterBuilder'));
  }
  const [group, version] = String(resource.apiVersion).split('/');
  const knownVersion = version === 'v1alpha1' || version === 'v1alpha2' ? version : undefined;
  if (group !== apiGroup || !knownVersion) {
    issues.push(issue.invalid('apiVersion', resource.apiVersion, 'use kpack.io/v1alpha2 (or kpack.io/v1alpha1 for the kinds that had it)'));
  } else if (info && !info.versions[knownVersion]) {
    issues.push(issue.invalid('apiVersion', resource.apiVersion, `${info.kind} exists only in kpack.io/v1alpha2`));
  }
  if (!resource.metadata?.name) issues.push(issue.missing('metadata.name', 'give the resource a name'));
  return { info, version: knownVersion, issues };
}

/** Shape problems of `spec` for the kind's schema in `version`. */
export function checkSpecShape(info: KindInfo, version: 'v1alpha1' | 'v1alpha2', spec: unknown): FieldIssue[] {
  const schemas = info.versions[version];
  if (!schemas) return [];
  if (spec === undefined || spec === null) return [issue.missing('spec', `a ${info.kind} needs a spec`)];
  const result = schemas.spec.safeParse(spec);
  return result.success ? [] : result.error.issues.flatMap((zi) => zodIssueToField('spec', zi));
}
