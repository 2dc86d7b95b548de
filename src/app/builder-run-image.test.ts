import { describe, expect, it } from 'vitest';
import { lifecycleRunImage } from './builder-run-image.ts';

const digest = `sha256:${'a'.repeat(64)}`;

describe('lifecycleRunImage', () => {
  it('names the registry copy beside a registry builder, as kpack does', () => {
    const relocated = `r.test/team/builder:b-run-image@${digest}`;
    expect(
      lifecycleRunImage({
        relocated,
        stackRunImage: `r.test/stack/run@${digest}`,
      }),
    ).toEqual({ image: relocated });
  });

  it("names the stack's registry run image for a builder in a layout (the layout copy cannot be pulled)", () => {
    expect(
      lifecycleRunImage({
        relocated: `oci:/out/builder@${digest}`,
        stackRunImage: `r.test/stack/run@${digest}`,
      }),
    ).toEqual({ image: `r.test/stack/run@${digest}` });
  });

  it('keeps the layout copy and warns when the stack run image is only a layout', () => {
    const result = lifecycleRunImage({
      relocated: `oci:/out/builder@${digest}`,
      stackRunImage: `oci:/in/run@${digest}`,
    });
    expect(result.image).toBe(`oci:/out/builder@${digest}`);
    expect(result.warning).toMatch(/local layout, which the lifecycle cannot pull.*failed to find accessible run image.*registry runImage/);
  });
});
