/**
 * The webhook's endpoints as one function from (method, path, parsed body) to (status, JSON body),
 * so every route can be tested without sockets.
 */
import type { ReferenceChecks } from '../api/index.ts';
import { admissionReview, defaultAdmission, readAdmissionRequest, ReviewFormatError, validateAdmission } from './admission.ts';
import { conversionReview, convertObjects, readConversionRequest } from './conversion.ts';
import { protectAdmission, type UsersLookup } from './protection.ts';

/** The paths the API server is configured to call (see the webhook configurations and CRDs). */
export const webhookPaths = { defaults: '/defaults', validate: '/validate', protect: '/protect', convert: '/convert', health: '/healthz' } as const;

/** An HTTP answer: status code and a JSON (or plain text) body. */
export interface RouteResult {
  status: number;
  body: unknown;
}

/** What the routes need besides the request. */
export interface RouteContext {
  referenceChecks: ReferenceChecks;
  /** Which builders use an object, for `/protect`. */
  usersOf: UsersLookup;
}

const reviewRoutes: Record<string, (body: unknown, context: RouteContext) => unknown> = {
  [webhookPaths.protect]: async (body, context) => admissionReview(await protectAdmission(readAdmissionRequest(body), context.usersOf)),
  [webhookPaths.defaults]: (body) => admissionReview(defaultAdmission(readAdmissionRequest(body))),
  [webhookPaths.validate]: (body, context) => admissionReview(validateAdmission(readAdmissionRequest(body), context.referenceChecks)),
  [webhookPaths.convert]: (body) => conversionReview(convertObjects(readConversionRequest(body))),
};

/** Answers one request; `body` is the parsed JSON (undefined for GET). Never rejects for bad input. */
export async function routeWebhookRequest(method: string, path: string, body: unknown, context: RouteContext): Promise<RouteResult> {
  if (path === webhookPaths.health) return method === 'GET' ? { status: 200, body: 'ok' } : { status: 405, body: 'use GET' };
  const route = reviewRoutes[path];
  if (!route) return { status: 404, body: `no such endpoint: ${path}` };
  if (method !== 'POST') return { status: 405, body: 'use POST with a JSON review' };
  try {
    return { status: 200, body: await route(body, context) };
  } catch (error) {
    if (error instanceof ReviewFormatError) return { status: 400, body: error.message };
    throw error;
  }
}
