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
 * Renders issues the way kpack's webhook does: problems with the same lead are one line with their
 * paths sorted and joined (`missing field(s): spec.buildImage.image, spec.id`), lines sorted. Under
 * each line, our explanation (prefixed with its path when the line names several), so that both
 * kpack-trained eyes and newcomers can act.
 */
export function formatFieldIssues(issues: readonly FieldIssue[]): string {
  const byLead = new Map<string, FieldIssue[]>();
  for (const i of issues) {
    const lead = knativeLead[i.kind](i);
    byLead.set(lead, [...(byLead.get(lead) ?? []), i]);
  }
  return [...byLead]
    .map(([lead, group]) => {
      const sorted = [...group].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
      const paths = [...new Set(sorted.map((i) => i.path))].join(', ');
      const hints = sorted.map((i) => (sorted.length === 1 ? `  ${i.message}` : `  ${i.path}: ${i.message}`));
      return `${lead}: ${paths}\n${hints.join('\n')}`;
    })
    .sort()
    .join('\n');
}
