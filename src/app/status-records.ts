/**
 * A dependency's status read back as the record a builder consumes (kpack reads its typed status
 * the same way): the buildpacks of a store or buildpack, a stack, a lifecycle. The status schemas
 * leave every field optional, so each reader says which required field is missing instead of
 * letting an incomplete status reach the builder.
 */
import type { ClusterLifecycleStatus, ClusterStackStatus, StoreStatus } from '../api/index.ts';
import type {
  ApiVersions,
  BuildpackPlatform,
  BuildpackRecord,
  LifecycleRecord,
  OrderEntry,
  StackPlatform,
  StackRecord,
  StackTarget,
  TargetSupport,
} from '../cnb/index.ts';

/** A record, or the reason the status cannot give one (the words after kpack's "is not ready: "). */
export type StatusRead<T> = { ok: true; value: T } | { ok: false; reason: string };

const incomplete = (field: string): { ok: false; reason: string } => ({ ok: false, reason: `its status has no ${field}` });

type OrderStatus = NonNullable<NonNullable<StoreStatus['buildpacks']>[number]['order']>;

function orderOf(order: OrderStatus): OrderEntry[] {
  return order.map((entry) => ({
    group: (entry.group ?? []).map((ref) => ({
      id: ref.id ?? '',
      ...(ref.version ? { version: ref.version } : {}),
      ...(ref.optional ? { optional: true } : {}),
    })),
  }));
}

type BuildpackStatus = NonNullable<StoreStatus['buildpacks']>[number];

/** The descriptor fields a record keeps when the status has them. */
function descriptorOf(status: BuildpackStatus): Partial<BuildpackRecord> {
  const { order, stacks, targets, buildpackage, api, homepage, platforms } = status;
  return {
    ...(api ? { api } : {}),
    ...(homepage ? { homepage } : {}),
    ...(buildpackage ? { buildpackage } : {}),
    ...(order ? { order: orderOf(order) } : {}),
    ...(stacks ? { stacks: stacks.map((s) => ({ id: s.id ?? '', ...(s.mixins ? { mixins: s.mixins } : {}) })) } : {}),
    ...(targets ? { targets: targetsOfStatus(targets) } : {}),
    ...(platforms ? { platforms: platforms.flatMap(buildpackPlatformOf) } : {}),
  };
}

function targetsOfStatus(targets: NonNullable<BuildpackStatus['targets']>): TargetSupport[] {
  return targets.map(({ distros, ...rest }) => ({ ...rest, ...(distros ? { distros: distros.map((d) => ({ ...d, name: d.name ?? '' })) } : {}) }));
}

function buildpackPlatformOf(entry: NonNullable<BuildpackStatus['platforms']>[number]): BuildpackPlatform[] {
  const { os, arch, variant, diffId, digest, size, targets } = entry;
  if (!os || !arch) return [];
  const layer = { ...(diffId ? { diffId } : {}), ...(digest ? { digest } : {}), ...(size === undefined ? {} : { size }) };
  return [{ os, arch, ...(variant ? { variant } : {}), ...layer, ...(targets ? { targets: targetsOfStatus(targets) } : {}) }];
}

type Layer = Pick<BuildpackRecord, 'storeImage' | 'diffId' | 'digest' | 'size'>;

function layerOf({ diffId, digest, size, storeImage }: BuildpackStatus): Layer | undefined {
  return diffId && digest && size !== undefined && storeImage?.image ? { storeImage: { image: storeImage.image }, diffId, digest, size } : undefined;
}

function buildpackOf(status: BuildpackStatus): BuildpackRecord | string {
  const { id, version } = status;
  if (!id || !version) return 'a buildpack without id or version';
  const layer = layerOf(status);
  if (!layer) return `buildpack ${id}@${version} without its layer (diffId, digest, size, storeImage)`;
  // Key order as the readers write it, so a status read back gives the same record.
  const { api, homepage, buildpackage, ...rest } = descriptorOf(status);
  return { id, version, ...(api ? { api } : {}), ...(homepage ? { homepage } : {}), ...(buildpackage ? { buildpackage } : {}), ...layer, ...rest };
}

