/**
 * Checks a resource's envelope and the shape of its spec against the kind's schema: known
 * apiVersion and kind, a name, and no misspelt or mistyped fields.
 */
import type { z } from 'zod';
import { issue, type FieldIssue } from './field-issues.ts';
import { apiGroup, kindInfo, type KindInfo } from './kinds.ts';
import type { KubeObject } from './resource.ts';

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

function versionIssues(apiVersion: string, info: KindInfo | undefined): { version?: 'v1alpha1' | 'v1alpha2'; issues: FieldIssue[] } {
  const [group, version] = apiVersion.split('/');
  const known = version === 'v1alpha1' || version === 'v1alpha2' ? version : undefined;
  if (group !== apiGroup || !known) return { issues: [issue.invalid('apiVersion', apiVersion, 'use kpack.io/v1alpha2 (or kpack.io/v1alpha1 for the kinds that had it)')] };
  if (info && !info.versions[known]) return { version: known, issues: [issue.invalid('apiVersion', apiVersion, `${info.kind} exists only in kpack.io/v1alpha2`)] };
  return { version: known, issues: [] };
}

/** Envelope problems (apiVersion, kind, name); returns the kind's info when it is usable. */
export function checkEnvelope(resource: KubeObject): { info?: KindInfo; version?: 'v1alpha1' | 'v1alpha2'; issues: FieldIssue[] } {
  const kind = resource.kind ?? '';
  const info = kindInfo(kind);
  const issues: FieldIssue[] = [];
  if (!info) {
    issues.push(issue.invalid('kind', kind, 'packsmith handles ClusterStore, ClusterStack, ClusterLifecycle, Buildpack, ClusterBuildpack, Builder and ClusterBuilder'));
  }
  const version = versionIssues(resource.apiVersion ?? '', info);
  issues.push(...version.issues);
  if (!resource.metadata?.name) issues.push(issue.missing('metadata.name', 'give the resource a name'));
  return { info, version: version.version, issues };
}

/** Shape problems of `spec` for the kind's schema in `version`. */
export function checkSpecShape(info: KindInfo, version: 'v1alpha1' | 'v1alpha2', spec: unknown): FieldIssue[] {
  const schemas = info.versions[version];
  if (!schemas) return [];
  if (spec === undefined || spec === null) return [issue.missing('spec', `a ${info.kind} needs a spec`)];
  const result = schemas.spec.safeParse(spec);
  return result.success ? [] : result.error.issues.flatMap((zi) => zodIssueToField('spec', zi));
}
