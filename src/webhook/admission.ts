/**
 * AdmissionReview handlers: `/defaults` answers with a JSON Patch of kpack's defaults, `/validate`
 * refuses a resource with every problem listed in kpack's (knative) wording, each with its path
 * and the fix. Pure functions of the review; the server does the HTTP.
 */
import { applyDefaults, formatFieldIssues, metadataOf, validateResource, type KubeObject, type ReferenceChecks } from '../api/index.ts';
import { AppError } from '../shared/index.ts';
import { createJsonPatch } from './json-patch.ts';
import type { AdmissionRequest, AdmissionResponse, AdmissionReview } from './review-types.ts';

/** A review the webhook cannot read (the server answers 400). */
export class ReviewFormatError extends AppError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('WEBHOOK_BAD_REVIEW', message, options);
  }
}

type JsonObject = Record<string, unknown>;

const isObject = (value: unknown): value is JsonObject => value !== null && typeof value === 'object' && !Array.isArray(value);

/** The request of an AdmissionReview v1; throws ReviewFormatError when the body is not one. */
export function readAdmissionRequest(body: unknown): AdmissionRequest {
  if (!isObject(body) || body.apiVersion !== 'admission.k8s.io/v1' || body.kind !== 'AdmissionReview') {
    throw new ReviewFormatError('expected an admission.k8s.io/v1 AdmissionReview');
  }
  const request = body.request;
  if (!isObject(request) || typeof request.uid !== 'string') throw new ReviewFormatError('the AdmissionReview has no request.uid');
  return request as unknown as AdmissionRequest;
}

/** Wraps a response into the AdmissionReview the API server expects back. */
export function admissionReview(response: AdmissionResponse): AdmissionReview {
  return { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response };
}

function kpackObject(value: unknown): KubeObject | undefined {
  if (!isObject(value) || typeof value.apiVersion !== 'string' || typeof value.kind !== 'string') return undefined;
  return { ...value, apiVersion: value.apiVersion, kind: value.kind, metadata: metadataOf(value.metadata) };
}

// JSON.stringify drops keys whose value is undefined, which is what "absent" means in JSON.
const plainJson = (value: unknown): JsonObject => JSON.parse(JSON.stringify(value)) as JsonObject;

/** `/defaults`: allowed, with a base64 JSON Patch when kpack's defaults change the object. */
export function defaultAdmission(request: AdmissionRequest): AdmissionResponse {
  const resource = kpackObject(request.object);
  if (!resource) return { uid: request.uid, allowed: true };
  const operations = createJsonPatch(plainJson(resource), plainJson(applyDefaults(resource)));
  if (operations.length === 0) return { uid: request.uid, allowed: true };
  return { uid: request.uid, allowed: true, patchType: 'JSONPatch', patch: Buffer.from(JSON.stringify(operations)).toString('base64') };
}

function beingDeleted(resource: KubeObject): boolean {
  return typeof resource.metadata.deletionTimestamp === 'string';
}

/**
 * `/validate`: every problem of the (defaulted) object, or allowed. An object that is being
 * deleted is not checked again, so its finalizers can always be removed.
 */
export function validateAdmission(request: AdmissionRequest, checks: ReferenceChecks): AdmissionResponse {
  const resource = kpackObject(request.object);
  if (!resource || request.operation === 'DELETE' || beingDeleted(resource)) return { uid: request.uid, allowed: true };
  const issues = validateResource(applyDefaults(resource), checks);
  if (issues.length === 0) return { uid: request.uid, allowed: true };
  const noun = issues.length === 1 ? 'problem' : 'problems';
  return {
    uid: request.uid,
    allowed: false,
    status: { code: 422, reason: 'Invalid', message: `${resource.kind} has ${issues.length} ${noun}:\n${formatFieldIssues(issues)}` },
  };
}
