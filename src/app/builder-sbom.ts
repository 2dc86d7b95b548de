/**
 * A software bill of materials of a builder's buildpacks: CycloneDX 1.5 JSON (what `cosign
 * verify-attestation --type cyclonedx` and common scanners read), wrapped in an in-toto statement
 * about the builder. One component per buildpack (id, version, the SHA-256 of its layer blob, its
 * source image as the distribution reference); no serial number or timestamp, so the same builder
 * always gives the same bytes and is not attested again.
 */
import type { BuildpackRecord } from '../cnb/index.ts';
import { digestHex, isDigest, parseReference, repositoryOf } from '../oci/index.ts';
import { packsmithVersion } from '../shared/index.ts';
import { provenanceTypes } from './builder-provenance.ts';

/** The predicate type cosign maps `--type cyclonedx` to. */
export const cycloneDxPredicateType = 'https://cyclonedx.org/bom';

function component(record: BuildpackRecord): Record<string, unknown> {
  return {
    type: 'application',
    'bom-ref': `buildpack:${record.id}@${record.version}`,
    name: record.id,
    version: record.version,
    ...(isDigest(record.digest) ? { hashes: [{ alg: 'SHA-256', content: digestHex(record.digest) }] } : {}),
    externalReferences: [{ type: 'distribution', url: record.storeImage.image }],
    ...(record.homepage ? { properties: [{ name: 'homepage', value: record.homepage }] } : {}),
  };
}

/** The statement's bytes: subject the builder (`<repository>[:tag]@<digest>`), predicate the BOM. */
export function builderSbom(input: { image: string; buildpacks: readonly BuildpackRecord[] }): Uint8Array {
  const ref = parseReference(input.image);
  const buildpacks = [...input.buildpacks].sort((a, b) => `${a.id}@${a.version}`.localeCompare(`${b.id}@${b.version}`));
  const bom = {
    bomFormat: 'CycloneDX',
    specVersion: '1.5',
    version: 1,
    metadata: {
      tools: { components: [{ type: 'application', name: 'packsmith', version: packsmithVersion }] },
      component: { type: 'container', 'bom-ref': input.image, name: repositoryOf(ref), ...(ref.digest ? { version: ref.digest } : {}) },
    },
    components: buildpacks.map(component),
  };
  const statement = {
    _type: provenanceTypes.statement,
    subject: [{ name: repositoryOf(ref), digest: isDigest(ref.digest) ? { sha256: digestHex(ref.digest) } : {} }],
    predicateType: cycloneDxPredicateType,
    predicate: bom,
  };
  return new TextEncoder().encode(JSON.stringify(statement));
}
