/**
 * The pure edits behind the store write commands, with the lines kp prints as it makes them: a new
 * store from relocated buildpackages, relocated buildpackages added to a store unless one with the
 * same digest is already a source, and buildpacks (`id@version` from the status) removed by
 * dropping the source image they came from.
 */
import type { ImageSource } from '../../../api/index.ts';
import type { KubeObject } from '../../cluster/port.ts';
import { CliError } from '../../errors.ts';
import { viewStore } from './render.ts';

/** A store's new sources and the lines that explain the change. */
export interface SourcesEdit {
  sources: ImageSource[];
  lines: string[];
}

/** kp's error when no `-b` was given to create. */
export function requireBuildpackages(buildpackages: readonly string[]): void {
  if (buildpackages.length === 0) throw new CliError('At least one buildpackage must be provided');
}

/** A new ClusterStore reading `sources` (relocated references) with the kp-config service account. */
export function newStoreObject(name: string, sources: readonly string[], serviceAccount: { name: string; namespace: string }): KubeObject {
  return {
    apiVersion: 'kpack.io/v1alpha2',
    kind: 'ClusterStore',
    metadata: { name },
    spec: { sources: sources.map((image) => ({ image })), serviceAccountRef: { namespace: serviceAccount.namespace, name: serviceAccount.name } },
  };
}

const digestOf = (reference: string): string | undefined => {
  const parts = reference.split('@');
  return parts.length === 2 ? parts[1] : undefined;
};

/**
 * Appends each relocated reference (`repo@sha256:…`) whose digest no source has yet, the ones
 * appended earlier in the same call included; one line per reference says which happened.
 */
export function addSources(current: readonly ImageSource[], relocated: readonly string[]): SourcesEdit {
  const sources = [...current];
  const lines: string[] = [];
  for (const reference of relocated) {
    const digest = digestOf(reference);
    if (sources.some((source) => digest !== undefined && digestOf(source.image ?? '') === digest)) {
      lines.push('\tBuildpackage already exists in the store');
      continue;
    }
    sources.push({ image: reference });
    lines.push('\tAdded Buildpackage');
  }
  return { sources, lines };
}

/**
 * Removes, for each `id@version`, the source image its status entry came from. Every argument must
 * name a buildpack in the status (checked before anything is removed).
 */
export function removeSources(store: KubeObject, buildpacks: readonly string[]): SourcesEdit {
  const view = viewStore(store);
  const entries = view.status.buildpacks ?? [];
  const images = buildpacks.map((wanted) => {
    const entry = entries.find((bp) => `${bp.id ?? ''}@${bp.version ?? ''}` === wanted);
    if (entry === undefined) throw new CliError(`Buildpackage '${wanted}' does not exist in the ClusterStore`);
    return entry.storeImage?.image ?? '';
  });
  const sources = [...(view.spec.sources ?? [])];
  const lines: string[] = [];
  buildpacks.forEach((wanted, index) => {
    lines.push(`Removing buildpackage ${wanted}`);
    const at = sources.findIndex((source) => source.image === images[index]);
    if (at >= 0) sources.splice(at, 1);
  });
  return { sources, lines };
}
