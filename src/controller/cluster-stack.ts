/**
 * Reconciles ClusterStacks: resolves the build and run images with the stack's credentials through
 * `resolveStack` and records the pinned images, mixins, user and group in status.
 */
import { resolveStack, stackImagesOf } from '../app/index.ts';
import type { ReconcilerDeps } from './ports.ts';
import type { Reconciler } from './reconciler.ts';
import { resolvingReconciler } from './resolving.ts';

/** Reconciles ClusterStacks. */
export function clusterStackReconciler(deps: ReconcilerDeps): Reconciler {
  return resolvingReconciler(
    {
      kind: 'ClusterStack',
      resolve: async (object, keychain, pins, signal) => ({
        fields: { ...(await resolveStack({ ...stackImagesOf(object), keychain, pins }, { images: deps.images, signal })) },
      }),
    },
    deps,
  );
}
