/**
 * `packsmith <kind> approve-update NAME [--digest D]`: approves updates that a `manual` (or
 * `canary`) update policy holds in `status.pendingUpdates`. It writes the approval annotation with
 * the digests approved (all pending ones unless `--digest` names one), which the controller acts on
 * at once: the resource reads the new digests and the builders that use it rebuild. `--dry-run`
 * writes nothing and prints what the approval would do to those builders.
 */
import type { Command } from '@commander-js/extra-typings';
import { approveUpdateAnnotation, isInvalid, parseResource, type PendingUpdate } from '../../api/index.ts';
import { followedImages, pinsOf, updateStateOf, type PolicyKind, type PolicyResource } from '../../app/index.ts';
import { CliError } from '../errors.ts';
import type { CliIo } from '../io.ts';
import { addKubeFlags, addRegistryFlags, readKubeFlags, readRegistryFlags } from './flags.ts';
import type { KubeObject } from './port.ts';
import { Reporter } from './reporter.ts';
import { withClusterSession, type ClusterSession } from './session.ts';
import { reportSourceImpact } from './source-impact.ts';

/** The kind a command group serves. */
export interface ApproveTarget {
  kind: PolicyKind;
  command: string;
  namespaced: boolean;
}

const pendingOf = (resource: PolicyResource): PendingUpdate[] => updateStateOf(resource.status).pendingUpdates;

/** The pending updates `digest` selects (all when undefined); CliError when there are none or it names none. */
function selectUpdates(resource: PolicyResource, shown: string, digest: string | undefined): PendingUpdate[] {
  const pending = pendingOf(resource);
  if (pending.length === 0) {
    const why = resource.spec.updatePolicy ? 'nothing is waiting for approval' : 'it has no spec.updatePolicy';
    throw new CliError(`${resource.kind} "${shown}" has no pending update: ${why}`);
  }
  if (digest === undefined) return pending;
  const chosen = pending.filter((p) => p.to === digest);
  if (chosen.length === 0)
    throw new CliError(`--digest ${digest} is not pending for ${resource.kind} "${shown}"; pending: ${pending.map((p) => p.to).join(', ')}`);
  return chosen;
}

/** The buildpack kinds' dry run: the builders using the resource, resolved with the approved digests. */
async function reportImpact(session: ClusterSession, reporter: Reporter, found: Found, approved: readonly PendingUpdate[]): Promise<void> {
  const { resource, object } = found;
  if (resource.kind !== 'ClusterStore' && resource.kind !== 'Buildpack' && resource.kind !== 'ClusterBuildpack') {
    reporter.progress(`Impact on builders: computed for stores and buildpacks only; a ${resource.kind} update rebuilds every builder that uses it`);
    return;
  }
  const state = updateStateOf(resource.status);
  const after = { ...state, resolvedImages: state.resolvedImages.map((e) => ({ ...e, digest: approved.find((p) => p.image === e.image)?.to ?? e.digest })) };
  const pins = pinsOf(after, followedImages(resource));
  const sources = followedImages(resource).map((image) => {
    const readFrom = approved.some((p) => p.image === image) ? pins.get(image) : undefined;
    return { image, ...(readFrom ? { readFrom } : {}) };
  });
  const { name, namespace } = resource.metadata;
  await reportSourceImpact(session, reporter, { kind: resource.kind, name, ...(namespace ? { namespace } : {}), current: object, sources });
}

interface Found {
  object: KubeObject;
  resource: PolicyResource;
  /** `namespace/name` or `name`, for messages. */
  shown: string;
  namespace: string | undefined;
}

async function find(session: ClusterSession, target: ApproveTarget, name: string): Promise<Found> {
  const namespace = target.namespaced ? session.targetNamespace : undefined;
  const object = await session.objects.get({ kind: target.kind, name, ...(namespace ? { namespace } : {}) });
  const parsed = parseResource(target.kind, object);
  const shown = namespace ? `${namespace}/${name}` : name;
  if (isInvalid(parsed)) throw new CliError(`${target.kind} "${shown}" has an invalid spec: ${parsed.problems.join('; ')}`);
  return { object, resource: parsed as PolicyResource, shown, namespace };
}

interface ApproveRequest {
  target: ApproveTarget;
  name: string;
  digest?: string | undefined;
  dryRun?: boolean | undefined;
}

async function approve(session: ClusterSession, request: ApproveRequest, io: CliIo): Promise<void> {
  const { target, name } = request;
  const found = await find(session, target, name);
  const approved = selectUpdates(found.resource, found.shown, request.digest);
  const reporter = new Reporter(io, { mode: request.dryRun === true ? 'dry-run' : 'apply' });
  for (const p of approved) reporter.progress(`Approving ${p.image ?? ''} (tag ${p.tag ?? ''}): ${p.from ?? ''} → ${p.to ?? ''}`);
  if (reporter.dryRun) await reportImpact(session, reporter, found, approved);
  else {
    const annotations = { [approveUpdateAnnotation]: approved.map((p) => p.to).join(',') };
    await session.objects.patch({ kind: target.kind, namespace: found.namespace, name, patch: { metadata: { annotations } } });
  }
  reporter.result(`${target.kind} "${found.shown}" update approved`);
}

/** A kind's approve-update command, in the kp-style group `group`. */
export function addApproveUpdateCommand(group: Command, io: CliIo, target: ApproveTarget): void {
  const p = `packsmith ${target.command}`;
  const ns = target.namespaced ? ' -n team' : '';
  const command = group
    .command('approve-update')
    .description(`approve the updates a manual or canary spec.updatePolicy holds for a ${target.kind} (sets the ${approveUpdateAnnotation} annotation)`)
    .argument('<name>', `${target.kind} name`)
    .option('--digest <digest>', 'approve only the pending update to this digest (default: every pending update)')
    .option('--dry-run', 'write nothing: print the updates and what they would do to the builders that use them')
    .addHelpText(
      'after',
      `\nExamples:\n  ${p} approve-update my-${target.command}${ns} --dry-run\n  ${p} approve-update my-${target.command}${ns}\n  ${p} approve-update my-${target.command}${ns} --digest sha256:…`,
    );
  addKubeFlags(command, { namespaced: target.namespaced });
  addRegistryFlags(command).action(async (name, options) => {
    const flags = { kube: readKubeFlags(options), registry: readRegistryFlags(options) };
    await withClusterSession(io, flags, (session) => approve(session, { target, name, digest: options.digest, dryRun: options.dryRun }, io));
  });
}
