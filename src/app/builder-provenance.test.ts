import { describe, expect, it } from 'vitest';
import type { BuildpackRecord } from '../cnb/index.ts';
import { packsmithVersion } from '../shared/index.ts';
import { builderProvenance, provenanceTypes, type BuilderProvenanceInput } from './builder-provenance.ts';

const hex = (c: string): string => c.repeat(64);

function buildpack(id: string, version: string, layer: string): BuildpackRecord {
  return { id, version, storeImage: { image: `registry.test/bp/${id}:${version}` }, diffId: `sha256:${hex('d')}`, digest: `sha256:${hex(layer)}`, size: 10 };
}

const input: BuilderProvenanceInput = {
  image: `registry.test/builders/base:latest@sha256:${hex('0')}`,
  builder: { kind: 'ClusterBuilder', name: 'base' },
  spec: { tag: 'registry.test/builders/base', order: [{ group: [{ id: 'io.test.b' }, { id: 'io.test.a' }] }] },
  stack: {
    id: 'io.test.stack',
    buildImage: { latestImage: `registry.test/stack/build@sha256:${hex('1')}`, image: 'registry.test/stack/build:v1' },
    runImage: { latestImage: `registry.test/stack/run@sha256:${hex('2')}`, image: 'registry.test/stack/run:v1' },
    userId: 1000,
    groupId: 1000,
  },
  lifecycle: {
    image: { latestImage: `registry.test/lifecycle@sha256:${hex('3')}`, image: 'registry.test/lifecycle:v1' },
    version: '0.21.17',
    api: {},
    apis: { buildpack: {}, platform: {} },
  },
  buildpacks: [buildpack('io.test.b', '2.0.0', 'b'), buildpack('io.test.a', '1.0.0', 'a')],
  order: [
    {
      group: [
        { id: 'io.test.b', version: '2.0.0' },
        { id: 'io.test.a', version: '1.0.0' },
      ],
    },
  ],
};

function parsed(bytes: Uint8Array): unknown {
  return JSON.parse(new TextDecoder().decode(bytes));
}

describe('builderProvenance', () => {
  it('is an in-toto v1 statement about the builder digest with a SLSA v1 predicate naming packsmith', () => {
    expect(parsed(builderProvenance(input))).toMatchObject({
      _type: provenanceTypes.statement,
      subject: [{ name: 'registry.test/builders/base', digest: { sha256: hex('0') } }],
      predicateType: 'https://slsa.dev/provenance/v1',
      predicate: {
        buildDefinition: {
          externalParameters: { builder: { kind: 'ClusterBuilder', name: 'base', spec: input.spec } },
          internalParameters: { resolvedOrder: input.order },
        },
        runDetails: { builder: { id: provenanceTypes.builderId, version: { packsmith: packsmithVersion } } },
      },
    });
  });

  it('lists stack, lifecycle and every buildpack layer by digest, buildpacks sorted by id and version', () => {
    expect(parsed(builderProvenance(input))).toMatchObject({
      predicate: {
        buildDefinition: {
          resolvedDependencies: [
            { name: 'stack build image', uri: input.stack.buildImage.latestImage, digest: { sha256: hex('1') } },
            { name: 'stack run image', uri: input.stack.runImage.latestImage, digest: { sha256: hex('2') } },
            { name: 'lifecycle image', uri: input.lifecycle.image.latestImage, digest: { sha256: hex('3') } },
            {
              name: 'buildpack io.test.a@1.0.0',
              uri: 'registry.test/bp/io.test.a:1.0.0',
              digest: { sha256: hex('a') },
              annotations: { id: 'io.test.a', version: '1.0.0', sourceImage: 'registry.test/bp/io.test.a:1.0.0' },
            },
            { name: 'buildpack io.test.b@2.0.0', digest: { sha256: hex('b') } },
          ],
        },
      },
    });
  });

  it('gives the same bytes for the same inputs, whatever their order, and other bytes for another layer', () => {
    const reordered = builderProvenance({ ...input, buildpacks: [...input.buildpacks].reverse() });
    expect(Buffer.from(reordered).equals(builderProvenance(input))).toBe(true);
    const changed = builderProvenance({ ...input, buildpacks: [buildpack('io.test.a', '1.0.0', 'e'), buildpack('io.test.b', '2.0.0', 'b')] });
    expect(Buffer.from(changed).equals(builderProvenance(input))).toBe(false);
  });
});
