/**
 * Everything `packsmith install --print` emits, in the order `kubectl apply` should create it:
 * namespace, CRDs (the convertible ones with the conversion webhook), RBAC, Service, Deployments,
 * the default ClusterLifecycle, and last the admission webhook configurations, so that nothing
 * above waits for a webhook that is not running yet. The webhook patches its CA bundle in.
 * kubectl cannot create the ClusterLifecycle until its CRD is established, so an installation
 * applies the CRDs first (`--crds-only`), waits, then applies everything.
 */
import { stringify } from 'yaml';
import { allCustomResourceDefinitions, defaultLifecycleName } from '../api/index.ts';
import { conversionClientConfig, mutatingWebhookConfiguration, serviceEndpoint, validatingWebhookConfiguration } from '../webhook/index.ts';
import { commonLabels, installDefaults, installNames, type InstallOptions } from './options.ts';
import { rbacManifests } from './rbac.ts';
import { controllerDeployment, webhookDeployment, webhookService } from './workloads.ts';
import { isJsonObject } from '../shared/index.ts';

type Manifest = Record<string, unknown>;

/** The default ClusterLifecycle builders use when they name none. */
export function defaultLifecycle(image: string = installDefaults.lifecycleImage): Manifest {
  return {
    apiVersion: 'kpack.io/v1alpha2',
    kind: 'ClusterLifecycle',
    metadata: { name: defaultLifecycleName, labels: commonLabels() },
    spec: { image },
  };
}

/** The comment that opens rendered manifests. */
export const installHeader = '# packsmith installation, rendered by `packsmith install --print`; apply with kubectl apply -f.\n';

/** A named group of manifests, as one file under config/deploy/ (file names sort in apply order). */
export interface ManifestFile {
  file: string;
  manifests: Manifest[];
}

/**
 * The CRDs as installed: labelled as packsmith's (so `kubectl wait … -l` can find them) and, for
 * the kinds served in two versions, converted by the webhook behind the Service.
 */
export function installCrds(options: Pick<InstallOptions, 'namespace'>): Manifest[] {
  const endpoint = serviceEndpoint({ namespace: options.namespace, name: installNames.webhook });
  return allCustomResourceDefinitions({ conversionClientConfig: conversionClientConfig(endpoint) }).map((crd) => ({
    ...crd,
    metadata: { ...(isJsonObject(crd.metadata) ? crd.metadata : {}), labels: commonLabels() },
  }));
}

/** The installation's objects grouped into files, in apply order. */
export function installManifestFiles(options: InstallOptions): ManifestFile[] {
  const endpoint = serviceEndpoint({ namespace: options.namespace, name: installNames.webhook });
  return [
    { file: '00-namespace.yaml', manifests: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: options.namespace, labels: commonLabels() } }] },
    { file: '10-crds.yaml', manifests: installCrds(options) },
    { file: '20-rbac.yaml', manifests: rbacManifests(options) },
    { file: '30-webhook.yaml', manifests: [webhookService(options), webhookDeployment(options)] },
    { file: '40-controller.yaml', manifests: [controllerDeployment(options)] },
    { file: '50-default-lifecycle.yaml', manifests: [defaultLifecycle(options.lifecycleImage)] },
    { file: '60-webhook-configurations.yaml', manifests: [mutatingWebhookConfiguration(endpoint), validatingWebhookConfiguration(endpoint)] },
  ];
}

/** The installation's objects, in apply order. */
export function installManifests(options: InstallOptions): Manifest[] {
  return installManifestFiles(options).flatMap((f) => f.manifests);
}

/** Multi-document YAML (YAML 1.1, as Kubernetes tools read it) with a header naming the source. */
export function renderManifestsYaml(manifests: readonly Manifest[], header = installHeader): string {
  return header + manifests.map((m) => `---\n${stringify(m, { version: '1.1', lineWidth: 0, aliasDuplicateObjects: false })}`).join('');
}
