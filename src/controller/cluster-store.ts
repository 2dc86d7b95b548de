/**
 * Reconcilers of the resources that supply buildpacks: ClusterStore (its `sources`), and Buildpack
 * and ClusterBuildpack (one `image`; the scope is a parameter). Each reads its images with its own
 * credentials and records the buildpacks in `status.buildpacks`, in compact form past a size budget
 * (app/store-status.ts).
 */
import { readStoreSources, storeSourcesOf, storeStatusFields } from '../app/index.ts';
import type { ReconcilerDeps } from './ports.ts';
import type { Reconciler } from './reconciler.ts';
import { resolvingReconciler } from './resolving.ts';

/** Reconciles ClusterStores. */
export function clusterStoreReconciler(deps: ReconcilerDeps): Reconciler {
  return resolvingReconciler(
    {
      kind: 'ClusterStore',
      resolve: async (object, keychain, pins, signal) =>
        storeStatusFields(await readStoreSources({ sources: storeSourcesOf(object, pins), keychain }, { images: deps.images, signal }), deps.statusBudgetBytes),
    },
    deps,
  );
}

/** Reconciles Buildpacks (`scope: 'namespaced'`) or ClusterBuildpacks (`scope: 'cluster'`). */
export function buildpackReconciler(scope: 'namespaced' | 'cluster', deps: ReconcilerDeps): Reconciler {
  const resolve = (kind: 'Buildpack' | 'ClusterBuildpack') =>
    resolvingReconciler(
      {
        kind,
        resolve: async (object, keychain, pins, signal) =>
          storeStatusFields(
            await readStoreSources({ sources: storeSourcesOf(object, pins), keychain }, { images: deps.images, signal }),
            deps.statusBudgetBytes,
          ),
      },
      deps,
    );
  return scope === 'namespaced' ? resolve('Buildpack') : resolve('ClusterBuildpack');
}
