/**
 * Validation results for resources: each issue carries the field path, a kind of problem that maps
 * onto kpack's (knative) messages, and a human message that says how to fix it.
 */
import type { ValidationIssue } from '../shared/index.ts';

/** The kinds of problem kpack's webhook distinguishes, plus unknown fields. */
export type FieldIssueKind = 'missing' | 'invalid' | 'disallowed' | 'one-of' | 'unknown';

/** One problem with one field of a resource. */
export interface FieldIssue extends ValidationIssue {
  kind: FieldIssueKind;
  /** The offending value, as kpack prints it in `invalid value: <value>`. */
  value?: string;
}

/** Builds issues without repeating the field names at every call site. */
export const issue = {
  missing: (path: string, message: string): FieldIssue => ({ kind: 'missing', path, message }),
  invalid: (path: string, value: string, message: string): FieldIssue => ({ kind: 'invalid', path, value, message }),
  disallowed: (path: string, message: string): FieldIssue => ({ kind: 'disallowed', path, message }),
  oneOf: (path: string, message: string): FieldIssue => ({ kind: 'one-of', path, message }),
  unknown: (path: string, message: string): FieldIssue => ({ kind: 'unknown', path, message }),
};

const knativeLead: Record<FieldIssueKind, (i: FieldIssue) => string> = {
  missing: () => 'missing field(s)',
  invalid: (i) => `invalid value: ${i.value ?? ''}`,
  disallowed: () => 'must not set the field(s)',
  'one-of': () => 'expected exactly one, got neither',
  unknown: () => 'unknown field(s)',
};

/**
 * Renders issues the way kpack's webhook does (`missing field(s): spec.tag`), one line per issue,
 * sorted, each followed by our explanation, so that both kpack-trained eyes and newcomers can act.
 */
export function formatFieldIssues(issues: readonly FieldIssue[]): string {
  return issues
    .map((i) => `${knativeLead[i.kind](i)}: ${i.path}\n  ${i.message}`)
    .sort()
    .join('\n');
}
