import { describe, expect, it } from 'vitest';
import type { BuildpackRecord } from '../cnb/index.ts';
import { builderSbom, cycloneDxPredicateType } from './builder-sbom.ts';

const hex = (c: string): string => c.repeat(64);
const record = (id: string, version: string, layer: string): BuildpackRecord => ({
  id,
  version,
  storeImage: { image: `registry.test/bp/${id}:${version}` },
  diffId: `sha256:${hex('d')}`,
  digest: `sha256:${hex(layer)}`,
  size: 1,
});
const image = `registry.test/builders/base:latest@sha256:${hex('0')}`;

describe('builderSbom', () => {
  it('is a CycloneDX 1.5 BOM of every buildpack, in an in-toto statement about the builder', () => {
    const statement: unknown = JSON.parse(
      new TextDecoder().decode(builderSbom({ image, buildpacks: [record('io.test.b', '2.0.0', 'b'), record('io.test.a', '1.0.0', 'a')] })),
    );
    expect(statement).toMatchObject({
      subject: [{ name: 'registry.test/builders/base', digest: { sha256: hex('0') } }],
      predicateType: cycloneDxPredicateType,
      predicate: {
        bomFormat: 'CycloneDX',
        specVersion: '1.5',
        metadata: { component: { type: 'container', name: 'registry.test/builders/base', version: `sha256:${hex('0')}` } },
        components: [
          {
            name: 'io.test.a',
            version: '1.0.0',
            hashes: [{ alg: 'SHA-256', content: hex('a') }],
            externalReferences: [{ type: 'distribution', url: 'registry.test/bp/io.test.a:1.0.0' }],
          },
          { name: 'io.test.b', version: '2.0.0', hashes: [{ alg: 'SHA-256', content: hex('b') }] },
        ],
      },
    });
  });

  it('gives the same bytes for the same buildpacks in any order', () => {
    const a = builderSbom({ image, buildpacks: [record('x', '1', 'a'), record('y', '1', 'b')] });
    const b = builderSbom({ image, buildpacks: [record('y', '1', 'b'), record('x', '1', 'a')] });
    expect(Buffer.from(a).equals(b)).toBe(true);
  });
});
