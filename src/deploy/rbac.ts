/**
 * Least-privilege RBAC: the controller reads the seven kinds and writes only their status, reads
 * and watches ServiceAccounts and Secrets for registry credentials, records events and holds a Lease
 * in its own namespace; the webhook may only read and patch its own registrations and convertible CRDs, and list builders
 * (to refuse deleting what they use).
 */
import { apiGroup, convertibleKinds, kinds } from '../api/index.ts';
import { registrationNames } from '../webhook/index.ts';
import { commonLabels, installNames, type InstallOptions } from './options.ts';

type Manifest = Record<string, unknown>;

const rbacApi = 'rbac.authorization.k8s.io/v1';

function serviceAccount(name: string, namespace: string): Manifest {
  return { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace, labels: commonLabels(name) } };
}

function clusterRole(name: string, rules: readonly Manifest[]): Manifest {
  return { apiVersion: rbacApi, kind: 'ClusterRole', metadata: { name, labels: commonLabels(name) }, rules };
}

function binding(kind: 'ClusterRoleBinding' | 'RoleBinding', name: string, namespace: string): Manifest {
  return {
    apiVersion: rbacApi,
    kind,
    metadata: { name, ...(kind === 'RoleBinding' ? { namespace } : {}), labels: commonLabels(name) },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: kind === 'RoleBinding' ? 'Role' : 'ClusterRole', name },
    subjects: [{ kind: 'ServiceAccount', name, namespace }],
  };
}

function controllerRules(): Manifest[] {
  const plurals = kinds.map((k) => k.plural);
  return [
    { apiGroups: [apiGroup], resources: plurals, verbs: ['get', 'list', 'watch'] },
    { apiGroups: [apiGroup], resources: plurals.map((p) => `${p}/status`), verbs: ['patch'] },
    // Credentials: a store's or builder's ServiceAccount and the pull/push Secrets it names; watched
    // cluster-wide so that a fixed Secret re-reconciles its users at once.
    { apiGroups: [''], resources: ['serviceaccounts', 'secrets'], verbs: ['get', 'list', 'watch'] },
    { apiGroups: ['', 'events.k8s.io'], resources: ['events'], verbs: ['create', 'patch'] },
  ];
}

function webhookRules(): Manifest[] {
  const admission = 'admissionregistration.k8s.io';
  return [
    { apiGroups: [admission], resources: ['mutatingwebhookconfigurations'], resourceNames: [registrationNames.mutatingConfiguration], verbs: ['get', 'patch'] },
    {
      apiGroups: [admission],
      resources: ['validatingwebhookconfigurations'],
      resourceNames: [registrationNames.validatingConfiguration],
      verbs: ['get', 'patch'],
    },
    {
      apiGroups: ['apiextensions.k8s.io'],
      resources: ['customresourcedefinitions'],
      resourceNames: convertibleKinds().map((k) => `${k.plural}.${apiGroup}`),
      verbs: ['get', 'patch'],
    },
    // In-use protection: which builders use a stack, store, lifecycle or buildpack being deleted.
    { apiGroups: [apiGroup], resources: ['builders', 'clusterbuilders'], verbs: ['list'] },
  ];
}

/** ServiceAccounts, roles and bindings of the controller and the webhook. */
export function rbacManifests(options: Pick<InstallOptions, 'namespace'>): Manifest[] {
  const { namespace } = options;
  const { controller, webhook } = installNames;
  return [
    serviceAccount(controller, namespace),
    serviceAccount(webhook, namespace),
    clusterRole(controller, controllerRules()),
    clusterRole(webhook, webhookRules()),
    binding('ClusterRoleBinding', controller, namespace),
    binding('ClusterRoleBinding', webhook, namespace),
    {
      apiVersion: rbacApi,
      kind: 'Role',
      metadata: { name: controller, namespace, labels: commonLabels(controller) },
      // Leader election (one Lease) or `--shards` (a Lease per shard and per replica, listed each round), in this namespace.
      rules: [{ apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'list', 'create', 'update'] }],
    },
    binding('RoleBinding', controller, namespace),
  ];
}
