/**
 * The two buildpack kinds side by side: a namespaced Buildpack (credentials from a service account
 * in its own namespace) and a cluster-wide ClusterBuildpack (credentials from kp-config's service
 * account). Every command is written once over this description.
 */
import type { KubeObject } from '../../cluster/port.ts';
import { specFields, type KpConfig } from '../../cluster/index.ts';

/** What differs between `packsmith buildpack` and `packsmith clusterbuildpack`. */
export interface BuildpackScope {
  kind: 'Buildpack' | 'ClusterBuildpack';
  /** The command group's name and kp's short alias. */
  command: 'buildpack' | 'clusterbuildpack';
  alias: 'bp' | 'cbp';
  /** How kp names the kind in result lines (`Cluster Buildpack "x" created`). */
  title: string;
  namespaced: boolean;
  /** kp's error when a list is empty. */
  emptyList: string;
}

/** `packsmith buildpack`: namespaced. */
export const buildpackScope: BuildpackScope = {
  kind: 'Buildpack',
  command: 'buildpack',
  alias: 'bp',
  title: 'Buildpack',
  namespaced: true,
  emptyList: 'no buildpacks found',
};

/** `packsmith clusterbuildpack`: cluster scoped. */
export const clusterBuildpackScope: BuildpackScope = {
  kind: 'ClusterBuildpack',
  command: 'clusterbuildpack',
  alias: 'cbp',
  title: 'Cluster Buildpack',
  namespaced: false,
  emptyList: 'no cluster buildpacks found',
};

/** Where a new object goes and who reads its image. */
export interface NewBuildpack {
  name: string;
  /** Namespace of a Buildpack; ignored for a ClusterBuildpack. */
  namespace: string;
  /** The relocated image, `<repository>@sha256:…`. */
  image: string;
  /** Service account of a Buildpack (its own namespace). */
  serviceAccount: string;
  kpConfig: KpConfig;
}

/**
 * The object `create` writes: a Buildpack names a service account of its namespace; a
 * ClusterBuildpack refers to kp-config's service account (the one that can read the default
 * repository). Every field is written out: no webhook is assumed to default anything.
 */
export function newBuildpackObject(scope: BuildpackScope, input: NewBuildpack): KubeObject {
  if (scope.namespaced) {
    return { metadata: { name: input.name, namespace: input.namespace }, spec: { image: input.image, serviceAccountName: input.serviceAccount } };
  }
  const { name, namespace } = input.kpConfig.serviceAccount;
  return { metadata: { name: input.name }, spec: { image: input.image, serviceAccountRef: { name, namespace } } };
}

/** The object's `spec.image`, if any. */
export function specImage(object: KubeObject): string | undefined {
  const { image } = specFields(object);
  return typeof image === 'string' ? image : undefined;
}
