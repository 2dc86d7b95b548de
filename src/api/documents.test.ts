import { describe, expect, it } from 'vitest';
import { maxProblemsPerText, parseResourceDocuments } from './documents.ts';

describe('parseResourceDocuments', () => {
  it('reads multi-document YAML and List wrappers, skipping empty documents', () => {
    const text = [
      'apiVersion: kpack.io/v1alpha2\nkind: ClusterStore\nmetadata: {name: a}\nspec: {sources: [{image: r/a}]}',
      '',
      'apiVersion: v1\nkind: List\nitems:\n- {apiVersion: kpack.io/v1alpha2, kind: ClusterStack, metadata: {name: s}}',
    ].join('\n---\n');
    const { resources, problems } = parseResourceDocuments(text, 'all.yaml');
    expect(problems).toEqual([]);
    expect(resources.map((r) => [r.resource.kind, r.resource.metadata.name, r.origin])).toEqual([
      ['ClusterStore', 'a', 'all.yaml#1'],
      ['ClusterStack', 's', 'all.yaml#3.items[0]'],
    ]);
  });

  it('reports bad YAML and non-objects with their origin and keeps the rest', () => {
    const { resources, problems } = parseResourceDocuments('a: [\n---\n- 1\n---\napiVersion: kpack.io/v1alpha2\nkind: Builder\nmetadata: {name: b}', 'x.yaml');
    expect(problems.map((p) => p.origin)).toEqual(['x.yaml#1', 'x.yaml#2']);
    expect(problems[0]?.message).toMatch(/not valid YAML/);
    expect(resources).toHaveLength(1);
  });

  it('reads YAML 1.1 so that yes/no stay strings only when quoted, as kubectl does', () => {
    const { resources } = parseResourceDocuments('apiVersion: kpack.io/v1alpha2\nkind: Builder\nmetadata: {name: b, labels: {x: "yes"}}', 'y');
    expect(resources[0]?.resource.metadata.labels).toEqual({ x: 'yes' });
  });

  it('says which envelope field is missing, and where a YAML error is', () => {
    const { problems } = parseResourceDocuments(
      'kind: Builder\nmetadata: {name: a}\n---\napiVersion: kpack.io/v1alpha2\n---\nmetadata: {}\n---\na: 1\nb: [1,\n',
      'm.yaml',
    );
    expect(problems.map((p) => `${p.origin} ${p.message}`)).toEqual([
      'm.yaml#1 missing apiVersion',
      'm.yaml#2 missing kind',
      'm.yaml#3 missing apiVersion and kind',
      expect.stringMatching(/^m\.yaml#4 not valid YAML at line \d+: [^\n]+$/) as unknown,
    ]);
  });

  it('reports binary content in one line, never its bytes', () => {
    const { resources, problems } = parseResourceDocuments('PK\u0003\u0004\u0000\u0000\u0008garbage', 'app.zip');
    expect(resources).toEqual([]);
    expect(problems).toEqual([{ origin: 'app.zip', message: 'not YAML: binary content' }]);
  });

  it('lists at most maxProblemsPerText problems of one text and counts the rest', () => {
    const text = Array.from({ length: maxProblemsPerText + 5 }, () => '- not an object').join('\n---\n');
    const { problems } = parseResourceDocuments(text, 'many.yaml');
    expect(problems).toHaveLength(maxProblemsPerText + 1);
    expect(problems.at(-1)).toEqual({ origin: 'many.yaml', message: 'and 5 more problems in this file' });
  });
});
