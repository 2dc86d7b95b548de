import { describe, expect, it } from 'vitest';
import { localReferenceChecks } from './local-reference-checks.ts';

describe('localReferenceChecks', () => {
  it('accepts local images and registry references, and explains bad registry ones', () => {
    expect(localReferenceChecks.image('oci:/tmp/layout:v1')).toBeUndefined();
    expect(localReferenceChecks.image('/tmp/buildpack.cnb')).toBeUndefined();
    expect(localReferenceChecks.image('gcr.io/paketo-buildpacks/builder:base')).toBeUndefined();
    expect(localReferenceChecks.image('Bad Name')).toMatch(/invalid image reference/);
  });

  it('wants a builder tag to be a registry tag or an oci layout tag', () => {
    expect(localReferenceChecks.tag('oci:/tmp/layout:builder')).toBeUndefined();
    expect(localReferenceChecks.tag('/tmp/builder.cnb')).toMatch(/not to a \.cnb file/);
    expect(localReferenceChecks.tag(`oci:/tmp/layout@sha256:${'a'.repeat(64)}`)).toMatch(/not a digest/);
    expect(localReferenceChecks.tag(`r.test/a@sha256:${'a'.repeat(64)}`)).toMatch(/not a digest/);
  });

  it('suggests oci: for a path given without it', () => {
    expect(localReferenceChecks.image('/srv/images/store')).toBe('/srv/images/store is a path, not an image reference: did you mean oci:/srv/images/store?');
    expect(localReferenceChecks.image('./images/store:v1')).toMatch(/did you mean oci:\.\/images\/store:v1\?/);
    expect(localReferenceChecks.tag('../out')).toMatch(/did you mean oci:\.\.\/out\?/);
    expect(localReferenceChecks.image('registry.test/team/store')).toBeUndefined();
  });
});
