import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { applyDefaults } from './defaults.ts';
import { formatFieldIssues } from './field-issues.ts';
import type { KubeObject } from './resource.ts';
import { validateResource } from './validate.ts';

const seedsDir = new URL('../../../shared/seeds/', import.meta.url);

/**
 * The complete kpack resources among the YAML blocks of the seed documents (the store and builder
 * docs in Markdown; the third seed is the builder doc again as plain text with its indentation lost).
 */
function seedExamples(): KubeObject[] {
  const files = ['000_b2b5bbfafae59edd.txt', '002_d5986d9c4f3d46f8.txt'];
  return files.flatMap((file) => {
    const text = readFileSync(new URL(file, seedsDir), 'utf8');
    const blocks = [...text.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
    return blocks
      .flatMap((block) => parseAllDocuments(block).map((d) => d.toJS() as KubeObject | null))
      .filter((r): r is KubeObject => Boolean(r?.apiVersion && r.kind));
  });
}

const valid = (resource: KubeObject): ReturnType<typeof validateResource> => validateResource(applyDefaults(resource));

describe('seed examples', () => {
  const examples = seedExamples();
  it('finds the ClusterStore, Builder and ClusterBuilder examples', () => {
    expect(new Set(examples.map((e) => e.kind))).toEqual(new Set(['ClusterStore', 'Builder', 'ClusterBuilder']));
  });
  it.each(examples.map((e) => [`${e.apiVersion} ${e.kind} ${e.metadata.name}`, e] as const))('%s is valid verbatim', (_name, example) => {
    expect(valid(example)).toEqual([]);
  });
});

describe('validateResource', () => {
  it('reports every ClusterStore problem at once, with paths', () => {
    const issues = valid({
      apiVersion: 'kpack.io/v1alpha2',
      kind: 'ClusterStore',
      metadata: { name: 's' },
      spec: { serviceAccountRef: { name: '' }, sources: [{ image: 'a' }, { image: '' }, { image: 'a' }] },
    });
    expect(issues.map((i) => [i.kind, i.path])).toEqual([
      ['missing', 'spec.serviceAccountRef.name'],
      ['missing', 'spec.serviceAccountRef.namespace'],
      ['missing', 'spec.sources[1].image'],
      ['invalid', 'spec.sources[2]'],
    ]);
  });

  it('names misspelt and mistyped fields, and the missing ones, in one round', () => {
    const issues = valid({ apiVersion: 'kpack.io/v1alpha2', kind: 'ClusterStack', metadata: { name: 's' }, spec: { id: 5, biuldImage: {} } });
    expect(issues).toEqual([
      { kind: 'invalid', path: 'spec.id', value: '5', message: 'expected string, received number' },
      { kind: 'unknown', path: 'spec.biuldImage', message: '"biuldImage" is not a field here; did you mean "buildImage"?' },
      expect.objectContaining({ kind: 'missing', path: 'spec.buildImage.image' }),
      expect.objectContaining({ kind: 'missing', path: 'spec.runImage.image' }),
    ]);
  });

  it('suggests the kind a typo meant', () => {
    const issues = valid({ apiVersion: 'kpack.io/v1alpha2', kind: 'ClusterStak', metadata: { name: 's' }, spec: {} });
    expect(issues[0]).toMatchObject({
      kind: 'invalid',
      path: 'kind',
      value: 'ClusterStak',
      message: expect.stringMatching(/^did you mean ClusterStack\? packsmith handles/) as unknown,
    });
  });

  it('keeps to the shape problems when a rejected value sits in a list', () => {
    const issues = valid({ apiVersion: 'kpack.io/v1alpha2', kind: 'ClusterStore', metadata: { name: 's' }, spec: { sources: ['r.test/a'] } });
    expect(issues).toEqual([expect.objectContaining({ kind: 'invalid', path: 'spec.sources[0]', value: 'r.test/a' })]);
  });

  it('checks builders: tag, stack, store kind, order references and duplicate ids', () => {
    const issues = valid({
      apiVersion: 'kpack.io/v1alpha2',
      kind: 'Builder',
      metadata: { name: 'b', namespace: 'ns' },
      spec: {
        stack: { kind: 'ClusterStack' },
        store: { name: 'x', kind: 'Store' },
        order: [{ group: [{ id: 'a' }, { image: 'reg/bp' }, {}, { kind: 'Image', name: 'n' }, { id: 'a' }] }],
      },
    });
    expect(issues.map((i) => `${i.kind} ${i.path}`)).toEqual([
      'missing spec.tag',
      'missing spec.stack.name',
      'invalid spec.store.kind',
      'disallowed spec.order[0].group[1].image',
      'one-of spec.order[0].group[2].id, spec.order[0].group[2].image, spec.order[0].group[2].name + kind',
      'invalid spec.order[0].group[3].kind',
      'invalid spec.order[0].group[4].id',
    ]);
    expect(formatFieldIssues(issues)).toMatch(/^invalid value: Store: spec.store.kind\n {2}must be one of ClusterStore$/m);
  });

  it("refuses a name whose generated tag would pass Docker's 128 characters, with the fix, only when the tag is latest", () => {
    const name = 'n'.repeat(120);
    const builder = (tag: string): KubeObject => ({
      apiVersion: 'kpack.io/v1alpha2',
      kind: 'Builder',
      metadata: { name, namespace: 'team' },
      spec: { tag, stack: { name: 'base' }, order: [{ group: [{ id: 'a' }] }] },
    });
    for (const tag of ['registry.test:5000/builders', 'registry.test:5000/builders:latest']) {
      const issues = valid(builder(tag));
      expect(issues.map((i) => `${i.kind} ${i.path}`)).toEqual(['invalid spec.tag']);
      expect(issues[0]?.message).toBe(
        `its latest tag becomes the generated tag builder-team-${'n'.repeat(27)}…, 133 characters (at most 128): give an explicit tag, e.g. registry.test:5000/builders:v1`,
      );
    }
    expect(valid(builder('registry.test:5000/builders:v1'))).toEqual([]);
    const shortName = valid({ ...builder('registry.test:5000/builders'), metadata: { name: 'web', namespace: 'team' } });
    expect(shortName).toEqual([]);
  });

  it('requires serviceAccountRef on a ClusterBuilder and defaults its stack kind', () => {
    const issues = valid({
      apiVersion: 'kpack.io/v1alpha2',
      kind: 'ClusterBuilder',
      metadata: { name: 'cb' },
      spec: { tag: 'registry.test/b', stack: { name: 'base' } },
    });
    expect(issues.map((i) => i.path)).toEqual(['spec.serviceAccountRef']);
  });

  it('refuses unknown kinds, versions and kinds absent from v1alpha1', () => {
    expect(valid({ apiVersion: 'kpack.io/v1', kind: 'Thing', metadata: { name: '' } }).map((i) => i.path)).toEqual(['kind', 'apiVersion', 'metadata.name']);
    expect(valid({ apiVersion: 'kpack.io/v1alpha1', kind: 'ClusterLifecycle', metadata: { name: 'l' }, spec: { image: 'x' } })).toEqual([
      expect.objectContaining({ path: 'apiVersion', message: 'ClusterLifecycle exists only in kpack.io/v1alpha2' }),
    ]);
  });
});

describe('formatFieldIssues', () => {
  it("joins the paths of one kind of problem on kpack's line, then says per path how to fix it", () => {
    const issues = valid({ apiVersion: 'kpack.io/v1alpha2', kind: 'ClusterStack', metadata: { name: 's' }, spec: { runImage: { image: 'r' } } });
    const text = formatFieldIssues(issues);
    expect(text.split('\n')[0]).toBe('missing field(s): spec.buildImage.image, spec.id');
    expect(text).toMatch(/^ {2}spec\.buildImage\.image: .+$/m);
    expect(text).toMatch(/^ {2}spec\.id: .+$/m);
  });
});

describe('applyDefaults', () => {
  it('fills kpack defaults for a Builder without touching the input', () => {
    const input: KubeObject = { apiVersion: 'kpack.io/v1alpha2', kind: 'Builder', metadata: { name: 'b' }, spec: { tag: 't', stack: { name: 's' } } };
    const out = applyDefaults(input);
    expect(out.spec).toEqual({
      tag: 't',
      stack: { name: 's', kind: 'ClusterStack' },
      store: { kind: 'ClusterStore' },
      lifecycle: { name: 'default-lifecycle', kind: 'ClusterLifecycle' },
      serviceAccountName: 'default',
    });
    expect(input.spec).toEqual({ tag: 't', stack: { name: 's' } });
  });
});
