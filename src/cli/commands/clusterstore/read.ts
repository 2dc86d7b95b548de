/**
 * The store commands that do not relocate anything: status, list and delete (with kp's
 * confirmation, since builders stop picking up buildpack updates from a deleted store).
 */
import { NotFoundError } from '../../../shared/index.ts';
import { deleteResource, withClusterSession, type KubeFlags } from '../../cluster/index.ts';
import { CliError } from '../../errors.ts';
import type { CliIo } from '../../io.ts';
import { renderStoreList, renderStoreStatus, renderStoreStatusVerbose } from './render.ts';

/** kp's warning, shown before the question and in `delete --help`. */
export const deleteWarning = 'WARNING: Builders referring to buildpacks from this store will no longer schedule rebuilds for buildpack updates.';

/** The answers that confirm a deletion (anything else, an empty line included, declines). */
export const confirmingAnswers: readonly string[] = ['y', 'Y', 'yes', 'YES'];

/** `clusterstore status [-v]`. */
export async function showStoreStatus(io: CliIo, request: { name: string; verbose: boolean; kube: KubeFlags }): Promise<void> {
  const store = await withClusterSession(io, { kube: request.kube }, (session) => session.objects.get({ kind: 'ClusterStore', name: request.name }));
  io.stdout(request.verbose ? renderStoreStatusVerbose(store) : renderStoreStatus(store));
}

/** `clusterstore list`. */
export async function listStores(io: CliIo, request: { kube: KubeFlags }): Promise<void> {
  const stores = await withClusterSession(io, { kube: request.kube }, (session) => session.objects.list({ kind: 'ClusterStore' }));
  if (stores.length === 0) throw new CliError('no ClusterStores found');
  io.stdout(renderStoreList(stores));
}

/** `clusterstore delete [-f]`: `--force` neither asks nor stops at builders that use the store. */
export async function deleteStore(io: CliIo, request: { name: string; force: boolean; kube: KubeFlags }): Promise<void> {
  if (!request.force) {
    const answer = await io.ask(`${deleteWarning}\nPlease confirm store deletion by typing 'y': `);
    if (!confirmingAnswers.includes(answer)) {
      io.stdout('Skipping ClusterStore deletion\n');
      return;
    }
  }
  await withClusterSession(io, { kube: request.kube }, async (session) => {
    try {
      await deleteResource(session.objects, { kind: 'ClusterStore', name: request.name }, { force: request.force });
    } catch (error) {
      if (error instanceof NotFoundError) throw new CliError(`Store "${request.name}" does not exist`, undefined, { cause: error });
      throw error;
    }
  });
  io.stdout(`ClusterStore "${request.name}" store deleted\n`);
}
