/**
 * What differs between the `builder` (namespaced Builder) and `clusterbuilder` (ClusterBuilder)
 * command groups: the kind, whether `-n` and `--service-account` apply, and kp's wording.
 */

/** One of the two builder kinds, with the words its commands print. */
export interface BuilderScope {
  kind: 'Builder' | 'ClusterBuilder';
  /** The command group's name. */
  command: 'builder' | 'clusterbuilder';
  namespaced: boolean;
  /** The word kp's status puts before `NAME`/`KIND` in the table of order entries named by object. */
  refTableWord: 'Buildpack' | 'ClusterBuildpack';
  /** The error `list` reports when there is nothing to list. */
  noneFound: string;
}

/** `packsmith builder ...` */
export const builderScope: BuilderScope = {
  kind: 'Builder',
  command: 'builder',
  namespaced: true,
  refTableWord: 'Buildpack',
  noneFound: 'no builders found',
};

/** `packsmith clusterbuilder ...` */
export const clusterBuilderScope: BuilderScope = {
  kind: 'ClusterBuilder',
  command: 'clusterbuilder',
  namespaced: false,
  refTableWord: 'ClusterBuildpack',
  noneFound: 'no clusterbuilders found',
};
