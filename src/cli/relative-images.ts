/**
 * Local image paths in kpack YAML are relative to the file that names them, as paths in
 * kustomization or compose files are: `oci:images/run:v1` in `/work/samples/resources.yaml` means
 * the layout `/work/samples/images/run`, wherever packsmith runs. Registry references and absolute
 * paths are left as they are.
 */
import { isAbsolute, resolve } from 'node:path';

/** `reference` with a relative local path (`oci:PATH…`, `file:PATH…`, `PATH.cnb…`) made absolute against `baseDir`. */
export function resolveLocalImagePath(reference: string, baseDir: string): string {
  for (const scheme of ['oci:', 'file:']) {
    if (!reference.startsWith(scheme)) continue;
    const rest = reference.slice(scheme.length);
    // An empty path stays as written, so validation reports it.
    return rest === '' || isAbsolute(rest) ? reference : `${scheme}${resolve(baseDir, rest)}`;
  }
  // A bare `.cnb` file (optionally pinned `@sha256:…`); anything else is a registry reference.
  const path = reference.replace(/@[a-z0-9]+:[a-f0-9]+$/, '');
  if (!path.endsWith('.cnb') || isAbsolute(reference)) return reference;
  return resolve(baseDir, reference);
}

type Spec = Record<string, unknown>;

const isObject = (value: unknown): value is Spec => typeof value === 'object' && value !== null && !Array.isArray(value);

function withImage(value: unknown, baseDir: string): unknown {
  if (!isObject(value) || typeof value.image !== 'string') return value;
  return { ...value, image: resolveLocalImagePath(value.image, baseDir) };
}

function resolveOrder(order: unknown, baseDir: string): unknown {
  if (!Array.isArray(order)) return order;
  return order.map((entry: unknown) => {
    if (!isObject(entry) || !Array.isArray(entry.group)) return entry;
    return { ...entry, group: entry.group.map((ref: unknown) => withImage(ref, baseDir)) };
  });
}

/**
 * A copy of a kpack resource's `spec` with every image field made absolute against `baseDir`
 * where it names a relative local path: `sources[].image`, `image`, `buildImage.image`,
 * `runImage.image`, `tag` and `order[].group[].image` (the fields are the same in v1alpha1 and
 * v1alpha2). Fields of any other shape are kept as they are, for validation to report.
 */
export function resolveSpecImagePaths(spec: unknown, baseDir: string): unknown {
  if (!isObject(spec)) return spec;
  const next: Spec = { ...spec };
  if (Array.isArray(spec.sources)) next.sources = spec.sources.map((source: unknown) => withImage(source, baseDir));
  if (typeof spec.image === 'string') next.image = resolveLocalImagePath(spec.image, baseDir);
  if ('buildImage' in spec) next.buildImage = withImage(spec.buildImage, baseDir);
  if ('runImage' in spec) next.runImage = withImage(spec.runImage, baseDir);
  if (typeof spec.tag === 'string') next.tag = resolveLocalImagePath(spec.tag, baseDir);
  if ('order' in spec) next.order = resolveOrder(spec.order, baseDir);
  return next;
}
