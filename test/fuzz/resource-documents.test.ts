// Hostile YAML for local mode (`packsmith build -f`): parseResourceDocuments must turn any text into
// resources plus document problems without throwing (alias bombs, unresolved aliases, deep nesting,
// thousands of documents included), and validateResource must turn any resource into a list of
// issues, each with a path, without throwing. Near-valid resources are valid kpack documents with
// one field replaced.
import fc from 'fast-check';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseResourceDocuments, validateResource, type KubeObject } from '../../src/api/index.ts';
import { localReferenceChecks } from '../../src/compose.ts';
import { resourcesYaml } from '../app/fixtures.ts';
import { mutatedDocument } from './mutate-json.ts';

const validText = resourcesYaml({
  web: 'registry.test/store/web:1',
  ruby: 'registry.test/store/ruby:1',
  build: 'registry.test/stack/build:1',
  run: 'registry.test/stack/run:1',
  lifecycle: 'registry.test/lifecycle:1',
  builders: 'registry.test/builders/app',
});
const validResources = parseResourceDocuments(validText, 'valid.yaml').resources.map((r) => r.resource);

/** Parses and validates `text`; fails the property on any throw or a malformed result. */
function readAll(text: string): { resources: number; problems: number; issues: number } {
  const { resources, problems } = parseResourceDocuments(text, 'fuzz.yaml');
  for (const problem of problems) expect(problem.message.length).toBeGreaterThan(0);
  let issues = 0;
  for (const { resource } of resources) {
    const found = validateResource(resource, localReferenceChecks);
    for (const issue of found) expect(typeof issue.path).toBe('string');
    issues += found.length;
  }
  return { resources: resources.length, problems: problems.length, issues };
}

const yamlAlphabet = fc.constantFrom(
  'a',
  'k',
  ':',
  ' ',
  '\n',
  '-',
  '[',
  ']',
  '{',
  '}',
  '&',
  '*',
  '!',
  '?',
  '|',
  '>',
  '#',
  '"',
  "'",
  ',',
  '%',
  '@',
  '`',
  '1',
  '.',
  '\t',
  'kind',
  'spec',
  'apiVersion: kpack.io/v1alpha2',
  '---\n',
);

describe('parseResourceDocuments + validateResource on hostile input', () => {
  it('random YAML-ish text gives resources and problems, never a throw', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: yamlAlphabet, maxLength: 80 }), fc.string({ maxLength: 200 })), (text) => void readAll(text)),
      { numRuns: 3000 },
    );
  });

  it('near-valid kpack resources give issues with paths, never a throw', () => {
    const outcomes = { valid: 0, invalid: 0 };
    const mutated = fc.constantFrom(...validResources).chain((resource) => mutatedDocument(resource));
    fc.assert(
      fc.property(mutated, (resource) => {
        const text = stringify(resource);
        const result = readAll(text);
        if (result.resources === 1 && result.issues === 0) outcomes.valid++;
        else outcomes.invalid++;
        // The same object handed over directly (no YAML round trip), as the controller would.
        if (typeof resource === 'object' && resource !== null && !Array.isArray(resource)) {
          expect(Array.isArray(validateResource(resource as KubeObject, localReferenceChecks))).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
    expect(outcomes.valid).toBeGreaterThan(0);
    expect(outcomes.invalid).toBeGreaterThan(0);
  });

  // How long these inputs take is measured in bench/hostile-inputs.ts; here: what comes out of them.
  it('an alias bomb (billion laughs) is a document problem', () => {
    const levels = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i++) levels.push(`l${i}: &l${i} [${Array.from({ length: 10 }, () => (i === 1 ? '*a' : `*l${i - 1}`)).join(',')}]`);
    const { resources, problems } = parseResourceDocuments(`apiVersion: kpack.io/v1alpha2\nkind: Builder\n${levels.join('\n')}\n`, 'bomb.yaml');
    expect(resources).toEqual([]);
    expect(problems).toEqual([{ origin: 'bomb.yaml#1', message: expect.stringMatching(/^not valid YAML: .*alias/i) as unknown }]);
  });

  it('an unresolved alias is a document problem, and later documents are still read', () => {
    const { resources, problems } = parseResourceDocuments(`kind: List\nitems: *nowhere\n---\n${validText}`, 'alias.yaml');
    expect(problems.map((p) => p.origin)).toEqual(['alias.yaml#1']);
    expect(problems[0]?.message).toMatch(/^not valid YAML: .*alias/i);
    expect(resources.length).toBe(validResources.length);
  });

  it('deep nesting, many documents and huge scalars give problems or resources, without a throw', () => {
    const cases: Array<[string, { resources: number; problems: number; issues: number }]> = [
      // Too deep for the YAML parser: one document problem each.
      [`spec: ${'['.repeat(20_000)}${']'.repeat(20_000)}`, { resources: 0, problems: 1, issues: 0 }],
      [`spec:\n${Array.from({ length: 2000 }, (_v, i) => `${' '.repeat(i + 1)}k${i}:`).join('\n')} x`, { resources: 0, problems: 1, issues: 0 }],
      // Empty documents are skipped.
      ['---\n'.repeat(20_000), { resources: 0, problems: 0, issues: 0 }],
      // A Builder with a megabyte name and tag: read, with two validation issues.
      [
        `apiVersion: kpack.io/v1alpha2\nkind: Builder\nmetadata: {name: ${'n'.repeat(1 << 20)}}\nspec: {tag: ${'t'.repeat(1 << 20)}}`,
        { resources: 1, problems: 0, issues: 2 },
      ],
      [
        `kind: List\nitems:\n${'- {apiVersion: kpack.io/v1alpha2, kind: ClusterStore, metadata: {name: s}, spec: {sources: [{image: x}]}}\n'.repeat(5000)}`,
        { resources: 5000, problems: 0, issues: 0 },
      ],
    ];
    for (const [text, outcome] of cases) expect(readAll(text), text.slice(0, 40)).toEqual(outcome);
  }, 60_000);
});
