/**
 * Reconciles ClusterLifecycles: reads the lifecycle image with the lifecycle's credentials through
 * `readLifecycle` and records the pinned image, version and APIs in status.
 */
import { readLifecycle } from '../app/index.ts';
import type { ReconcilerDeps } from './ports.ts';
import type { Reconciler } from './reconciler.ts';
import { resolvingReconciler } from './resolving.ts';

/** Reconciles ClusterLifecycles. */
export function clusterLifecycleReconciler(deps: ReconcilerDeps): Reconciler {
  return resolvingReconciler(
    {
      kind: 'ClusterLifecycle',
      resolve: async (object, keychain, pins, signal) => {
        const image = object.spec.image ?? '';
        const read = pins.get(image);
        return { fields: { ...(await readLifecycle({ image, keychain, ...(read ? { read } : {}) }, { images: deps.images, signal })) } };
      },
    },
    deps,
  );
}
