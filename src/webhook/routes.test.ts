import { describe, expect, it } from 'vitest';
import { basicReferenceChecks } from '../api/index.ts';
import { routeWebhookRequest, webhookPaths } from './routes.ts';

const context = { referenceChecks: basicReferenceChecks };
const review = (object: unknown): unknown => ({
  apiVersion: 'admission.k8s.io/v1',
  kind: 'AdmissionReview',
  request: { uid: 'r', operation: 'CREATE', object },
});
const lifecycle = { apiVersion: 'kpack.io/v1alpha2', kind: 'ClusterLifecycle', metadata: { name: 'l' }, spec: {} };

describe('routeWebhookRequest', () => {
  it('answers /healthz on GET', () => {
    expect(routeWebhookRequest('GET', webhookPaths.health, undefined, context)).toEqual({ status: 200, body: 'ok' });
  });

  it('routes /validate and /defaults to their handlers', () => {
    const validated = routeWebhookRequest('POST', '/validate', review(lifecycle), context);
    expect(validated.status).toBe(200);
    expect(validated.body).toMatchObject({
      response: { uid: 'r', allowed: false, status: { message: expect.stringContaining('missing field(s): spec.image') as unknown } },
    });
    expect(routeWebhookRequest('POST', '/defaults', review(lifecycle), context).body).toMatchObject({ response: { allowed: true } });
  });

  it('routes /convert', () => {
    const body = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'ConversionReview',
      request: { uid: 'c', desiredAPIVersion: 'kpack.io/v1alpha2', objects: [] },
    };
    expect(routeWebhookRequest('POST', '/convert', body, context).body).toMatchObject({ response: { uid: 'c', result: { status: 'Success' } } });
  });

  it('answers 400 for a body that is no review, 404 and 405 for wrong paths and methods', () => {
    expect(routeWebhookRequest('POST', '/validate', { hello: 1 }, context)).toEqual({ status: 400, body: 'expected an admission.k8s.io/v1 AdmissionReview' });
    expect(routeWebhookRequest('POST', '/nope', undefined, context).status).toBe(404);
    expect(routeWebhookRequest('GET', '/validate', undefined, context).status).toBe(405);
  });
});
