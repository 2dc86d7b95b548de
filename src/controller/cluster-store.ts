/**
 * Reconcilers of the resources that supply buildpacks: ClusterStore (its `sources`), and Buildpack
 * and ClusterBuildpack (one `image`; the scope is a parameter). Each reads its images with its own
 * credentials through `readStore` and records the buildpacks in `status.buildpacks`.
 */
import type { KpackResource } from '../api/index.ts';
import { readStore, type StoreSource } from '../app/index.ts';
import type { ReconcilerDeps } from './ports.ts';
import type { Reconciler } from './reconciler.ts';
import { resolvingReconciler, specOf } from './resolving.ts';

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

/** The images a ClusterStore names, with their spec paths for error messages. */
export function storeSources(object: KpackResource): StoreSource[] {
  const sources = (specOf(object).sources ?? []) as Array<{ image?: string }>;
  return sources.map((s, i) => ({ image: text(s.image), path: `spec.sources[${i}]` }));
}

/** Reconciles ClusterStores. */
export function clusterStoreReconciler(deps: ReconcilerDeps): Reconciler {
  return resolvingReconciler(
    {
      kind: 'ClusterStore',
      resolve: async (object, keychain, signal) => ({ buildpacks: await readStore({ sources: storeSources(object), keychain }, { images: deps.images, signal }) }),
    },
    deps,
  );
}

/** Reconciles Buildpacks (`scope: 'namespaced'`) or ClusterBuildpacks (`scope: 'cluster'`). */
export function buildpackReconciler(scope: 'namespaced' | 'cluster', deps: ReconcilerDeps): Reconciler {
  return resolvingReconciler(
    {
      kind: scope === 'namespaced' ? 'Buildpack' : 'ClusterBuildpack',
      resolve: async (object, keychain, signal) => {
        const sources = [{ image: text(specOf(object).image), path: 'spec.image' }];
        return { buildpacks: await readStore({ sources, keychain }, { images: deps.images, signal }) };
      },
    },
    deps,
  );
}
