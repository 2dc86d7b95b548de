import { describe, expect, it } from 'vitest';
import { parseResourceDocuments } from './documents.ts';

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
      ['ClusterStore', 'a', 'all.yaml#0'],
      ['ClusterStack', 's', 'all.yaml#2.items[0]'],
    ]);
  });

  it('reports bad YAML and non-objects with their origin and keeps the rest', () => {
    const { resources, problems } = parseResourceDocuments('a: [\n---\n- 1\n---\napiVersion: kpack.io/v1alpha2\nkind: Builder\nmetadata: {name: b}', 'x.yaml');
    expect(problems.map((p) => p.origin)).toEqual(['x.yaml#0', 'x.yaml#1']);
    expect(problems[0]?.message).toMatch(/not valid YAML/);
    expect(resources).toHaveLength(1);
  });

  it('reads YAML 1.1 so that yes/no stay strings only when quoted, as kubectl does', () => {
    const { resources } = parseResourceDocuments('apiVersion: kpack.io/v1alpha2\nkind: Builder\nmetadata: {name: b, labels: {x: "yes"}}', 'y');
    expect(resources[0]?.resource.metadata.labels).toEqual({ x: 'yes' });
  });
});
