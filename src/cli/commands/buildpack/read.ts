/**
 * `status`, `list` and `delete` for both kinds: read (or delete) through the cluster session and
 * print kp's shapes; none of them touches a registry.
 */
import { CliError } from '../../errors.ts';
import type { CliIo } from '../../io.ts';
import { deleteResource, readKubeFlags, withClusterSession } from '../../cluster/index.ts';
import { renderBuildpackList, renderBuildpackStatus } from './render.ts';
import type { BuildpackScope } from './scope.ts';
import { objectRef, type ParsedOptions } from './write.ts';

/** `status <name>`: the status view of one resource. */
export async function showBuildpackStatus(scope: BuildpackScope, name: string, options: ParsedOptions, io: CliIo): Promise<void> {
  const object = await withClusterSession(io, { kube: readKubeFlags(options) }, (session) => session.objects.get(objectRef(scope, name, session)));
  io.stdout(renderBuildpackStatus(object));
}

/** `list`: every resource of the kind (a Buildpack list covers the target namespace); none is an error, as in kp. */
export async function listBuildpacks(scope: BuildpackScope, options: ParsedOptions, io: CliIo): Promise<void> {
  const objects = await withClusterSession(io, { kube: readKubeFlags(options) }, (session) =>
    session.objects.list(scope.namespaced ? { kind: scope.kind, namespace: session.targetNamespace } : { kind: scope.kind }),
  );
  if (objects.length === 0) throw new CliError(scope.emptyList);
  io.stdout(renderBuildpackList(objects));
}

/** `delete <name> [--force]`: refused while builders use it, unless forced (they then report it missing on their next reconcile). */
export async function deleteBuildpack(scope: BuildpackScope, name: string, options: ParsedOptions, io: CliIo): Promise<void> {
  const force = options.force === true;
  await withClusterSession(io, { kube: readKubeFlags(options) }, (session) => deleteResource(session.objects, objectRef(scope, name, session), { force }));
  io.stdout(`${scope.title} "${name}" deleted\n`);
}
