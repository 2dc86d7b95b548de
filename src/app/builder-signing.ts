/**
 * Signing a pushed builder with every configured key, the way kpack signs builders with the cosign
 * Secrets of the builder's service account: the builder gets a signature and the provenance
 * attestation and a CycloneDX SBOM of its buildpacks, its relocated run image a signature. The status's `signaturePaths` gets one entry
 * per key and image: kpack's `signingSecret` and `targetDigest` (the signature artifact), and
 * packsmith's own `signedImage` and `attestation` fields, which kpack's readers ignore.
 */
import type { IoOptions, Keychain } from '../oci/index.ts';
import { parseLayoutReference } from '../oci/index.ts';
import type { SigningKey } from '../signing/index.ts';
import { readSigningKey } from '../signing/index.ts';

/** The codes of signing-key failures, for callers that tell them apart (the controller). */
export { signingErrorCodes } from '../signing/index.ts';
import { AppError, isAppError } from '../shared/index.ts';
import type { SignaturePath } from './builder-record.ts';
import { provenanceTypes } from './builder-provenance.ts';
import { cycloneDxPredicateType } from './builder-sbom.ts';
import type { ImageAccess } from './ports.ts';
import { signImage, type Attestation } from './sign-image.ts';

/** A key to sign with and where it came from (`k8s://<namespace>/<secret>`, `file:<path>`, `env:PACKSMITH_COSIGN_KEY`). */
export interface NamedSigningKey {
  source: string;
  key: SigningKey;
  /** Where this key's signatures go instead of the signed image's repository (cosign's COSIGN_REPOSITORY). */
  artifactRepository?: string;
  /** Docker media types for this key's signature manifests (cosign's COSIGN_DOCKER_MEDIA_TYPES). */
  dockerMediaTypes?: boolean;
}

/**
 * The key in `pem` (cosign's encrypted format, opened with `password`, or an unencrypted PKCS #8 /
 * SEC 1 PEM), named by `source`. A key that cannot be used is a permanent error whose message
 * names the source and never the password.
 */
export function namedSigningKey(source: string, pem: string, password: string | undefined): NamedSigningKey {
  try {
    return { source, key: readSigningKey(pem, password) };
  } catch (error) {
    if (!isAppError(error)) throw error;
    throw new AppError(error.code, `signing key ${source}: ${error.message}`, { kind: 'permanent' });
  }
}

/** What to sign. */
export interface BuilderSigningInput {
  /** The pushed builder, `<tag>@<digest>`. */
  builder: string;
  /** The relocated run image, `<tag>-run-image@<digest>`. */
  runImage: string;
  /** The provenance statement (`builderProvenance`), made only when there is something to sign. */
  provenance: () => Uint8Array;
  /** The SBOM statement (`builderSbom`), likewise. */
  sbom: () => Uint8Array;
  keys: readonly NamedSigningKey[];
  /** The builder's credentials (they push the builder, so they can push beside it). */
  keychain: Keychain;
}

/** Signature paths for the status, and whether anything new was pushed. */
export interface BuilderSigningOutcome {
  signaturePaths: SignaturePath[];
  /** True when some signature or attestation was written (false: everything was already signed). */
  pushed: boolean;
  /** Why nothing was signed, when that is the case (a builder in a local layout). */
  warning?: string;
}

/** The builder (with its attestations) and the run image, signed with one key. */
async function signWithKey(
  input: BuilderSigningInput,
  named: NamedSigningKey,
  attestations: readonly Attestation[],
  deps: IoOptions & { images: ImageAccess },
): Promise<{ paths: SignaturePath[]; pushed: boolean }> {
  const { source, key, artifactRepository, dockerMediaTypes } = named;
  const placement = { keychain: input.keychain, ...(artifactRepository ? { artifactRepository } : {}), ...(dockerMediaTypes ? { dockerMediaTypes } : {}) };
  const builder = await signImage({ image: input.builder, key, attestations, ...placement }, deps);
  const run = await signImage({ image: input.runImage, key, ...placement }, deps);
  const attestation = builder.attestation;
  return {
    pushed: builder.signature.pushed || run.signature.pushed || attestation?.pushed === true,
    paths: [
      {
        signingSecret: source,
        targetDigest: builder.signature.reference,
        signedImage: input.builder,
        ...(attestation ? { attestation: attestation.reference } : {}),
      },
      { signingSecret: source, targetDigest: run.signature.reference, signedImage: input.runImage },
    ],
  };
}

/** Signs builder and run image with each key in turn (one at a time: they append to the same artifacts). */
export async function signBuilder(input: BuilderSigningInput, deps: IoOptions & { images: ImageAccess }): Promise<BuilderSigningOutcome> {
  if (input.keys.length === 0) return { signaturePaths: [], pushed: false };
  if (parseLayoutReference(input.builder) !== undefined) {
    return { signaturePaths: [], pushed: false, warning: `${input.builder} is a local layout: cosign signatures live in a registry, so it was not signed` };
  }
  const attestations = [
    { statement: input.provenance(), predicateType: provenanceTypes.slsaProvenanceV1 },
    { statement: input.sbom(), predicateType: cycloneDxPredicateType },
  ];
  const signaturePaths: SignaturePath[] = [];
  let pushed = false;
  for (const named of input.keys) {
    const signed = await signWithKey(input, named, attestations, deps);
    signaturePaths.push(...signed.paths);
    pushed ||= signed.pushed;
  }
  return { signaturePaths, pushed };
}
