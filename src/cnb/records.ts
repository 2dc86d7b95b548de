/**
 * Plain JSON records that store, stack and lifecycle readers produce and builders consume. They are
 * kept as they are in resource status (kpack's field names), so a builder can assemble and mount
 * layers later without reading the source images again.
 */

/** One buildpack in an order group, as written in `order.toml` and in meta-buildpack orders. */
export interface OrderGroupEntry {
  id: string;
  version?: string;
  optional?: boolean;
}

/** One detection group of an order. */
export interface OrderEntry {
  group: OrderGroupEntry[];
}

/** A stack a buildpack declares support for; `*` means any stack (buildpack API ≥ 0.5). */
export interface StackSupport {
  id: string;
  mixins?: string[];
}

/** A distribution named by a buildpack target. */
export interface DistroSupport {
  name: string;
  version?: string;
}

/** A target (os/arch/variant/distros) a buildpack declares; empty fields match anything. */
export interface TargetSupport {
  os?: string;
  arch?: string;
  variant?: string;
  distros?: DistroSupport[];
}

/** Identity of the buildpackage a buildpack came from (`io.buildpacks.buildpackage.metadata`). */
export interface BuildpackageInfo {
  id?: string;
  version?: string;
  homepage?: string;
}

/** One buildpack found in a store source image: identity, descriptor data and where its layer lives. */
export interface BuildpackRecord {
  id: string;
  version: string;
  /** Buildpack API the buildpack implements, e.g. `0.10`. */
  api?: string;
  homepage?: string;
  buildpackage?: BuildpackageInfo;
  /** The source image exactly as the resource spec wrote it (possibly a tag). */
  storeImage: { image: string };
  /** sha256 of the layer's uncompressed tar. */
  diffId: string;
  /** sha256 of the compressed layer blob in the source image. */
  digest: string;
  /** Size in bytes of the compressed layer blob. */
  size: number;
  /** Present for meta-buildpacks (composites). */
  order?: OrderEntry[];
  stacks?: StackSupport[];
  /** Kept although kpack drops it, so targets can be validated (deliberate difference D-g). */
  targets?: TargetSupport[];
  /**
   * packsmith: the platforms the source image (an index) has this buildpack for. Absent when the
   * source is a single image, which then serves every builder target its `targets` allow.
   */
  platforms?: BuildpackPlatform[];
}

/** One platform a buildpack is available for; the layer fields and `targets` are given only where they differ from the record's. */
export interface BuildpackPlatform {
  os: string;
  arch: string;
  variant?: string;
  diffId?: string;
  digest?: string;
  size?: number;
  /** That platform's descriptor's `[[targets]]`, when they differ (empty: it declares none). */
  targets?: TargetSupport[];
}

/** The target platform of a stack's images, from their config and `io.buildpacks.base.distro.*` labels. */
export interface StackTarget {
  os: string;
  arch: string;
  variant?: string;
  distro?: { name: string; version?: string };
}

/** A resolved stack: both images pinned by digest, mixins, the CNB user and group, and the target. */
export interface StackRecord {
  id: string;
  buildImage: { latestImage: string; image: string };
  runImage: { latestImage: string; image: string };
  mixins?: string[];
  userId: number;
  groupId: number;
  target?: StackTarget;
  /**
   * packsmith: every platform both images provide, when they are indexes offering more than one
   * (absent otherwise: the stack has the one platform of `target`). The top-level fields describe
   * the default platform's pair (linux/amd64 when offered, else the first).
   */
  platforms?: StackPlatform[];
}

/** One platform of a multi-platform stack: its target and both images pinned by that platform's digest. */
export interface StackPlatform {
  target: StackTarget;
  buildImage: string;
  runImage: string;
}

/** Deprecated and supported API versions of one kind (buildpack or platform). */
export interface ApiVersions {
  deprecated?: string[];
  supported?: string[];
}

/** A resolved lifecycle image: pinned by digest, its version and the APIs it implements. */
export interface LifecycleRecord {
  image: { latestImage: string; image: string };
  version: string;
  api: { buildpack?: string; platform?: string };
  apis: { buildpack: ApiVersions; platform: ApiVersions };
  /** packsmith: the image of each platform, when the lifecycle image is an index of more than one. */
  platforms?: LifecyclePlatform[];
}

/** One platform's lifecycle image, pinned `<repository>@<digest>`. */
export interface LifecyclePlatform {
  os: string;
  arch: string;
  variant?: string;
  latestImage: string;
}
