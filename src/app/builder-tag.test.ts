import { describe, expect, it } from 'vitest';
import { resolveBuilderTag, runImageTag, TimestampTags, timestampTag } from './builder-tag.ts';

const builder = { kind: 'Builder', name: 'custom-builder', namespace: 'some-namespace' } as const;

describe('builder tags', () => {
  it('replaces an implicit or explicit latest with the generated tag, normalising the name', () => {
    expect(resolveBuilderTag('example.com/custom-builder', builder)).toBe('example.com/custom-builder:builder-some-namespace-custom-builder');
    expect(resolveBuilderTag('example.com/custom-builder:latest', builder)).toBe('example.com/custom-builder:builder-some-namespace-custom-builder');
    expect(resolveBuilderTag('custom/example:x', builder)).toBe('index.docker.io/custom/example:x');
    expect(resolveBuilderTag('example.com/b', { kind: 'ClusterBuilder', name: 'custom-builder' })).toBe('example.com/b:clusterbuilder-custom-builder');
  });

  it('applies the same rules to local layouts', () => {
    expect(resolveBuilderTag('oci:/tmp/out', builder)).toBe('oci:/tmp/out:builder-some-namespace-custom-builder');
    expect(resolveBuilderTag('oci:/tmp/out:v1', builder)).toBe('oci:/tmp/out:v1');
    expect(runImageTag('oci:/tmp/out:v1')).toBe('oci:/tmp/out:v1-run-image');
  });

  it("says kpack's words for tags it cannot use", () => {
    expect(() => resolveBuilderTag('example.com/invalid::builder', builder)).toThrow(/could not parse reference: example\.com\/invalid::builder/);
    expect(() => resolveBuilderTag(`r.test/a@sha256:${'a'.repeat(64)}`, builder)).toThrow(/not a digest/);
    expect(() => resolveBuilderTag('out.cnb', builder)).toThrow(/not to a \.cnb file/);
    expect(() => runImageTag(`r.test/a:${'t'.repeat(120)}`)).toThrow(/could not parse reference/);
  });

  it('relocates the run image next to the builder and stamps pushes with local time', () => {
    expect(runImageTag('index.docker.io/custom/example:test-builder')).toBe('index.docker.io/custom/example:test-builder-run-image');
    expect(timestampTag(new Date(2024, 11, 31, 23, 5, 9))).toBe('20241231230509');
  });

  it('gives two builders pushed to one repository in the same second their own timestamp tags', () => {
    const tags = new TimestampTags();
    const second = new Date(2024, 11, 31, 23, 5, 9);
    const next = new Date(2024, 11, 31, 23, 5, 10);
    expect(tags.next('r.test:5000/team/builders:builder-a', second)).toBe('20241231230509');
    expect(tags.next('r.test:5000/team/builders:builder-b', second)).toBe('20241231230509-2');
    expect(tags.next('r.test:5000/team/other:builder-c', second)).toBe('20241231230509');
    expect(tags.next('r.test:5000/team/builders:builder-c', second)).toBe('20241231230509-3');
    expect(tags.next('r.test:5000/team/builders:builder-a', next)).toBe('20241231230510');
    expect(tags.next('oci:/work/out:clusterbuilder-x', next)).toBe('20241231230510');
  });
});
