/**
 * Creating and patching resources the way kp does: a dry run sends the write to the server in
 * dry-run mode (so validation and defaults still apply) and prints what would be stored; a real
 * write then waits until the controller has reconciled it; `-o` prints the resulting object.
 */
import type { KubeObject } from './port.ts';
import type { CliIo } from '../io.ts';
import { readKubeFlags, readRegistryFlags, readWriteFlags, type WriteFlags } from './flags.ts';
import { objectPatchOf } from './merge-patch.ts';
import { Reporter } from './reporter.ts';
import { withClusterSession, type ClusterSession } from './session.ts';
import { waitUntilReconciled } from './wait-ready.ts';

type Kind = Parameters<ClusterSession['objects']['create']>[0]['kind'];

/** Common inputs of a write. */
export interface WriteContext {
  session: ClusterSession;
  reporter: Reporter;
  flags: WriteFlags;
}

/** Parses a write command's connection, registry and write flags from commander's options and runs `body` in a session with its reporter. */
export async function withWriteSession<T>(io: CliIo, options: Record<string, unknown>, body: (context: WriteContext) => Promise<T>): Promise<T> {
  const flags = readWriteFlags(options);
  const reporter = new Reporter(io, { mode: flags.mode, format: flags.format });
  return withClusterSession(io, { kube: readKubeFlags(options), registry: readRegistryFlags(options) }, (session) => body({ session, reporter, flags }));
}

const lastApplied = 'kubectl.kubernetes.io/last-applied-configuration';

/** Creates `object` of `kind` (namespace from its metadata); with `recordApplied` also kubectl's last-applied annotation. */
export async function createResource(context: WriteContext, kind: Kind, object: KubeObject, options: { recordApplied?: boolean } = {}): Promise<KubeObject> {
  const body = options.recordApplied === true ? withLastApplied(kind, object) : object;
  const created = await context.session.objects.create({ kind, object: body, dryRun: context.reporter.dryRun });
  return settle(context, kind, created);
}

/**
 * Patches `current` into `wanted` (both whole objects as read and as they should be); resolves
 * with the object and whether anything changed. Nothing is sent when nothing changed.
 */
export async function patchResource(
  context: WriteContext,
  kind: Kind,
  current: KubeObject,
  wanted: KubeObject,
): Promise<{ object: KubeObject; changed: boolean }> {
  const patch = objectPatchOf(
    { metadata: { labels: current.metadata.labels, annotations: current.metadata.annotations }, spec: current.spec },
    {
      metadata: { labels: wanted.metadata.labels, annotations: wanted.metadata.annotations },
      spec: wanted.spec,
    },
  );
  if (patch === undefined) {
    context.reporter.resources([current]);
    return { object: current, changed: false };
  }
  const { name, namespace } = current.metadata;
  const patched = await context.session.objects.patch({ kind, name, namespace, patch, dryRun: context.reporter.dryRun });
  return { object: await settle(context, kind, patched), changed: true };
}

async function settle(context: WriteContext, kind: Kind, written: KubeObject): Promise<KubeObject> {
  let object = written;
  if (!context.reporter.dryRun && context.flags.wait) {
    object = await waitUntilReconciled(context.session.objects, {
      kind,
      name: written.metadata.name,
      namespace: written.metadata.namespace,
      timeoutMs: context.flags.waitTimeoutMs,
    });
  }
  context.reporter.resources([object]);
  return object;
}

function withLastApplied(kind: Kind, object: KubeObject): KubeObject {
  const applied = JSON.stringify({ apiVersion: 'kpack.io/v1alpha2', kind, ...object });
  return { ...object, metadata: { ...object.metadata, annotations: { ...object.metadata.annotations, [lastApplied]: applied } } };
}
