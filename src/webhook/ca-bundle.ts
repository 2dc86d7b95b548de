/**
 * Publishing the webhook's CA bundle: the patches that put it into the webhook configurations and
 * the CRDs' conversion settings, applied through a patch function the caller supplies (the
 * Kubernetes client lives in `k8s`; this module only says what to patch).
 */
import { apiGroup, convertibleKinds } from '../api/index.ts';
import { AppError, messageOf } from '../shared/index.ts';
import { registrationNames } from './registration.ts';

/** One patch of one cluster-scoped object. */
export interface ResourcePatch {
  apiVersion: string;
  kind: 'MutatingWebhookConfiguration' | 'ValidatingWebhookConfiguration' | 'CustomResourceDefinition';
  /** Plural resource name, for building the request path. */
  resource: string;
  name: string;
  /** Strategic merge for webhook configurations (their `webhooks` merge by name), merge patch for CRDs. */
  contentType: 'application/strategic-merge-patch+json' | 'application/merge-patch+json';
  body: Record<string, unknown>;
}

/** Applies one patch; supplied by the caller (a Kubernetes client, or a test's HTTPS request). */
export type PatchFunction = (patch: ResourcePatch) => Promise<void>;

/** Which objects carry the CA bundle; defaults to packsmith's configurations and convertible CRDs. */
export interface CaBundleTargets {
  mutating: ReadonlyArray<{ name: string; webhooks: readonly string[] }>;
  validating: ReadonlyArray<{ name: string; webhooks: readonly string[] }>;
  crds: readonly string[];
}

/** packsmith's own registrations. */
export function defaultCaBundleTargets(): CaBundleTargets {
  return {
    mutating: [{ name: registrationNames.mutatingConfiguration, webhooks: [registrationNames.defaultsWebhook] }],
    validating: [{ name: registrationNames.validatingConfiguration, webhooks: [registrationNames.validationWebhook, registrationNames.protectionWebhook] }],
    crds: convertibleKinds().map((info) => `${info.plural}.${apiGroup}`),
  };
}

/** A failure to publish the CA bundle to one or more objects; `failures` names each. */
export class CaBundlePublishError extends AppError {
  readonly failures: readonly string[];
  constructor(failures: readonly string[], options: { cause?: unknown } = {}) {
    super('WEBHOOK_CA_BUNDLE', `could not publish the webhook CA bundle to: ${failures.join('; ')}`, { kind: 'transient', ...options });
    this.failures = failures;
  }
}

/** The patches that set `caPem` (PEM, base64-encoded here) on every target. */
export function caBundlePatches(caPem: string, targets: CaBundleTargets = defaultCaBundleTargets()): ResourcePatch[] {
  const caBundle = Buffer.from(caPem).toString('base64');
  const webhooks = (names: readonly string[]): Record<string, unknown> => ({ webhooks: names.map((name) => ({ name, clientConfig: { caBundle } })) });
  const admission = 'admissionregistration.k8s.io/v1';
  return [
    ...targets.mutating.map((t): ResourcePatch => ({
      apiVersion: admission,
      kind: 'MutatingWebhookConfiguration',
      resource: 'mutatingwebhookconfigurations',
      name: t.name,
      contentType: 'application/strategic-merge-patch+json',
      body: webhooks(t.webhooks),
    })),
    ...targets.validating.map((t): ResourcePatch => ({
      apiVersion: admission,
      kind: 'ValidatingWebhookConfiguration',
      resource: 'validatingwebhookconfigurations',
      name: t.name,
      contentType: 'application/strategic-merge-patch+json',
      body: webhooks(t.webhooks),
    })),
    ...targets.crds.map((name): ResourcePatch => ({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      resource: 'customresourcedefinitions',
      name,
      contentType: 'application/merge-patch+json',
      body: { spec: { conversion: { webhook: { clientConfig: { caBundle } } } } },
    })),
  ];
}

/** Applies every patch (all are tried); throws CaBundlePublishError naming each one that failed. */
export async function publishCaBundle(caPem: string, patch: PatchFunction, targets?: CaBundleTargets): Promise<void> {
  const patches = caBundlePatches(caPem, targets);
  const results = await Promise.allSettled(patches.map(async (p) => patch(p)));
  const failures = results.flatMap((r, i) => (r.status === 'rejected' ? [`${patches[i]!.kind} ${patches[i]!.name}: ${messageOf(r.reason)}`] : []));
  const firstFailure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failures.length > 0) throw new CaBundlePublishError(failures, { cause: firstFailure?.reason });
}
