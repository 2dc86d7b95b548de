/**
 * Records of multi-platform sources: merging the buildpacks read from each image of a buildpackage
 * index into one record per buildpack that lists the platforms it is available for, and matching
 * records (buildpack, stack, lifecycle) against a builder target. Pure: no I/O.
 */
import { defaultPlatform, samePlatform, type Platform } from '../oci/index.ts';
import type { BuildpackPlatform, BuildpackRecord } from './records.ts';
import { sortBuildpackRecords } from './buildpackage.ts';

/** The buildpacks read from one image of an index. */
export interface PlatformRecords {
  platform: Platform;
  records: readonly BuildpackRecord[];
}

/** A platform in the records' spelling (`arch`, not `architecture`). */
export interface TargetPlatform {
  os: string;
  arch: string;
  variant?: string;
}

/** The oci Platform of a record's target. */
export function toPlatform(target: TargetPlatform): Platform {
  return { os: target.os, architecture: target.arch, ...(target.variant ? { variant: target.variant } : {}) };
}

/** A record's target of an oci Platform. */
export function toTarget(platform: Platform): TargetPlatform {
  return { os: platform.os, arch: platform.architecture, ...(platform.variant ? { variant: platform.variant } : {}) };
}

/** `os/arch[/variant]`. */
export function formatTarget(target: TargetPlatform): string {
  return `${target.os}/${target.arch}${target.variant ? `/${target.variant}` : ''}`;
}

/** True when both name the same platform (arm64's `v8` counts as no variant). */
export function sameTarget(a: TargetPlatform, b: TargetPlatform): boolean {
  return samePlatform(toPlatform(a), toPlatform(b));
}

const keyOf = (record: BuildpackRecord): string => `${record.id}@${record.version}`;

/** The image whose records become the top-level fields: linux/amd64 when there is one (what kpack reads), else the first. */
function preferred(members: readonly PlatformRecords[]): readonly PlatformRecords[] {
  const index = members.findIndex((m) => samePlatform(m.platform, defaultPlatform));
  return index <= 0 ? members : [members[index] as PlatformRecords, ...members.filter((_, i) => i !== index)];
}

// Each platform's own descriptor goes into that platform's builder (as pack writes it), so its
// `targets` are kept where they differ from the preferred platform's.
function platformEntry(base: BuildpackRecord, record: BuildpackRecord, platform: Platform): BuildpackPlatform {
  const same = record.digest === base.digest && record.diffId === base.diffId && record.size === base.size;
  const sameTargets = JSON.stringify(record.targets ?? []) === JSON.stringify(base.targets ?? []);
  return {
    ...toTarget(platform),
    ...(same ? {} : { diffId: record.diffId, digest: record.digest, size: record.size }),
    ...(sameTargets ? {} : { targets: record.targets ?? [] }),
  };
}

/**
 * One record per buildpack over the images of one source. With a single image the records are
 * returned as they are (no `platforms`); with several, each record takes its fields from the
 * preferred image that has it and lists in index order every platform that has it (with that
 * platform's layer and `targets` where they differ).
 */
export function mergePlatformRecords(members: readonly PlatformRecords[]): BuildpackRecord[] {
  if (members.length <= 1) return [...(members[0]?.records ?? [])];
  const merged = new Map<string, BuildpackRecord>();
  for (const member of preferred(members)) for (const record of member.records) if (!merged.has(keyOf(record))) merged.set(keyOf(record), record);
  const result = [...merged.values()].map((base) => {
    const found = members.flatMap((member) => {
      const record = member.records.find((r) => keyOf(r) === keyOf(base));
      return record ? [{ record, platform: member.platform }] : [];
    });
    return { ...base, platforms: found.map((f) => platformEntry(base, f.record, f.platform)) };
  });
  return sortBuildpackRecords(result);
}

/** What a buildpack offers on one target. */
export type BuildpackOnTarget = { ok: true; record: BuildpackRecord } | { ok: false; platforms: readonly TargetPlatform[] };

/**
 * The record as it serves `target`: unchanged without `platforms` (a single image serves every
 * target), with that platform's layer when listed, or the platforms it does have.
 */
export function buildpackForTarget(record: BuildpackRecord, target: TargetPlatform): BuildpackOnTarget {
  if (record.platforms === undefined) return { ok: true, record };
  const entry = record.platforms.find((p) => sameTarget(p, target));
  if (entry === undefined) return { ok: false, platforms: record.platforms };
  const { platforms: _platforms, ...rest } = record;
  return {
    ok: true,
    record: {
      ...rest,
      ...(entry.digest === undefined ? {} : { digest: entry.digest }),
      ...(entry.diffId === undefined ? {} : { diffId: entry.diffId }),
      ...(entry.size === undefined ? {} : { size: entry.size }),
      ...targetsOf(entry),
    },
  };
}

// A platform's own `[[targets]]` (an empty list: it declares none).
function targetsOf(entry: BuildpackPlatform): Pick<BuildpackRecord, 'targets'> {
  if (entry.targets === undefined) return {};
  return entry.targets.length > 0 ? { targets: entry.targets } : {};
}
