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
}
