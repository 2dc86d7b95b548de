/** Helpers shared by the per-kind validation rules. */
import type { ObjectReference } from './common.ts';
import { issue, type FieldIssue } from './field-issues.ts';

/** Reference checks supplied by the caller (the API layer does not parse image references itself). */
export interface ReferenceChecks {
  /** A problem with an image reference (tag or digest form), or undefined when it is fine. */
  image(reference: string): string | undefined;
  /** A problem with a reference that must be a tag (not a digest), or undefined when it is fine. */
  tag(reference: string): string | undefined;
}

/** Minimal checks for when no image-reference parser is at hand: non-empty, no spaces. */
export const basicReferenceChecks: ReferenceChecks = {
  image: (r) => (/^\S+$/.test(r) ? undefined : 'not an image reference'),
  tag: (r) => (/^\S+$/.test(r) && !r.includes('@') ? undefined : 'must be a tag reference such as registry.example.com/team/builder:tag'),
};

/** An object reference as the schemas type it. */
export type Ref = ObjectReference;

/** The value when it is a non-empty string. */
export function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** A required image reference at `path`. */
export function checkImage(path: string, value: unknown, checks: ReferenceChecks, what: string): FieldIssue[] {
  const text = str(value);
  if (!text) return [issue.missing(path, `name the ${what} image, e.g. registry.example.com/team/image:tag`)];
  const problem = checks.image(text);
  return problem ? [issue.invalid(path, text, problem)] : [];
}

/** `serviceAccountRef`: name and namespace when present (or when required). */
export function checkServiceAccountRef(spec: { serviceAccountRef?: Ref | undefined }, required: boolean): FieldIssue[] {
  const ref = spec.serviceAccountRef;
  if (!ref) return required ? [issue.missing('spec.serviceAccountRef', 'name a service account: { name, namespace }')] : [];
  const issues: FieldIssue[] = [];
  if (!ref.name) issues.push(issue.missing('spec.serviceAccountRef.name', 'name the service account whose secrets hold the registry credentials'));
  if (!ref.namespace) issues.push(issue.missing('spec.serviceAccountRef.namespace', 'give the namespace of that service account'));
  return issues;
}
