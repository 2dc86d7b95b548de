/**
 * The run image a builder names to the lifecycle (run.toml, stack.toml and the builder metadata
 * label). kpack names the run-image copy it pushed beside the builder; the lifecycle's analyzer
 * then pulls that reference. A copy in a local layout (`oci:PATH@DIGEST`) is something the
 * analyzer cannot pull ("failed to find accessible run image"), so for a builder written to a
 * layout the stack's own registry reference is named instead: the same digest the copy was made
 * from. When the stack's run image is itself only a layout, no usable reference exists: the
 * layout copy is named (so the builder still inspects and detects) and a warning says why
 * builds with it cannot export.
 */
import { parseLayoutReference } from '../oci/index.ts';

/** What the builder will name, and a warning when builds cannot use it. */
export interface LifecycleRunImage {
  /** The reference written into the builder's run.toml, stack.toml and metadata. */
  image: string;
  warning?: string;
}

/** Inputs: where the copy went, and the stack's resolved run image (`<repository>@<digest>` or `oci:PATH@DIGEST`). */
export interface LifecycleRunImageInput {
  /** The relocated copy's identifier (`<tag>-run-image@<digest>`, or `oci:PATH@DIGEST` for a layout). */
  relocated: string;
  /** The ClusterStack's `runImage.latestImage`. */
  stackRunImage: string;
}

const isLayout = (reference: string): boolean => parseLayoutReference(reference) !== undefined;

/** The run image reference a builder gives the lifecycle (see the module header). */
export function lifecycleRunImage(input: LifecycleRunImageInput): LifecycleRunImage {
  if (!isLayout(input.relocated)) return { image: input.relocated };
  if (!isLayout(input.stackRunImage)) return { image: input.stackRunImage };
  return {
    image: input.relocated,
    warning:
      `the run image ${input.relocated} is a local layout, which the lifecycle cannot pull: ` +
      'builds with this builder fail in the analyzer ("failed to find accessible run image"); ' +
      'give the ClusterStack a registry runImage to make a builder that can export app images',
  };
}
