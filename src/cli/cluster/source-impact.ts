/**
 * The impact of a dry run on a ClusterStore, Buildpack or ClusterBuildpack (kp#78): the buildpacks
 * it would hold after the change — its status records for the sources it keeps, the new sources
 * read from where they come from (a dry run does not upload them, so their relocated references do
 * not exist yet) — and, from them, what each builder using it would do. A source that cannot be
 * read leaves the impact unknown and says why; the dry run itself still succeeds, as kp's does.
 */
import { parseResource } from '../../api/index.ts';
import { buildpacksOfStatus, readStore, type SupplierValues } from '../../app/index.ts';
import { messageOf } from '../../shared/index.ts';
import { reportImpact, type BuildpackSupplierKind } from './builder-impact.ts';
import type { KubeObject } from './port.ts';
import type { Reporter } from './reporter.ts';
import type { ClusterSession } from './session.ts';

type BuildpackRecord = SupplierValues['ClusterStore'][number];

/** A source of the changed resource: its reference in the spec and, for a new one, where to read it. */
export interface StoreSourceAfter {
  image: string;
  /** The image as given on the command line, when `image` is a relocated reference not uploaded yet. */
  readFrom?: string;
}

async function buildpacksAfter(
  session: ClusterSession,
  kind: BuildpackSupplierKind,
  current: KubeObject | undefined,
  sources: readonly StoreSourceAfter[],
): Promise<BuildpackRecord[]> {
  const parsed = current === undefined ? undefined : parseResource(kind, current);
  const status = parsed === undefined ? undefined : buildpacksOfStatus(parsed.status);
  const recorded = status?.ok ? status.value : [];
  const kept = recorded.filter((record) => sources.some((s) => s.readFrom === undefined && s.image === record.storeImage.image));
  const fresh = sources.filter((s) => !recorded.some((record) => record.storeImage.image === s.image) || s.readFrom !== undefined);
  const read = await Promise.all(
    fresh.map(async (source) => {
      const records = await readStore({ sources: [{ image: source.readFrom ?? source.image }], keychain: session.keychain }, { images: session.images });
      return records.map((record) => ({ ...record, storeImage: { image: source.image } }));
    }),
  );
  return [...kept, ...read.flat()];
}

/** What changed: the resource, as stored now (undefined for a create), and its sources after the change. */
export interface SourceChange {
  kind: BuildpackSupplierKind;
  name: string;
  namespace?: string;
  current: KubeObject | undefined;
  sources: readonly StoreSourceAfter[];
}

/** Prints, after a dry run, what the change would do to the builders that use the resource. */
export async function reportSourceImpact(session: ClusterSession, reporter: Reporter, change: SourceChange): Promise<void> {
  let buildpacks: BuildpackRecord[];
  try {
    buildpacks = await buildpacksAfter(session, change.kind, change.current, change.sources);
  } catch (error) {
    reporter.progress(`Impact on builders unknown: ${messageOf(error)}`);
    return;
  }
  const { kind, name, namespace } = change;
  await reportImpact(session, reporter, { kind, name, ...(namespace ? { namespace } : {}), buildpacks });
}
