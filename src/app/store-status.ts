/**
 * A store's status that stays small (kpack#964: a status that repeats every field of every
 * buildpack passes etcd's 1.5 MiB object limit around 2,500 buildpacks). Up to a budget the status
 * lists full records, as kpack does. Beyond it, each entry keeps only what kpack's readers show (id,
 * version, storeImage) and `compacted.sources` pins every source by digest: a builder reads the
 * rest from those images (content-addressed, so what it reads is exactly what the store read). A
 * buildpackage's own entry also keeps `buildpackage`, so kp's table of buildpackages is whole.
 */
import { sortBuildpackRecords, type BuildpackRecord } from '../cnb/index.ts';
import type { ReadSource } from './read-store.ts';

/** The status size from which the compact form is written (default): a third of etcd's limit leaves room for everything else. */
export const defaultStatusBudgetBytes = 512 * 1024;
/** From this size on, even the compact form says it is near the limit. */
export const statusWarningBytes = 1024 * 1024;

/** A condition the status carries besides Ready. */
export interface StatusNote {
  type: string;
  ok: boolean;
  reason: string;
  message: string;
}

/** The store's status fields (`buildpacks`, and `compacted` when over budget) and what to say about their size. */
export interface StoreStatusFields {
  fields: Record<string, unknown>;
  note?: StatusNote;
}

const sizeOf = (value: unknown): number => Buffer.byteLength(JSON.stringify(value));
const kib = (bytes: number): string => `${Math.ceil(bytes / 1024)} KiB`;

/** The status fields for the sources read; compact when the full list would be over `budgetBytes`. */
export function storeStatusFields(sources: readonly ReadSource[], budgetBytes: number = defaultStatusBudgetBytes): StoreStatusFields {
  const records = sortBuildpackRecords(sources.flatMap((source) => source.records));
  const fullBytes = sizeOf(records);
  if (fullBytes <= budgetBytes) return { fields: { buildpacks: records } };
  // One entry per pinned image: an index source lists each platform's image, in index order.
  const pinned = new Map(
    sources.flatMap((source) => source.pinned.map((latestImage) => [`${source.image} ${latestImage}`, { image: source.image, latestImage }] as const)),
  );
  const fields = {
    // A buildpackage's own entry keeps `buildpackage`, so kp's table of buildpackages still lists every one.
    buildpacks: records.map(({ id, version, storeImage, buildpackage }) => ({
      id,
      version,
      ...(buildpackage && buildpackage.id === id && buildpackage.version === version ? { buildpackage } : {}),
      storeImage,
    })),
    compacted: {
      reason: `the full list of ${records.length} buildpacks takes ${kib(fullBytes)}, over packsmith's budget of ${kib(budgetBytes)}`,
      sources: [...pinned.values()],
    },
  };
  const bytes = sizeOf(fields);
  if (bytes > statusWarningBytes) {
    const message = `even in compact form the status takes ${kib(bytes)}, near etcd's object limit of 1.5 MiB: split this store into several (${records.length} buildpacks)`;
    return { fields, note: { type: 'StatusSize', ok: false, reason: 'ApproachingLimit', message } };
  }
  const message = `status.buildpacks lists ${records.length} buildpacks by id, version and storeImage only (and each buildpackage) (${kib(bytes)} instead of ${kib(fullBytes)}); builders read the rest from the buildpackages pinned in status.compacted.sources`;
  return { fields, note: { type: 'StatusSize', ok: true, reason: 'Compacted', message } };
}

/** Entries of a compact status, matched to the records read back from its pinned sources, in status order. */
export function expandCompactEntries(
  entries: ReadonlyArray<{ id?: string | undefined; version?: string | undefined; storeImage?: { image?: string | undefined } | undefined }>,
  sources: readonly ReadSource[],
): { ok: true; records: BuildpackRecord[] } | { ok: false; reason: string } {
  const byKey = new Map(sources.flatMap((source) => source.records).map((record) => [`${record.id}@${record.version} ${record.storeImage.image}`, record]));
  const records: BuildpackRecord[] = [];
  for (const entry of entries) {
    const [id, version, image] = [entry.id ?? '?', entry.version ?? '?', entry.storeImage?.image ?? '?'];
    const record = byKey.get(`${id}@${version} ${image}`);
    if (!record) return { ok: false, reason: `its compact status lists ${id}@${version} from ${image}, which its pinned source does not hold` };
    records.push(record);
  }
  return { ok: true, records };
}
