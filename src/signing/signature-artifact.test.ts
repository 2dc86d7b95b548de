import { describe, expect, it } from 'vitest';
import { artifactLayers, artifactWith, attestationTag, cosignAnnotations, cosignMediaTypes, readPayload, signatureTag } from './signature-artifact.ts';

const digest = `sha256:${'b'.repeat(64)}` as const;
const entry = (text: string): { payload: Uint8Array; mediaType: string; annotations: Record<string, string> } => ({
  payload: new TextEncoder().encode(text),
  mediaType: cosignMediaTypes.simpleSigning,
  annotations: { [cosignAnnotations.signature]: `sig-of-${text}` },
});

describe('cosign signature artifacts', () => {
  it('names the tags cosign looks under', () => {
    expect(signatureTag(digest)).toBe(`sha256-${'b'.repeat(64)}.sig`);
    expect(attestationTag(digest)).toBe(`sha256-${'b'.repeat(64)}.att`);
  });

  it('makes an OCI manifest whose layer is the payload, annotated with the signature', async () => {
    const image = await artifactWith([], entry('one'));
    const manifest = await image.manifest();
    expect(manifest.mediaType).toBe('application/vnd.oci.image.manifest.v1+json');
    const [descriptor] = manifest.layers;
    expect(manifest.layers).toHaveLength(1);
    expect(descriptor).toMatchObject({ mediaType: cosignMediaTypes.simpleSigning, size: 3, annotations: { [cosignAnnotations.signature]: 'sig-of-one' } });
    expect(descriptor?.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    const [layer] = await image.layers();
    expect(new TextDecoder().decode(await readPayload(layer!))).toBe('one');
    expect((await image.configFile()).rootfs.diff_ids).toEqual([manifest.layers[0]?.digest]);
  });

  it('appends to the layers already there, keeping them as they were, and is deterministic', async () => {
    const first = await artifactWith([], entry('one'));
    const second = await artifactWith(await artifactLayers(first), entry('two'));
    const layers = (await second.manifest()).layers;
    expect(layers.map((l) => l.annotations?.[cosignAnnotations.signature])).toEqual(['sig-of-one', 'sig-of-two']);
    expect(await (await artifactWith(await artifactLayers(first), entry('two'))).digest()).toBe(await second.digest());
  });

  it('uses Docker media types when asked', async () => {
    const image = await artifactWith([], entry('one'), { dockerMediaTypes: true });
    const manifest = await image.manifest();
    expect(manifest.mediaType).toBe('application/vnd.docker.distribution.manifest.v2+json');
    expect(manifest.config.mediaType).toBe('application/vnd.docker.container.image.v1+json');
  });
});
