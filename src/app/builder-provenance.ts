/**
 * The provenance of a builder image: an in-toto statement (v1) whose subject is the pushed builder
 * and whose predicate is SLSA provenance v1. Every input is a resolved dependency pinned by digest:
 * the stack's build and run images, the lifecycle image, and each buildpack layer (id, version,
 * source image, layer digest). The Builder's spec is the external parameter, the resolved order
 * an internal one. Nothing in it depends on the time or the machine, so an unchanged builder gives
 * the same bytes and is not attested again.
 */
import type { BuildpackRecord, LifecycleRecord, OrderEntry, StackRecord } from '../cnb/index.ts';
import { digestAlgorithm, digestHex, isDigest, parseReference, repositoryOf } from '../oci/index.ts';
import { packsmithVersion } from '../shared/index.ts';
import type { BuilderIdentity } from './builder-tag.ts';

/** In-toto's statement type and SLSA v1's predicate type (`cosign verify-attestation --type slsaprovenance1`). */
export const provenanceTypes = {
  statement: 'https://in-toto.io/Statement/v1',
  slsaProvenanceV1: 'https://slsa.dev/provenance/v1',
  /** What packsmith's builds are: the buildType of the predicate. */
  buildType: 'https://github.com/packsmith/packsmith/builder/v1',
  /** The builder id: packsmith itself. */
  builderId: 'https://github.com/packsmith/packsmith',
} as const;

/** A SLSA ResourceDescriptor: one input, pinned by digest. */
export interface ResolvedDependency {
  name: string;
  uri: string;
  digest: Record<string, string>;
  annotations?: Record<string, string>;
}

/** What a builder was made from. */
export interface BuilderProvenanceInput {
  /** `<repository>[:tag]@<digest>` of the pushed builder. */
  image: string;
  builder: BuilderIdentity;
  /** The Builder's spec as it was used (tag, stack, store, order, …). */
  spec: unknown;
  stack: StackRecord;
  lifecycle: LifecycleRecord;
  /** Every buildpack in the builder. */
  buildpacks: readonly BuildpackRecord[];
  order: readonly OrderEntry[];
}

/** SLSA's digest set (`{ sha256: hex }`) of `algorithm:hex`; empty for anything else. */
function digestSet(digest: string | undefined): Record<string, string> {
  return isDigest(digest) ? { [digestAlgorithm(digest)]: digestHex(digest) } : {};
}

/** An image pinned by digest (`repo@sha256:…`, as status records hold them) as a dependency. */
function imageDependency(name: string, image: string): ResolvedDependency {
  return { name, uri: image, digest: digestSet(parseReference(image).digest) };
}

function buildpackDependency(record: BuildpackRecord): ResolvedDependency {
  return {
    name: `buildpack ${record.id}@${record.version}`,
    uri: record.storeImage.image,
    digest: digestSet(record.digest),
    annotations: { id: record.id, version: record.version, sourceImage: record.storeImage.image, diffId: record.diffId },
  };
}

/** Every input of the builder, in a fixed order: stack images, lifecycle, buildpacks by id and version. */
export function builderDependencies(input: Omit<BuilderProvenanceInput, 'image' | 'builder' | 'spec' | 'order'>): ResolvedDependency[] {
  const buildpacks = [...input.buildpacks].sort((a, b) => `${a.id}@${a.version}`.localeCompare(`${b.id}@${b.version}`));
  return [
    imageDependency('stack build image', input.stack.buildImage.latestImage),
    imageDependency('stack run image', input.stack.runImage.latestImage),
    imageDependency('lifecycle image', input.lifecycle.image.latestImage),
    ...buildpacks.map(buildpackDependency),
  ];
}

/** The statement's bytes (compact JSON, fixed key order). */
export function builderProvenance(input: BuilderProvenanceInput): Uint8Array {
  const ref = parseReference(input.image);
  const statement = {
    _type: provenanceTypes.statement,
    subject: [{ name: repositoryOf(ref), digest: digestSet(ref.digest) }],
    predicateType: provenanceTypes.slsaProvenanceV1,
    predicate: {
      buildDefinition: {
        buildType: provenanceTypes.buildType,
        externalParameters: { builder: { ...input.builder, spec: input.spec } },
        internalParameters: { resolvedOrder: input.order, stackId: input.stack.id, lifecycleVersion: input.lifecycle.version },
        resolvedDependencies: builderDependencies(input),
      },
      runDetails: { builder: { id: provenanceTypes.builderId, version: { packsmith: packsmithVersion } } },
    },
  };
  return new TextEncoder().encode(JSON.stringify(statement));
}
