/**
 * Reconciles ClusterStacks: resolves the build and run images with the stack's credentials through
 * `resolveStack` and records the pinned images, mixins, user and group in status.
 */
import { resolveStack } from '../app/index.ts';
import type { ReconcilerDeps } from './ports.ts';
import type { Reconciler } from './reconciler.ts';
import { resolvingReconciler, specOf } from './resolving.ts';

const imageOf = (value: unknown): string => {
  const image = (value as { image?: unknown } | undefined)?.image;
  return typeof image === 'string' ? image : '';
};

/** Reconciles ClusterStacks. */
export function clusterStackReconciler(deps: ReconcilerDeps): Reconciler {
  return resolvingReconciler(
    {
      kind: 'ClusterStack',
      resolve: async (object, keychain, signal) => {
        const spec = specOf(object);
        const id = typeof spec.id === 'string' ? spec.id : '';
        const stack = await resolveStack({ id, buildImage: imageOf(spec.buildImage), runImage: imageOf(spec.runImage), keychain }, { images: deps.images, signal });
        return { ...stack };
      },
    },
    deps,
  );
}
