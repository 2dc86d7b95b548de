/**
 * Relocation, as kp does it: an image named by the user (registry reference, `oci:` layout or a
 * local `.cnb` file) is copied into the default repository and referred to there by digest. The
 * copy's tag is derived from the digest, so relocating the same image again writes nothing, and
 * blobs the repository already has (or can mount from the same registry) are never uploaded.
 */
import type { ClusterSession } from './session.ts';
import type { Reporter } from './reporter.ts';
import { terminalProgress } from '../progress.ts';
import type { CliIo } from '../io.ts';

/** What to relocate and where. */
export interface RelocateRequest {
  source: string;
  /** Destination repository, without tag or digest. */
  repository: string;
}

/** `<repository>@<digest>` of the relocated image; with `--dry-run` the digest is the source's and nothing is written. */
export async function relocateImage(
  request: RelocateRequest,
  session: ClusterSession,
  context: { reporter: Reporter; io: CliIo },
): Promise<{ reference: string; digest: string; labels: Record<string, string> }> {
  const { image } = await session.images.readImage(request.source, { keychain: session.keychain });
  const [digest, config] = await Promise.all([image.digest(), image.configFile()]);
  const reference = `${request.repository}@${digest}`;
  const labels = { ...(config.config?.Labels ?? {}) };
  if (context.reporter.skipUploads) {
    context.reporter.progress(`\tSkipping '${reference}'`);
    return { reference, digest, labels };
  }
  context.reporter.progress(`\tUploading '${reference}'`);
  const progress = terminalProgress(context.io);
  const tag = `${request.repository}:${digest.replace(':', '-')}`;
  // The image already read is written as it is: its manifest, config and blobs are fetched once.
  const written = await session.images.writeImage(image, tag, {
    keychain: session.keychain,
    ...(progress.onProgress ? { onProgress: progress.onProgress } : {}),
  });
  return { reference: `${request.repository}@${written.digest}`, digest: written.digest, labels };
}
