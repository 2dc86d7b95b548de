/**
 * How the API server reaches the webhook: the Mutating- and ValidatingWebhookConfiguration for the
 * v1alpha2 kinds and the conversion client configuration of the CRDs, for an in-cluster Service
 * or for a URL (tests on 127.0.0.1), with the CA bundle when it is known.
 */
import { apiGroup, kinds, storageVersion } from '../api/index.ts';
import { protectedKinds } from './protection.ts';
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
  protectionWebhook: 'protection.webhook.packsmith.kpack.io',
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

interface EntryOptions {
  resources: readonly string[];
  operations: readonly string[];
  failurePolicy: 'Fail' | 'Ignore';
  timeoutSeconds: number;
}

const specChecks: EntryOptions = { resources: kinds.map((k) => k.plural), operations: ['CREATE', 'UPDATE'], failurePolicy: 'Fail', timeoutSeconds: 10 };

// Ignore: with the webhook down, deletes go through unprotected rather than being blocked until it
// is back (uninstalling packsmith, a namespace's cleanup); a short timeout keeps such a delete quick.
const deleteChecks: EntryOptions = {
  resources: kinds.filter((k) => protectedKinds.some((kind) => kind === k.kind)).map((k) => k.plural),
  operations: ['DELETE'],
  failurePolicy: 'Ignore',
  timeoutSeconds: 5,
};

function webhookEntry(name: string, clientConfig: WebhookClientConfig, options: EntryOptions = specChecks): Record<string, unknown> {
  return {
    name,
    clientConfig,
    rules: [
      {
        apiGroups: [apiGroup],
        apiVersions: [storageVersion],
        // v1alpha1 requests reach the webhook converted to v1alpha2 (matchPolicy Equivalent).
        resources: options.resources,
        operations: options.operations,
        scope: '*',
      },
    ],
    matchPolicy: 'Equivalent',
    failurePolicy: options.failurePolicy,
    sideEffects: 'None',
    admissionReviewVersions: ['v1'],
    timeoutSeconds: options.timeoutSeconds,
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

/** The ValidatingWebhookConfiguration calling `/validate` for every kind and `/protect` on deletes of what builders use. */
export function validatingWebhookConfiguration(endpoint: WebhookEndpoint): Record<string, unknown> {
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingWebhookConfiguration',
    metadata: { name: registrationNames.validatingConfiguration },
    webhooks: [
      webhookEntry(registrationNames.validationWebhook, endpoint(webhookPaths.validate)),
      webhookEntry(registrationNames.protectionWebhook, endpoint(webhookPaths.protect), deleteChecks),
    ],
  };
}

/** The clientConfig CRDs use for `/convert`. */
export function conversionClientConfig(endpoint: WebhookEndpoint): WebhookClientConfig {
  return endpoint(webhookPaths.convert);
}
