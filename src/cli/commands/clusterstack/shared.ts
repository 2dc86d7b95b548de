/**
 * What the clusterstack, clusterlifecycle and config commands share: running a write command in a
 * cluster session with its reporter, progress lines that carry the dry-run
 * suffix, and the local-file rule for image arguments.
 */
import { existsSync, statSync } from 'node:fs';
import type { KubeObject } from '../../cluster/port.ts';
import {
  readKubeFlags,
  resultSuffix,
  withClusterSession,
  withWriteSession,
  type ClusterSession,
  type Reporter,
  type WriteContext,
} from '../../cluster/index.ts';
import type { CliIo } from '../../io.ts';

/** A write command's inputs: the session, its reporter and flags, and the terminal. */
export interface WriteRun extends WriteContext {
  io: CliIo;
}

/** Parses the connection, registry and write flags and runs `body` in a cluster session. */
export async function runWrite(io: CliIo, options: Record<string, unknown>, body: (run: WriteRun) => Promise<void>): Promise<void> {
  await withWriteSession(io, options, (context) => body({ ...context, io }));
}

/** Runs `body` in a cluster session that never touches images (status, list, delete, config). */
export async function runRead<T>(io: CliIo, options: Record<string, unknown>, body: (session: ClusterSession) => Promise<T>): Promise<T> {
  return withClusterSession(io, { kube: readKubeFlags(options) }, body);
}

/** A progress line that, like kp's, names a dry run (`Creating ClusterStack... (dry run)`). */
export function announce(reporter: Reporter, line: string): void {
  reporter.progress(reporter.mode === 'apply' ? line : `${line}${resultSuffix(reporter.mode)}`);
}

/**
 * The image reference to read for a user's image argument. As with kp, an existing local path is
 * read from disk: a directory as an OCI layout (`oci:DIR`), a file as an OCI layout archive (`.tar`,
 * `.cnb`). Anything else (explicit `oci:`/`file:` references, registry references) is kept.
 */
export function imageSource(argument: string, exists: (path: string) => 'dir' | 'file' | undefined = localKind): string {
  if (argument.startsWith('oci:') || argument.startsWith('file:') || argument.endsWith('.cnb')) return argument;
  const kind = exists(argument);
  if (kind === 'dir') return `oci:${argument}`;
  if (kind === 'file') return `file:${argument}`;
  return argument;
}

function localKind(path: string): 'dir' | 'file' | undefined {
  if (!existsSync(path)) return undefined;
  return statSync(path).isDirectory() ? 'dir' : 'file';
}

/** The image config labels of `source` (read with the user's Docker credentials; no layer is fetched). */
export async function readLabels(session: ClusterSession, source: string): Promise<Record<string, string>> {
  const { image } = await session.images.readImage(source, { keychain: session.keychain });
  const config = await image.configFile();
  return { ...(config.config?.Labels ?? {}) };
}

/** The status of `object` typed as `T` (the API server's JSON, not validated). */
export function statusOf<T>(object: KubeObject): Partial<T> {
  return object.status ?? {};
}

/** The spec of `object` typed as `T`. */
export function specOf<T>(object: KubeObject): Partial<T> {
  return object.spec ?? {};
}

/** The cluster-scoped object `name` of `kind`, or undefined when there is none (for `save`). */
export function findObject(session: ClusterSession, kind: 'ClusterStack' | 'ClusterLifecycle', name: string): Promise<KubeObject | undefined> {
  return session.objects.find({ kind, name });
}
