import { describe, expect, it } from 'vitest';
import { conversionAnnotation } from '../api/index.ts';
import { conversionReview, convertObjects, readConversionRequest } from './conversion.ts';
import { ReviewFormatError } from './admission.ts';

const storeV2 = {
  apiVersion: 'kpack.io/v1alpha2',
  kind: 'ClusterStore',
  metadata: { name: 's', uid: 'abc', resourceVersion: '7', labels: { a: 'b' } },
  spec: { sources: [{ image: 'r/a' }], serviceAccountRef: { name: 'sa', namespace: 'ns' } },
  status: { observedGeneration: 1 },
};

describe('convertObjects', () => {
  it('converts every object and keeps metadata other than annotations', () => {
    const response = convertObjects({
      uid: 'c-1',
      desiredAPIVersion: 'kpack.io/v1alpha1',
      objects: [storeV2, { ...storeV2, metadata: { ...storeV2.metadata, name: 't' } }],
    });
    expect(response.result).toEqual({ status: 'Success' });
    expect(response.uid).toBe('c-1');
    expect(response.convertedObjects).toHaveLength(2);
    const [first] = response.convertedObjects as Array<{ apiVersion: string; metadata: Record<string, unknown>; spec: unknown; status: unknown }>;
    expect(first!.apiVersion).toBe('kpack.io/v1alpha1');
    expect(first!.spec).toEqual({ sources: [{ image: 'r/a' }] });
    expect(first!.status).toEqual(storeV2.status);
    const { annotations, ...rest } = first!.metadata;
    expect(rest).toEqual(storeV2.metadata);
    expect(JSON.parse((annotations as Record<string, string>)[conversionAnnotation]!)).toEqual({ serviceAccountRef: { name: 'sa', namespace: 'ns' } });
  });

  it('round-trips through the review', () => {
    const down = convertObjects({ uid: '1', desiredAPIVersion: 'kpack.io/v1alpha1', objects: [storeV2] });
    const up = convertObjects({ uid: '2', desiredAPIVersion: 'kpack.io/v1alpha2', objects: down.convertedObjects });
    expect(up.convertedObjects).toEqual([storeV2]);
  });

  it('fails the batch for an unknown target version or a malformed object', () => {
    expect(convertObjects({ uid: '3', desiredAPIVersion: 'kpack.io/v2', objects: [storeV2] })).toMatchObject({
      convertedObjects: [],
      result: { status: 'Failure', message: expect.stringMatching(/cannot convert to kpack.io\/v2/) as unknown },
    });
    expect(convertObjects({ uid: '4', desiredAPIVersion: 'kpack.io/v1alpha1', objects: [{ kind: 'X' }] }).result).toEqual({
      status: 'Failure',
      message: 'object 0 has no apiVersion, kind or metadata',
    });
  });
});

describe('readConversionRequest', () => {
  it('reads a ConversionReview v1 and refuses other bodies', () => {
    const body = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'ConversionReview',
      request: { uid: 'u', desiredAPIVersion: 'kpack.io/v1alpha1', objects: [] },
    };
    expect(readConversionRequest(body).uid).toBe('u');
    expect(() => readConversionRequest({ ...body, request: { uid: 'u' } })).toThrow(ReviewFormatError);
    expect(conversionReview({ uid: 'u', convertedObjects: [], result: { status: 'Success' } }).kind).toBe('ConversionReview');
  });
});
