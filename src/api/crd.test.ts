import { describe, expect, it } from 'vitest';
import { renderCrds } from '../../scripts/gen-crds.ts';
import { readFile } from 'node:fs/promises';
import { allCustomResourceDefinitions, toStructural } from './crd.ts';

function walk(node: unknown, visit: (key: string, value: unknown) => void): void {
  if (Array.isArray(node)) node.forEach((n) => walk(n, visit));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      visit(k, v);
      walk(v, visit);
    }
  }
}

describe('generated CRDs', () => {
  it('are up to date in config/crds (run npm run gen:crds when this fails)', async () => {
    for (const { file, text } of renderCrds()) {
      expect(await readFile(new URL(`../../config/crds/${file}`, import.meta.url), 'utf8'), file).toBe(text);
    }
  });

  it('contain nothing a structural schema forbids', () => {
    const forbidden: string[] = [];
    walk(allCustomResourceDefinitions(), (key, value) => {
      if (['$ref', 'patternProperties', '$schema', 'definitions'].includes(key)) forbidden.push(key);
      if (key === 'additionalProperties' && typeof value !== 'object') forbidden.push('additionalProperties: false');
    });
    expect(forbidden).toEqual([]);
  });

  it('serve both versions where kpack has them and store v1alpha2', () => {
    const versions = Object.fromEntries(
      allCustomResourceDefinitions().map((crd) => {
        const spec = crd.spec as { names: { kind: string }; versions: Array<{ name: string; storage: boolean }> };
        return [spec.names.kind, spec.versions.map((v) => `${v.name}${v.storage ? '*' : ''}`)];
      }),
    );
    expect(versions).toEqual({
      ClusterStore: ['v1alpha1', 'v1alpha2*'],
      ClusterStack: ['v1alpha1', 'v1alpha2*'],
      ClusterLifecycle: ['v1alpha2*'],
      Buildpack: ['v1alpha2*'],
      ClusterBuildpack: ['v1alpha2*'],
      Builder: ['v1alpha1', 'v1alpha2*'],
      ClusterBuilder: ['v1alpha1', 'v1alpha2*'],
    });
  });

  it('rejects a schema that uses $ref', () => {
    expect(() => toStructural({ properties: { a: { $ref: '#/x' } } })).toThrow(/\$ref/);
  });
});
