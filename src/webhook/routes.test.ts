import { describe, expect, it } from 'vitest';
import { basicReferenceChecks } from '../api/index.ts';
import { routeWebhookRequest, webhookPaths } from './routes.ts';

const context = { referenceChecks: basicReferenceChecks, usersOf: async () => Promise.resolve([{ kind: 'Builder', namespace: 'a', name: 'b' }]) };
const review = (object: unknown): unknown => ({
  apiVersion: 'admission.k8s.io/v1',
  kind: 'AdmissionReview',
  request: { uid: 'r', operation: 'CREATE', object },
});
const lifecycle = { apiVersion: 'kpack.io/v1alpha2', kind: 'ClusterLifecycle', metadata: { name: 'l' }, spec: {} };

describe('routeWebhookRequest', () => {
  it('answers /healthz on GET', async () => {
    expect(await routeWebhookRequest('GET', webhookPaths.health, undefined, context)).toEqual({ status: 200, body: 'ok' });
  });

  it('routes /validate and /defaults to their handlers', async () => {
    const validated = await routeWebhookRequest('POST', '/validate', review(lifecycle), context);
    expect(validated.status).toBe(200);
    expect(validated.body).toMatchObject({
      response: { uid: 'r', allowed: false, status: { message: expect.stringContaining('missing field(s): spec.image') as unknown } },
    });
    expect((await routeWebhookRequest('POST', '/defaults', review(lifecycle), context)).body).toMatchObject({ response: { allowed: true } });
  });

  it('routes /protect with the users lookup', async () => {
    const deletion = { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: { uid: 'p', operation: 'DELETE', oldObject: lifecycle } };
    expect((await routeWebhookRequest('POST', webhookPaths.protect, deletion, context)).body).toMatchObject({
      response: { uid: 'p', allowed: false, status: { message: expect.stringContaining('in use by 1 builder: Builder a/b') as unknown } },
    });
  });

  it('routes /convert', async () => {
    const body = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'ConversionReview',
      request: { uid: 'c', desiredAPIVersion: 'kpack.io/v1alpha2', objects: [] },
    };
    expect((await routeWebhookRequest('POST', '/convert', body, context)).body).toMatchObject({ response: { uid: 'c', result: { status: 'Success' } } });
  });

  it('answers 400 for a body that is no review, 404 and 405 for wrong paths and methods', async () => {
    expect(await routeWebhookRequest('POST', '/validate', { hello: 1 }, context)).toEqual({
      status: 400,
      body: 'expected an admission.k8s.io/v1 AdmissionReview',
    });
    expect((await routeWebhookRequest('POST', '/nope', undefined, context)).status).toBe(404);
    expect((await routeWebhookRequest('GET', '/validate', undefined, context)).status).toBe(405);
  });
});
