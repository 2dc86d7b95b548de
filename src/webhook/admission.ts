/**
 * AdmissionReview handlers: `/defaults` answers with a JSON Patch of kpack's defaults, `/validate`
 * refuses a resource with every problem listed in kpack's (knative) wording, each with its path
 * and the fix. Pure functions of the review; the server does the HTTP.
 */
import { applyDefaults, formatFieldIssues, kubeObjectOf, validateResource, type KubeObject, type ReferenceChecks } from '../api/index.ts';
import { AppError, isJsonObject, type JsonObject } from '../shared/index.ts';
import { createJsonPatch } from './json-patch.ts';
import type { AdmissionRequest, AdmissionResponse, AdmissionReview } from './review-types.ts';

/** A review the webhook cannot read (the server answers 400). */
export class ReviewFormatError extends AppError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('WEBHOOK_BAD_REVIEW', message, options);
  }
}

const operations = ['CREATE', 'UPDATE', 'DELETE', 'CONNECT'] as const;

/** The request of an AdmissionReview v1; throws ReviewFormatError when the body is not one. */
export function readAdmissionRequest(body: unknown): AdmissionRequest {
  if (!isJsonObject(body) || body.apiVersion !== 'admission.k8s.io/v1' || body.kind !== 'AdmissionReview') {
    throw new ReviewFormatError('expected an admission.k8s.io/v1 AdmissionReview');
  }
  const request = body.request;
  if (!isJsonObject(request) || typeof request.uid !== 'string') throw new ReviewFormatError('the AdmissionReview has no request.uid');
  const { uid, name, namespace, object, oldObject, dryRun } = request;
  const operation = operations.find((o) => o === request.operation);
  return {
    uid,
    ...(operation === undefined ? {} : { operation }),
    ...(typeof name === 'string' ? { name } : {}),
    ...(typeof namespace === 'string' ? { namespace } : {}),
    object,
    oldObject,
    ...(typeof dryRun === 'boolean' ? { dryRun } : {}),
  };
}

/** Wraps a response into the AdmissionReview the API server expects back. */
export function admissionReview(response: AdmissionResponse): AdmissionReview {
  return { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response };
}

function kpackObject(value: unknown): KubeObject | undefined {
  const object = kubeObjectOf(value);
  return object?.apiVersion === undefined || object.kind === undefined ? undefined : object;
}

// JSON.stringify drops keys whose value is undefined, which is what "absent" means in JSON.
function plainJson(value: KubeObject): JsonObject {
  const copy: unknown = JSON.parse(JSON.stringify(value));
  return isJsonObject(copy) ? copy : {};
}

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
