import { describe, expect, it } from 'vitest';
import { basicReferenceChecks } from '../api/index.ts';
import { admissionReview, defaultAdmission, readAdmissionRequest, ReviewFormatError, validateAdmission } from './admission.ts';
import type { AdmissionRequest } from './review-types.ts';

const builder = {
  apiVersion: 'kpack.io/v1alpha2',
  kind: 'Builder',
  metadata: { name: 'b', namespace: 'ns' },
  spec: { tag: 'registry.test/team/builder', stack: { name: 'base' }, store: { name: 'default' }, order: [{ group: [{ id: 'paketo-buildpacks/nodejs' }] }] },
};

function request(object: unknown, operation: AdmissionRequest['operation'] = 'CREATE'): AdmissionRequest {
  return { uid: 'u-1', operation, object };
}

function decodePatch(patch: string | undefined): unknown {
  return JSON.parse(Buffer.from(patch ?? '', 'base64').toString('utf8'));
}

describe('readAdmissionRequest', () => {
  it('accepts an AdmissionReview v1 and refuses anything else', () => {
    const review = { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: request(builder) };
    expect(readAdmissionRequest(review).uid).toBe('u-1');
    expect(() => readAdmissionRequest({ apiVersion: 'admission.k8s.io/v1beta1', kind: 'AdmissionReview', request: { uid: 'x' } })).toThrow(ReviewFormatError);
    expect(() => readAdmissionRequest({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview' })).toThrow(/request\.uid/);
  });
});

describe('defaultAdmission', () => {
  it('answers with a base64 JSON Patch of kpack defaults for a Builder', () => {
    const response = defaultAdmission(request(builder));
    expect(response).toMatchObject({ uid: 'u-1', allowed: true, patchType: 'JSONPatch' });
    expect(decodePatch(response.patch)).toEqual([
      { op: 'add', path: '/spec/stack/kind', value: 'ClusterStack' },
      { op: 'add', path: '/spec/store/kind', value: 'ClusterStore' },
      { op: 'add', path: '/spec/lifecycle', value: { name: 'default-lifecycle', kind: 'ClusterLifecycle' } },
      { op: 'add', path: '/spec/serviceAccountName', value: 'default' },
    ]);
  });

  it('sends no patch when the object already carries its defaults', () => {
    const store = { apiVersion: 'kpack.io/v1alpha2', kind: 'ClusterStore', metadata: { name: 's' }, spec: { sources: [{ image: 'r/a' }] } };
    expect(defaultAdmission(request(store))).toEqual({ uid: 'u-1', allowed: true });
  });

  it('allows a DELETE (no object) untouched', () => {
    expect(defaultAdmission({ uid: 'd', operation: 'DELETE', object: null })).toEqual({ uid: 'd', allowed: true });
  });
});

describe('validateAdmission', () => {
  it('allows a valid Builder', () => {
    expect(validateAdmission(request(builder), basicReferenceChecks)).toEqual({ uid: 'u-1', allowed: true });
  });

  it('refuses with every problem in knative wording, with paths and fixes', () => {
    const bad = { ...builder, spec: { stack: { kind: 'Stack', name: 'base' }, order: [{ group: [{ image: 'r/bp' }, {}] }] } };
    const response = validateAdmission(request(bad), basicReferenceChecks);
    expect(response.allowed).toBe(false);
    expect(response.status?.code).toBe(422);
    const message = response.status?.message ?? '';
    expect(message).toMatch(/^Builder has 4 problems:\n/);
    expect(message).toContain('missing field(s): spec.tag\n  ');
    expect(message).toContain('invalid value: Stack: spec.stack.kind');
    expect(message).toContain('must not set the field(s): spec.order[0].group[0].image');
    expect(message).toContain('expected exactly one, got neither: spec.order[0].group[1].id');
  });

  it('skips objects being deleted so finalizers can be removed', () => {
    const deleting = { ...builder, metadata: { ...builder.metadata, deletionTimestamp: '2026-01-01T00:00:00Z' }, spec: {} };
    expect(validateAdmission(request(deleting, 'UPDATE'), basicReferenceChecks).allowed).toBe(true);
    expect(validateAdmission(request({ ...deleting, metadata: builder.metadata }, 'UPDATE'), basicReferenceChecks).allowed).toBe(false);
  });

  it('uses the injected reference checks', () => {
    const strict = { image: () => 'no registry here', tag: () => undefined };
    const store = { apiVersion: 'kpack.io/v1alpha2', kind: 'ClusterStore', metadata: { name: 's' }, spec: { sources: [{ image: 'r/a' }] } };
    const response = validateAdmission(request(store), strict);
    expect(response.status?.message).toContain('invalid value: r/a: spec.sources[0].image\n  no registry here');
  });
});

describe('admissionReview', () => {
  it('wraps the response as admission.k8s.io/v1', () => {
    expect(admissionReview({ uid: 'x', allowed: true })).toEqual({
      apiVersion: 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      response: { uid: 'x', allowed: true },
    });
  });
});
