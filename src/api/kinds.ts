/**
 * The seven kpack.io kinds: names, scope, served versions with their schemas, and printer columns.
 * One table drives parsing, validation, CRD generation and the CLI.
 */
import type * as z from 'zod/mini';
import * as v1 from './v1alpha1.ts';
import * as v2 from './v1alpha2.ts';

/** The API group of every kind here. */
export const apiGroup = 'kpack.io';
/** The version the API server stores. */
export const storageVersion = 'v1alpha2';

/** The names of the kinds packsmith serves. */
export type KindName = 'ClusterStore' | 'ClusterStack' | 'ClusterLifecycle' | 'Buildpack' | 'ClusterBuildpack' | 'Builder' | 'ClusterBuilder';

/** Spec and status schemas of one kind in one version. */
export interface VersionSchemas {
  spec: z.ZodMiniType;
  status: z.ZodMiniType;
}

/** A printer column as `kubectl get` shows it. */
export interface PrinterColumn {
  name: string;
  type: 'string' | 'integer' | 'date';
  jsonPath: string;
}

/** Everything packsmith knows about one kind. */
export interface KindInfo {
  kind: KindName;
  plural: string;
  singular: string;
  scope: 'Cluster' | 'Namespaced';
  shortNames: readonly string[];
  versions: { v1alpha2: VersionSchemas; v1alpha1?: VersionSchemas };
  printerColumns: { v1alpha2: readonly PrinterColumn[]; v1alpha1: readonly PrinterColumn[] };
}

const ready: PrinterColumn = { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' };
const upToDate: PrinterColumn = { name: 'UpToDate', type: 'string', jsonPath: '.status.conditions[?(@.type=="UpToDate")].status' };
const latestImage: PrinterColumn = { name: 'LatestImage', type: 'string', jsonPath: '.status.latestImage' };
const readyOnly = { v1alpha2: [ready], v1alpha1: [ready] };
const builderColumns = { v1alpha2: [latestImage, ready, upToDate], v1alpha1: [latestImage, ready] };

/** Every kind, in the order dependencies are resolved in (stores and stacks before builders). */
export const kinds: readonly KindInfo[] = [
  {
    kind: 'ClusterStore',
    plural: 'clusterstores',
    singular: 'clusterstore',
    scope: 'Cluster',
    shortNames: [],
    versions: { v1alpha2: { spec: v2.clusterStoreSpec, status: v2.storeStatus }, v1alpha1: { spec: v1.clusterStoreSpecV1, status: v2.storeStatus } },
    printerColumns: readyOnly,
  },
  {
    kind: 'ClusterStack',
    plural: 'clusterstacks',
    singular: 'clusterstack',
    scope: 'Cluster',
    shortNames: [],
    versions: {
      v1alpha2: { spec: v2.clusterStackSpec, status: v2.clusterStackStatus },
      v1alpha1: { spec: v1.clusterStackSpecV1, status: v2.clusterStackStatus },
    },
    printerColumns: readyOnly,
  },
  {
    kind: 'ClusterLifecycle',
    plural: 'clusterlifecycles',
    singular: 'clusterlifecycle',
    scope: 'Cluster',
    shortNames: [],
    versions: { v1alpha2: { spec: v2.clusterLifecycleSpec, status: v2.clusterLifecycleStatus } },
    printerColumns: readyOnly,
  },
  {
    kind: 'Buildpack',
    plural: 'buildpacks',
    singular: 'buildpack',
    scope: 'Namespaced',
    shortNames: ['bp', 'bps'],
    versions: { v1alpha2: { spec: v2.buildpackSpec, status: v2.storeStatus } },
    printerColumns: readyOnly,
  },
  {
    kind: 'ClusterBuildpack',
    plural: 'clusterbuildpacks',
    singular: 'clusterbuildpack',
    scope: 'Cluster',
    shortNames: ['clstbp', 'clstbps'],
    versions: { v1alpha2: { spec: v2.clusterBuildpackSpec, status: v2.storeStatus } },
    printerColumns: readyOnly,
  },
  {
    kind: 'Builder',
    plural: 'builders',
    singular: 'builder',
    scope: 'Namespaced',
    shortNames: ['bldr', 'bldrs'],
    versions: { v1alpha2: { spec: v2.builderSpec, status: v2.builderStatus }, v1alpha1: { spec: v1.builderSpecV1, status: v2.builderStatus } },
    printerColumns: builderColumns,
  },
  {
    kind: 'ClusterBuilder',
    plural: 'clusterbuilders',
    singular: 'clusterbuilder',
    scope: 'Cluster',
    shortNames: ['clstbldr', 'clstbldrs'],
    versions: {
      v1alpha2: { spec: v2.clusterBuilderSpec, status: v2.builderStatus },
      v1alpha1: { spec: v1.clusterBuilderSpecV1, status: v2.builderStatus },
    },
    printerColumns: builderColumns,
  },
];

/** Looks a kind up by name; undefined for kinds packsmith does not serve. */
export function kindInfo(kind: string): KindInfo | undefined {
  return kinds.find((k) => k.kind === kind);
}
