/**
 * Reads a lifecycle image (as `buildpacks/lifecycle` publishes it): its version and the Buildpack and
 * Platform APIs it implements come from labels, and the lifecycle itself is the image's last layer.
 */
import type { Image, IoOptions, Layer, Platform } from '../oci/index.ts';
import { ValidationError, messageOf, type ValidationIssue } from '../shared/index.ts';
import { CnbFormatError, labelKeys, parseLifecycleApis, parseLifecycleMetadata, readLabel, type LifecycleMetadata } from './labels.ts';
import type { LifecycleRecord } from './records.ts';

/** How the lifecycle image was named: as the spec wrote it, and as fetched (`<repository>@<digest>`). */
export interface LifecycleRefs {
  image: string;
  latestImage: string;
}

/**
 * The LifecycleRecord of a lifecycle image, from `io.buildpacks.builder.metadata` (version, legacy
 * api) and `io.buildpacks.lifecycle.apis` (both required); the `io.buildpacks.lifecycle.version`
 * label stands in for a metadata label without a version. Empty API lists are left out, as in
 * kpack's status. Throws ValidationError listing every problem (path `image`).
 */
export async function readLifecycleRecord(image: Image, refs: LifecycleRefs, options: IoOptions = {}): Promise<LifecycleRecord> {
  const config = await image.configFile(options);
  const issues: ValidationIssue[] = [];
  const attempt = <T>(key: string, parse: (text: string) => T): T | undefined => {
    const text = readLabel(config, key);
    if (text === undefined) {
      issues.push({ path: 'image', message: `could not find label ${key}` });
      return undefined;
    }
    try {
      return parse(text);
    } catch (cause) {
      issues.push({ path: 'image', message: messageOf(cause) });
      return undefined;
    }
  };
  const metadata: LifecycleMetadata | undefined = attempt(labelKeys.builderMetadata, parseLifecycleMetadata);
  const apis = attempt(labelKeys.lifecycleApis, parseLifecycleApis);
  const version = metadata?.version ?? readLabel(config, labelKeys.lifecycleVersion);
  if (metadata && !version) {
    issues.push({ path: 'image', message: `label ${labelKeys.builderMetadata} has no lifecycle.version and label ${labelKeys.lifecycleVersion} is missing` });
  }
  if (issues.length > 0 || !metadata || !apis || !version) throw new ValidationError(issues);
  return { image: { latestImage: refs.latestImage, image: refs.image }, version, api: metadata.api, apis };
}

/**
 * The layer that holds the lifecycle: the image's last layer (the lifecycle image tool puts
 * `/cnb/lifecycle` there). Lazy: no bytes are read. Throws CnbFormatError for an image without layers.
 */
export async function lifecycleLayer(image: Image, options: IoOptions = {}): Promise<Layer> {
  const layers = await image.layers(options);
  const last = layers.at(-1);
  if (!last) throw new CnbFormatError('failed to find lifecycle layer: failed to find lifecycle image layers');
  return last;
}

/** The platform a lifecycle image was built for, from its config (for `checkLifecyclePlatform`). */
export async function lifecyclePlatform(image: Image, options: IoOptions = {}): Promise<Platform> {
  const config = await image.configFile(options);
  return { os: config.os, architecture: config.architecture, ...(config.variant ? { variant: config.variant } : {}) };
}
