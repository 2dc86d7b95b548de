/**
 * `packsmith <kind> resync NAME`: re-read a resource's inputs now instead of at the next periodic
 * resync (10 h by default). It sets the `packsmith.kpack.io/resync` annotation to the current time;
 * the controller reconciles an object whose annotation changed as if its spec had, so a store,
 * stack or lifecycle re-reads its images (and the builders that use it rebuild if they changed),
 * and a builder rebuilds from its inputs. Only metadata is written; the spec stays as written.
 */
import type { Command } from '@commander-js/extra-typings';
import { resyncAnnotation, type KindName } from '../../api/index.ts';
import type { CliIo } from '../io.ts';
import { addKubeFlags, readKubeFlags } from './flags.ts';
import { withClusterSession } from './session.ts';

/** A kind's resync command, in the kp-style group `group` (`packsmith clusterstore` …). */
export function addResyncCommand(group: Command, io: CliIo, resource: { kind: KindName; command: string; namespaced: boolean }): void {
  const command = group
    .command('resync')
    .description(`re-read the inputs of a ${resource.kind} now instead of at the next periodic resync (sets the ${resyncAnnotation} annotation)`)
    .argument('<name>', `${resource.kind} name`)
    .addHelpText(
      'after',
      `\nExamples:\n  packsmith ${resource.command} resync my-${resource.command}${resource.namespaced ? `\n  packsmith ${resource.command} resync my-${resource.command} -n team` : ''}`,
    );
  addKubeFlags(command, { namespaced: resource.namespaced }).action(async (name, options) => {
    const kube = readKubeFlags(options);
    await withClusterSession(io, { kube }, async (session) => {
      const namespace = resource.namespaced ? session.targetNamespace : undefined;
      const requested = new Date(session.clock.now()).toISOString();
      await session.objects.patch({ kind: resource.kind, namespace, name, patch: { metadata: { annotations: { [resyncAnnotation]: requested } } } });
      const shown = namespace ? `${namespace}/${name}` : name;
      io.stdout(`${resource.kind} "${shown}" resync requested at ${requested}: the controller re-reads its inputs now\n`);
    });
  });
}
