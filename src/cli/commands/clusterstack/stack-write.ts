/**
 * `clusterstack create|patch|save`: both images are read and checked to carry the same stack id
 * before anything is uploaded, then relocated into the default repository and written to the
 * stack's spec by digest, with kp-config's service account.
 */
import type { ClusterStackSpec } from '../../../api/index.ts';
import type { KubeObject } from '../../cluster/port.ts';
import { createResource, patchResource, readKpConfig, relocateImage, requireDefaultRepository, type KpConfig } from '../../cluster/index.ts';
import { CliError } from '../../errors.ts';
import { announce, imageSource, readLabels, specOf, type WriteRun } from './shared.ts';

const stackIdLabel = 'io.buildpacks.stack.id';

/** The images a user names, as given on the command line. */
export interface StackImages {
  build: string;
  run: string;
}

/** The stack id both images agree on, or kp's error: a missing label, or build and run ids that differ. */
export function stackIdOf(buildLabels: Record<string, string>, runLabels: Record<string, string>): string {
  const build = buildLabels[stackIdLabel];
  const run = runLabels[stackIdLabel];
  if (build === undefined || run === undefined) throw new CliError('invalid stack image');
  if (build !== run) throw new CliError(`build stack '${build}' does not match run stack '${run}'`);
  return build;
}

interface UploadedStack {
  id: string;
  buildImage: string;
  runImage: string;
  config: KpConfig;
}

async function uploadStack(run: WriteRun, images: StackImages): Promise<UploadedStack> {
  const build = imageSource(images.build);
  const runImage = imageSource(images.run);
  const id = stackIdOf(await readLabels(run.session, build), await readLabels(run.session, runImage));
  const config = await readKpConfig(run.session.objects);
  const repository = requireDefaultRepository(config);
  announce(run.reporter, `Uploading to '${repository}'...`);
  const context = { reporter: run.reporter, io: run.io };
  const relocatedBuild = await relocateImage({ source: build, repository }, run.session, context);
  const relocatedRun = await relocateImage({ source: runImage, repository }, run.session, context);
  return { id, buildImage: relocatedBuild.reference, runImage: relocatedRun.reference, config };
}

/** Uploads the images and creates ClusterStack `name`; waits for it unless told not to. */
export async function createStack(run: WriteRun, name: string, images: StackImages): Promise<void> {
  announce(run.reporter, 'Creating ClusterStack...');
  const uploaded = await uploadStack(run, images);
  const spec: ClusterStackSpec = {
    id: uploaded.id,
    buildImage: { image: uploaded.buildImage },
    runImage: { image: uploaded.runImage },
    serviceAccountRef: { ...uploaded.config.serviceAccount },
  };
  await createResource(run, 'ClusterStack', { metadata: { name }, spec });
  run.reporter.result(`ClusterStack "${name}" created`);
}

/** Uploads the images and points `current` at them (and at their stack id); `(no change)` when it already did. */
export async function patchStack(run: WriteRun, current: KubeObject, images: StackImages): Promise<void> {
  announce(run.reporter, 'Updating ClusterStack...');
  const uploaded = await uploadStack(run, images);
  const spec = specOf<ClusterStackSpec>(current);
  const wanted: KubeObject = {
    ...current,
    spec: {
      ...spec,
      id: uploaded.id,
      buildImage: { ...spec.buildImage, image: uploaded.buildImage },
      runImage: { ...spec.runImage, image: uploaded.runImage },
    },
  };
  const { changed } = await patchResource(run, 'ClusterStack', current, wanted);
  run.reporter.result(`ClusterStack "${current.metadata.name}" updated`, changed);
}
