/**
 * ConversionReview handler (`/convert`): converts every object to the desired kpack.io version
 * with the api module's lossless conversion. Metadata other than annotations is never touched, as
 * the API server requires.
 */
import { convertResource, type KubeObject } from '../api/index.ts';
import { messageOf } from '../shared/index.ts';
import { ReviewFormatError } from './admission.ts';
import type { ConversionRequest, ConversionResponse, ConversionReview } from './review-types.ts';

type JsonObject = Record<string, unknown>;

const isObject = (value: unknown): value is JsonObject => value !== null && typeof value === 'object' && !Array.isArray(value);

/** The request of a ConversionReview v1; throws ReviewFormatError when the body is not one. */
export function readConversionRequest(body: unknown): ConversionRequest {
  if (!isObject(body) || body.apiVersion !== 'apiextensions.k8s.io/v1' || body.kind !== 'ConversionReview') {
    throw new ReviewFormatError('expected an apiextensions.k8s.io/v1 ConversionReview');
  }
  const request = body.request;
  if (!isObject(request) || typeof request.uid !== 'string' || typeof request.desiredAPIVersion !== 'string' || !Array.isArray(request.objects)) {
    throw new ReviewFormatError('the ConversionReview needs request.uid, request.desiredAPIVersion and request.objects');
  }
  return request as unknown as ConversionRequest;
}

function asResource(value: unknown, index: number): KubeObject {
  if (!isObject(value) || typeof value.apiVersion !== 'string' || typeof value.kind !== 'string' || !isObject(value.metadata)) {
    throw new ReviewFormatError(`object ${index} has no apiVersion, kind or metadata`);
  }
  return value as unknown as KubeObject;
}

/** Converts every object of the request, or reports why the whole batch failed. */
export function convertObjects(request: ConversionRequest): ConversionResponse {
  try {
    const convertedObjects = request.objects.map((object, i) => convertResource(asResource(object, i), request.desiredAPIVersion));
    return { uid: request.uid, convertedObjects, result: { status: 'Success' } };
  } catch (error) {
    return { uid: request.uid, convertedObjects: [], result: { status: 'Failure', message: messageOf(error) } };
  }
}

/** Wraps a response into the ConversionReview the API server expects back. */
export function conversionReview(response: ConversionResponse): ConversionReview {
  return { apiVersion: 'apiextensions.k8s.io/v1', kind: 'ConversionReview', response };
}
