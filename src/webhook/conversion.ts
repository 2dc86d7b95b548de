/**
 * ConversionReview handler (`/convert`): converts every object to the desired kpack.io version
 * with the api module's lossless conversion. Metadata other than annotations is never touched, as
 * the API server requires.
 */
import { convertResource, type KubeObject, type ObjectMeta } from '../api/index.ts';
import { isArray, isJsonObject, messageOf } from '../shared/index.ts';
import { ReviewFormatError } from './admission.ts';
import type { ConversionRequest, ConversionResponse, ConversionReview } from './review-types.ts';

/** The request of a ConversionReview v1; throws ReviewFormatError when the body is not one. */
export function readConversionRequest(body: unknown): ConversionRequest {
  if (!isJsonObject(body) || body.apiVersion !== 'apiextensions.k8s.io/v1' || body.kind !== 'ConversionReview') {
    throw new ReviewFormatError('expected an apiextensions.k8s.io/v1 ConversionReview');
  }
  const request = body.request;
  if (!isJsonObject(request) || typeof request.uid !== 'string' || typeof request.desiredAPIVersion !== 'string' || !isArray(request.objects)) {
    throw new ReviewFormatError('the ConversionReview needs request.uid, request.desiredAPIVersion and request.objects');
  }
  return { uid: request.uid, desiredAPIVersion: request.desiredAPIVersion, objects: request.objects };
}

function asResource(value: unknown, index: number): KubeObject {
  if (!isJsonObject(value) || typeof value.apiVersion !== 'string' || typeof value.kind !== 'string' || !isJsonObject(value.metadata)) {
    throw new ReviewFormatError(`object ${index} has no apiVersion, kind or metadata`);
  }
  // Metadata goes back to the API server exactly as sent (it may have no name yet, under
  // generateName), so it is not read into ObjectMeta with a defaulted name; conversion reads only its annotations.
  return { ...value, apiVersion: value.apiVersion, kind: value.kind, metadata: value.metadata as ObjectMeta };
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
