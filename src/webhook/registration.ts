/**
 * How the API server reaches the webhook: the Mutating- and ValidatingWebhookConfiguration for the
 * v1alpha2 kinds and the conversion client configuration of the CRDs, for an in-cluster Service
 * or for a URL (tests on 127.0.0.1), with the CA bundle when it is known.
 */
import { apiGroup, kinds, storageVersion } from '../api/index.ts';
import { webhookPaths } from './routes.ts';

/** A webhook clientConfig as admissionregistration.k8s.io/v1 and apiextensions.k8s.io/v1 take it. */
export type WebhookClientConfig =
  { service: { namespace: string; name: string; path: string; port: number }; caBundle?: string } | { url: string; caBundle?: string };

/** Builds the clientConfig of each webhook path. */
export type WebhookEndpoint = (path: string) => WebhookClientConfig;

/** Object and webhook names of packsmith's admission registrations (distinct from kpack's own). */
export const registrationNames = {
  mutatingConfiguration: 'packsmith-defaults',
  validatingConfiguration: 'packsmith-validation',
  defaultsWebhook: 'defaults.webhook.packsmith.kpack.io',
  validationWebhook: 'validation.webhook.packsmith.kpack.io',
} as const;

const caField = (caPem: string | undefined): { caBundle?: string } => (caPem ? { caBundle: Buffer.from(caPem).toString('base64') } : {});

/** Endpoints behind a Service (port 443 by default); `caPem` is left out when the webhook will patch it in. */
export function serviceEndpoint(options: { namespace: string; name: string; port?: number; caPem?: string }): WebhookEndpoint {
  return (path) => ({
    service: { namespace: options.namespace, name: options.name, path, port: options.port ?? 443 },
    ...caField(options.caPem),
  });
}

/** Endpoints at `baseUrl` (e.g. `https://127.0.0.1:8443`), trusting `caPem`. */
export function urlEndpoint(baseUrl: string, caPem?: string): WebhookEndpoint {
  return (path) => ({ url: `${baseUrl.replace(/\/$/, '')}${path}`, ...caField(caPem) });
}

function webhookEntry(name: string, clientConfig: WebhookClientConfig): Record<string, unknown> {
  return {
    name,
    clientConfig,
    rules: [
      {
        apiGroups: [apiGroup],
        apiVersions: [storageVersion],
        // v1alpha1 requests reach the webhook converted to v1alpha2 (matchPolicy Equivalent).
        resources: kinds.map((k) => k.plural),
        operations: ['CREATE', 'UPDATE'],
        scope: '*',
      },
    ],
    matchPolicy: 'Equivalent',
    failurePolicy: 'Fail',
    sideEffects: 'None',
    admissionReviewVersions: ['v1'],
    timeoutSeconds: 10,
  };
}

/** The MutatingWebhookConfiguration calling `/defaults` for every kind. */
export function mutatingWebhookConfiguration(endpoint: WebhookEndpoint): Record<string, unknown> {
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'MutatingWebhookConfiguration',
    metadata: { name: registrationNames.mutatingConfiguration },
    webhooks: [{ ...webhookEntry(registrationNames.defaultsWebhook, endpoint(webhookPaths.defaults)), reinvocationPolicy: 'Never' }],
  };
}

/** The ValidatingWebhookConfiguration calling `/validate` for every kind. */
export function validatingWebhookConfiguration(endpoint: WebhookEndpoint): Record<string, unknown> {
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingWebhookConfiguration',
    metadata: { name: registrationNames.validatingConfiguration },
    webhooks: [webhookEntry(registrationNames.validationWebhook, endpoint(webhookPaths.validate))],
  };
}

/** The clientConfig CRDs use for `/convert`. */
export function conversionClientConfig(endpoint: WebhookEndpoint): WebhookClientConfig {
  return endpoint(webhookPaths.convert);
}
