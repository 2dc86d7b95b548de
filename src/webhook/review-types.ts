/**
 * The parts of admission.k8s.io/v1 AdmissionReview and apiextensions.k8s.io/v1 ConversionReview
 * the webhook reads and writes, as plain JSON shapes.
 */

/** The request half of an AdmissionReview. */
export interface AdmissionRequest {
  uid: string;
  kind?: { group?: string; version?: string; kind?: string };
  operation?: 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';
  name?: string;
  namespace?: string;
  object?: unknown;
  oldObject?: unknown;
  dryRun?: boolean;
}

/** The response half of an AdmissionReview. */
export interface AdmissionResponse {
  uid: string;
  allowed: boolean;
  /** base64 of a JSON Patch; only with `patchType: 'JSONPatch'`. */
  patch?: string;
  patchType?: 'JSONPatch';
  status?: { code: number; reason?: string; message: string };
  warnings?: string[];
}

/** An AdmissionReview as sent by the API server (request) or returned by us (response). */
export interface AdmissionReview {
  apiVersion: 'admission.k8s.io/v1';
  kind: 'AdmissionReview';
  request?: AdmissionRequest;
  response?: AdmissionResponse;
}

/** The request half of a ConversionReview. */
export interface ConversionRequest {
  uid: string;
  desiredAPIVersion: string;
  objects: readonly unknown[];
}

/** The response half of a ConversionReview. */
export interface ConversionResponse {
  uid: string;
  convertedObjects: unknown[];
  result: { status: 'Success' } | { status: 'Failure'; message: string };
}

/** A ConversionReview (request in, response out). */
export interface ConversionReview {
  apiVersion: 'apiextensions.k8s.io/v1';
  kind: 'ConversionReview';
  request?: ConversionRequest;
  response?: ConversionResponse;
}
