/**
 * `clusterlifecycle create|patch|save`: the image must carry the lifecycle's version and APIs
 * labels; it is then relocated into the default repository and written to the spec by digest,
 * with kp-config's service account (set on create only, as kp does).
 */
import type { ClusterLifecycleSpec } from '../../../api/index.ts';
import type { KubeObject } from '../../cluster/port.ts';
import { createResource, patchResource, readKpConfig, relocateImage, requireDefaultRepository, type KpConfig } from '../../cluster/index.ts';
import { CliError } from '../../errors.ts';
import { announce, imageSource, readLabels, specOf, type WriteRun } from './shared.ts';

const requiredLabels = ['io.buildpacks.lifecycle.version', 'io.buildpacks.lifecycle.apis'] as const;

/** Throws kp's error when a label a lifecycle image needs is missing. */
export function checkLifecycleLabels(labels: Record<string, string>): void {
  const missing = requiredLabels.find((label) => labels[label] === undefined);
  if (missing !== undefined) throw new CliError(`invalid lifecycle image: missing label ${missing}`);
}

async function uploadLifecycle(run: WriteRun, image: string): Promise<{ image: string; config: KpConfig }> {
  const source = imageSource(image);
  checkLifecycleLabels(await readLabels(run.session, source));
  const config = await readKpConfig(run.session.objects);
  const repository = requireDefaultRepository(config);
  announce(run.reporter, `Uploading to '${repository}'...`);
  const relocated = await relocateImage({ source, repository }, run.session, { reporter: run.reporter, io: run.io });
  return { image: relocated.reference, config };
}

/** Uploads `image` and creates ClusterLifecycle `name` (with kubectl's last-applied annotation, as kp); waits for it unless told not to. */
export async function createLifecycle(run: WriteRun, name: string, image: string): Promise<void> {
  announce(run.reporter, 'Creating ClusterLifecycle...');
  const uploaded = await uploadLifecycle(run, image);
  const spec: ClusterLifecycleSpec = { image: uploaded.image, serviceAccountRef: { ...uploaded.config.serviceAccount } };
  await createResource(run, 'ClusterLifecycle', { metadata: { name }, spec }, { recordApplied: true });
  run.reporter.result(`ClusterLifecycle "${name}" created`);
}

/** Uploads `image` and points `current` at it; `(no change)` when it already did. */
export async function patchLifecycle(run: WriteRun, current: KubeObject, image: string): Promise<void> {
  announce(run.reporter, 'Updating ClusterLifecycle...');
  const uploaded = await uploadLifecycle(run, image);
  const wanted: KubeObject = { ...current, spec: { ...specOf<ClusterLifecycleSpec>(current), image: uploaded.image } };
  const { changed } = await patchResource(run, 'ClusterLifecycle', current, wanted);
  run.reporter.result(`ClusterLifecycle "${current.metadata.name}" updated`, changed);
}
