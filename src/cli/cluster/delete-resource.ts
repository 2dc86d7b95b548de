/**
 * Deletes one resource for the `delete` commands. `--force` first sets the webhook's force
 * annotation, so deleting a stack, store, lifecycle or buildpack that builders still use goes
 * through; without it the webhook's refusal, which names the users, is the command's error.
 */
import { forceDeleteAnnotation } from '../../webhook/index.ts';
import type { ObjectClient, ObjectName } from './port.ts';

/** What `--force` says on every protected kind's delete command. */
export const forceDeleteHelp = `delete even when builders use it (sets the ${forceDeleteAnnotation} annotation first)`;

/** Deletes `ref`; with `force`, marks it with the force annotation first. */
export async function deleteResource(objects: ObjectClient, ref: ObjectName, options: { force: boolean }): Promise<void> {
  if (options.force) await objects.patch({ ...ref, patch: { metadata: { annotations: { [forceDeleteAnnotation]: 'true' } } } });
  await objects.delete(ref);
}
