/**
 * The record a successful builder creation produces: kpack's builder status fields (without
 * conditions, which the caller adds), so the controller and local mode write the same status.
 */
import type { BuilderBuildpack, LifecycleRecord, OrderEntry, SourceRef } from '../cnb/index.ts';

/** kpack's builder status fields, as `status` carries them. */
export interface BuilderRecord {
  /** `<resolved tag>@<digest>` of the pushed builder. */
  latestImage: string;
  /** Every buildpack in the builder, in layer order (size descending, then `id@version` descending). */
  builderMetadata: BuilderBuildpack[];
  /** The resolved order: concrete versions, `optional` kept. */
  order: OrderEntry[];
  /**
   * `runImage` is the run image the builder names: the relocated copy `<tag>-run-image@<digest>`,
   * or, for a builder in a local layout, the stack's registry run image (builder-run-image.ts);
   * `id` the stack id.
   */
  stack: { runImage: string; id: string };
  /** The lifecycle's version and APIs (its image is left out, as in kpack). */
  lifecycle: Omit<LifecycleRecord, 'image'>;
  observedStackGeneration?: number;
  observedStoreGeneration?: number;
  /** `os` of the pushed image's config. */
  os: string;
  /** One entry per signing key and signed image (builder-signing.ts); empty when no key is configured. */
  signaturePaths: SignaturePath[];
  /** packsmith: for a builder index (two or more targets), each target's builder image, `<resolved tag>@<digest>`. */
  targets?: BuilderTargetImage[];
}

/** One target of a builder index. */
export interface BuilderTargetImage {
  os: string;
  arch: string;
  variant?: string;
  latestImage: string;
}

/** A cosign signature made with one key: kpack's two fields and packsmith's own (which kpack ignores). */
export interface SignaturePath {
  /** Where the key came from: `k8s://<namespace>/<secret>` (as kpack writes it), `file:<path>` or `env:<variable>`. */
  signingSecret: string;
  /** The signature artifact, `<repository>:sha256-<hex>.sig@<digest>`. */
  targetDigest: string;
  /** packsmith: the image the signature is for (the builder or its relocated run image), `<tag>@<digest>`. */
  signedImage: string;
  /** packsmith: the provenance attestation artifact, `<repository>:sha256-<hex>.att@<digest>` (builder only). */
  attestation?: string;
}

/** What else a creation tells its caller besides the record. */
export interface BuilderOutcome {
  record: BuilderRecord;
  /** False when the registry already had this exact builder (nothing was pushed). */
  pushed: boolean;
  /** Every resource a buildpack came from (for dependency tracking). */
  sources: SourceRef[];
  /** Problems that do not stop the builder but will stop builds with it (e.g. a run image only in a local layout). */
  warnings: string[];
}