/** The buildpacks of a ClusterStore, Buildpack or ClusterBuildpack status. */
export function buildpacksOfStatus(status: StoreStatus | undefined): StatusRead<readonly BuildpackRecord[]> {
  if (!status?.buildpacks) return { ok: false, reason: 'it has no resolved status yet' };
  // Compact (store-status.ts): the details are in the pinned sources, which expand-store.ts reads.
  if (status.compacted)
    return { ok: false, reason: `its status is compact (${status.buildpacks.length} buildpacks): the details are read from its pinned sources` };
  const records: BuildpackRecord[] = [];
  for (const entry of status.buildpacks) {
    const record = buildpackOf(entry);
    if (typeof record === 'string') return { ok: false, reason: `its status lists ${record}` };
    records.push(record);
  }
  return { ok: true, value: records };
}

const pinned = (image: { latestImage?: string; image?: string } | undefined): { latestImage: string; image: string } | undefined =>
  image?.latestImage ? { latestImage: image.latestImage, image: image.image ?? '' } : undefined;

/** The stack a ClusterStack status describes. */
export function stackOfStatus(status: ClusterStackStatus | undefined): StatusRead<StackRecord> {
  if (!status?.buildImage) return { ok: false, reason: 'it has no resolved status yet' };
  const buildImage = pinned(status.buildImage);
  const runImage = pinned(status.runImage);
  if (!status.id) return incomplete('id');
  if (!buildImage || !runImage) return incomplete('pinned build and run images');
  if (status.userId === undefined || status.groupId === undefined) return incomplete('userId and groupId');
  const { id, mixins, userId, groupId } = status;
  return { ok: true, value: { id, buildImage, runImage, ...(mixins ? { mixins } : {}), userId, groupId, ...stackTargetsOf(status) } };
}

function stackTargetsOf(status: ClusterStackStatus): Pick<StackRecord, 'target' | 'platforms'> {
  const target = targetOf(status.target);
  return { ...(target ? { target } : {}), ...(status.platforms ? { platforms: status.platforms.flatMap(stackPlatformOf) } : {}) };
}

function stackPlatformOf(entry: NonNullable<ClusterStackStatus['platforms']>[number]): StackPlatform[] {
  const target = targetOf(entry.target);
  return target && entry.buildImage && entry.runImage ? [{ target, buildImage: entry.buildImage, runImage: entry.runImage }] : [];
}

function targetOf(target: ClusterStackStatus['target']): StackTarget | undefined {
  if (!target?.os || !target.arch) return undefined;
  const { os, arch, variant, distro } = target;
  return {
    os,
    arch,
    ...(variant ? { variant } : {}),
    ...(distro?.name ? { distro: { name: distro.name, ...(distro.version ? { version: distro.version } : {}) } } : {}),
  };
}

type ApiVersionsStatus = NonNullable<NonNullable<ClusterLifecycleStatus['apis']>['buildpack']>;

// kpack writes empty lists as null; a record has them absent.
const versionsOf = (versions: ApiVersionsStatus | undefined): ApiVersions => ({
  ...(versions?.deprecated ? { deprecated: versions.deprecated } : {}),
  ...(versions?.supported ? { supported: versions.supported } : {}),
});

/** The lifecycle a ClusterLifecycle status describes. */
export function lifecycleOfStatus(status: ClusterLifecycleStatus | undefined): StatusRead<LifecycleRecord> {
  if (!status?.image) return { ok: false, reason: 'it has no resolved status yet' };
  const image = pinned(status.image);
  if (!image) return incomplete('pinned image');
  if (!status.version) return incomplete('version');
  return {
    ok: true,
    value: {
      image,
      version: status.version,
      api: apiOf(status.api),
      apis: { buildpack: versionsOf(status.apis?.buildpack), platform: versionsOf(status.apis?.platform) },
      ...(status.platforms ? { platforms: status.platforms.flatMap(lifecyclePlatformOf) } : {}),
    },
  };
}

function apiOf(api: ClusterLifecycleStatus['api']): LifecycleRecord['api'] {
  return { ...(api?.buildpack ? { buildpack: api.buildpack } : {}), ...(api?.platform ? { platform: api.platform } : {}) };
}

function lifecyclePlatformOf(entry: NonNullable<ClusterLifecycleStatus['platforms']>[number]): NonNullable<LifecycleRecord['platforms']> {
  const { os, arch, variant, latestImage } = entry;
  return os && arch && latestImage ? [{ os, arch, ...(variant ? { variant } : {}), latestImage }] : [];
}
