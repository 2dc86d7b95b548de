import { describe, expect, it } from 'vitest';
import { imageReferenceChecks } from './reference-checks.ts';

describe('imageReferenceChecks', () => {
  it('accepts tag and digest references and explains bad ones', () => {
    expect(imageReferenceChecks.image('gcr.io/paketo-buildpacks/builder:base')).toBeUndefined();
    expect(imageReferenceChecks.image(`r.test/a@sha256:${'a'.repeat(64)}`)).toBeUndefined();
    expect(imageReferenceChecks.image('Bad Name')).toMatch(/invalid image reference/);
    expect(imageReferenceChecks.image(`r.test/a:${'t'.repeat(129)}`)).toMatch(/invalid image reference/);
  });

  it('wants a tag, not a digest, for builder tags', () => {
    expect(imageReferenceChecks.tag('gcr.io/sample/builder')).toBeUndefined();
    expect(imageReferenceChecks.tag(`r.test/a@sha256:${'a'.repeat(64)}`)).toMatch(/not a digest/);
  });
});
