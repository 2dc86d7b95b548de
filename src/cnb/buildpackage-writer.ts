/**
 * Builds buildpackage images from buildpacks held in memory (a descriptor and files each), in the
 * layout and with the labels `pack buildpack package` produces: one layer per buildpack under
 * `cnb/buildpacks/<id with / as _>/<version>/`, `io.buildpacks.buildpackage.metadata` naming the
 * first (main) buildpack, and `io.buildpacks.buildpack.layers`. Deterministic: the same input
 * always gives the same image digest. Used for test fixtures and the `samples` command.
 */
import type { Image, IoOptions, TarEntry } from '../oci/index.ts';
import { appendLayers, createTarLayer, emptyImage, normalizedModTime, withCreated, withLabels } from '../oci/index.ts';
import { ValidationError, type ValidationIssue } from '../shared/index.ts';
import { goJson, renderBuildpackLayersLabel, type LayersLabelRecord } from './builder-plan.ts';
import { labelKeys } from './labels.ts';
import type { OrderEntry, StackSupport, TargetSupport } from './records.ts';
import { renderOrderToml, tomlString } from './toml.ts';

/** The content of `buildpack.toml`, which the writer renders. */
export interface BuildpackDescriptor {
  /** Buildpack API, e.g. `0.10`. */
  api: string;
  buildpack: { id: string; version: string; homepage?: string };
  stacks?: readonly StackSupport[];
  targets?: readonly TargetSupport[];
  /** Set for a composite (meta) buildpack; every entry must name a buildpack of the same package, with a version. */
  order?: readonly OrderEntry[];
}

/** One file of a buildpack. Mode: `bin/*` and anything with an exec bit become 0755, the rest 0644 (pack's rule). */
export interface BuildpackFile {
  content: string | Uint8Array;
  mode?: number;
}

/** A buildpack directory held in memory: its descriptor and its other files by relative path. */
export interface BuildpackTree {
  descriptor: BuildpackDescriptor;
  /** Relative paths such as `bin/detect`; `buildpack.toml` is rendered from the descriptor and may not be given. */
  files?: Readonly<Record<string, BuildpackFile>>;
}

/** The directory of a buildpack inside images: `cnb/buildpacks/<id, / escaped as _>/<version>`. */
export function buildpackDir(id: string, version: string): string {
  return `cnb/buildpacks/${id.replaceAll('/', '_')}/${version}`;
}

/**
 * A buildpackage image (OCI media types, linux/amd64, created 1980-01-01T00:00:01Z, one history
 * entry per layer) holding `buildpacks` in the given order; the first is the package's main
 * buildpack, and every other one must be reachable from it through orders, as pack requires.
 * Computes the layers' diffIDs (hashing the small tars). Throws ValidationError listing every problem.
 */
export async function createBuildpackage(buildpacks: readonly BuildpackTree[], options: IoOptions = {}): Promise<Image> {
  const issues = checkPackage(buildpacks);
  const stacks = packageStacks(buildpacks);
  if (stacks.length === 0 && issues.length === 0) issues.push({ path: 'buildpacks', message: 'no compatible stacks among provided buildpacks' });
  if (issues.length > 0) throw new ValidationError(issues);
  const layers = buildpacks.map((tree) => createTarLayer(layerEntries(tree)));
  const diffIds = await Promise.all(layers.map((layer) => layer.diffId(options)));
  const records = buildpacks.map((tree, i) => asRecord(tree.descriptor, diffIds[i] ?? ''));
  const main = buildpacks[0]!.descriptor.buildpack;
  const metadata = { id: main.id, version: main.version, homepage: main.homepage || undefined, stacks: stacks.map(stackJson) };
  const created = { created: normalizedModTime.toISOString().replace('.000Z', 'Z') };
  const base = withCreated(emptyImage({ os: 'linux', architecture: 'amd64' }), normalizedModTime);
  const withContent = appendLayers(base, layers, { history: layers.map(() => created) });
  return withLabels(withContent, {
    [labelKeys.buildpackageMetadata]: goJson(metadata),
    [labelKeys.buildpackLayers]: renderBuildpackLayersLabel(records),
  });
}

function checkPackage(buildpacks: readonly BuildpackTree[]): ValidationIssue[] {
  if (buildpacks.length === 0) return [{ path: 'buildpacks', message: 'a buildpackage needs at least one buildpack' }];
  const issues: ValidationIssue[] = [];
  const seen = new Map<string, number>();
  buildpacks.forEach((tree, i) => {
    const { id, version } = tree.descriptor.buildpack;
    if (!id || !version) issues.push({ path: `buildpacks[${i}].descriptor.buildpack`, message: 'id and version are required' });
    const earlier = seen.get(`${id}@${version}`);
    if (earlier !== undefined) issues.push({ path: `buildpacks[${i}]`, message: `${id}@${version} is also buildpacks[${earlier}]` });
    seen.set(`${id}@${version}`, i);
    for (const path of Object.keys(tree.files ?? {})) checkFilePath(path, `buildpacks[${i}].files`, issues);
  });
  checkOrders(buildpacks, new Set(seen.keys()), issues);
  return issues;
}

function checkFilePath(path: string, at: string, issues: ValidationIssue[]): void {
  const segments = path.split('/');
  if (path === '' || path.startsWith('/') || segments.some((s) => s === '' || s === '.' || s === '..')) {
    issues.push({ path: `${at}.${path}`, message: 'must be a relative path without empty, "." or ".." segments' });
  } else if (path === 'buildpack.toml') {
    issues.push({ path: `${at}.${path}`, message: 'buildpack.toml is rendered from the descriptor; do not give it as a file' });
  }
}

/** Every order entry names a packaged buildpack with a version, and every buildpack is reachable from the first. */
function checkOrders(buildpacks: readonly BuildpackTree[], present: ReadonlySet<string>, issues: ValidationIssue[]): void {
  const reachable = new Set<string>();
  const visit = (tree: BuildpackTree): void => {
    const key = `${tree.descriptor.buildpack.id}@${tree.descriptor.buildpack.version}`;
    if (reachable.has(key)) return;
    reachable.add(key);
    for (const ref of (tree.descriptor.order ?? []).flatMap((o) => o.group)) {
      const child = buildpacks.find((b) => b.descriptor.buildpack.id === ref.id && b.descriptor.buildpack.version === ref.version);
      if (child) visit(child);
    }
  };
  visit(buildpacks[0]!);
  buildpacks.forEach((tree, i) => {
    const { id, version } = tree.descriptor.buildpack;
    for (const ref of (tree.descriptor.order ?? []).flatMap((o) => o.group)) {
      if (!ref.version || !present.has(`${ref.id}@${ref.version}`)) {
        issues.push({ path: `buildpacks[${i}].descriptor.order`, message: `${ref.id}@${ref.version ?? '(no version)'} is not in the package` });
      }
    }
    if (!reachable.has(`${id}@${version}`)) issues.push({ path: `buildpacks[${i}]`, message: `buildpack ${id}@${version} is not used by the main buildpack` });
  });
}

/**
 * The package's stacks as pack computes them: the intersection of every component buildpack's
 * stacks (one without stacks counts as `*`; a `*` side yields the other side); composites are skipped.
 */
function packageStacks(buildpacks: readonly BuildpackTree[]): StackSupport[] {
  const components = buildpacks.filter((b) => !b.descriptor.order?.length);
  const stacksOf = (b: BuildpackTree): StackSupport[] => (b.descriptor.stacks?.length ? [...b.descriptor.stacks] : [{ id: '*' }]);
  if (components.length === 0) return [{ id: '*' }];
  return components.map(stacksOf).reduce(mergeStacks);
}

function mergeStacks(a: StackSupport[], b: StackSupport[]): StackSupport[] {
  const wildA = a.some((s) => s.id === '*');
  const wildB = b.some((s) => s.id === '*');
  if (wildA && wildB) return [{ id: '*' }];
  if (wildA) return b;
  if (wildB) return a;
  const mixinsById = new Map(a.map((s) => [s.id, s.mixins ?? []]));
  return b.flatMap((s) => {
    const other = mixinsById.get(s.id);
    if (!other) return [];
    const mixins = [...new Set([...other, ...(s.mixins ?? [])])].sort();
    return [mixins.length > 0 ? { id: s.id, mixins } : { id: s.id }];
  });
}

function stackJson(stack: StackSupport): unknown {
  return { id: stack.id, mixins: stack.mixins?.length ? stack.mixins : undefined };
}

function asRecord(descriptor: BuildpackDescriptor, diffId: string): LayersLabelRecord {
  return {
    id: descriptor.buildpack.id,
    version: descriptor.buildpack.version,
    api: descriptor.api,
    homepage: descriptor.buildpack.homepage,
    diffId,
    order: descriptor.order?.map((o) => ({ group: o.group.map((g) => ({ ...g })) })),
    stacks: descriptor.stacks?.map((s) => ({ ...s })),
    targets: descriptor.targets?.map((t) => ({ ...t })),
  };
}

function fileMode(path: string, mode: number | undefined): number {
  return path.startsWith('bin/') || ((mode ?? 0) & 0o111) !== 0 ? 0o755 : 0o644;
}

/** The tar entries of one buildpack's layer: its id and version directories, buildpack.toml and its files. */
function layerEntries(tree: BuildpackTree): TarEntry[] {
  const { id, version } = tree.descriptor.buildpack;
  const root = buildpackDir(id, version);
  const entries: TarEntry[] = [
    { path: root.slice(0, root.lastIndexOf('/')), type: 'dir', mode: 0o755 },
    { path: root, type: 'dir', mode: 0o755 },
    { path: `${root}/buildpack.toml`, type: 'file', mode: 0o644, content: renderBuildpackToml(tree.descriptor) },
  ];
  for (const [path, file] of Object.entries(tree.files ?? {})) {
    entries.push({ path: `${root}/${path}`, type: 'file', mode: fileMode(path, file.mode), content: file.content });
  }
  return entries;
}

const stringArray = (values: readonly string[]): string => `[${values.map(tomlString).join(', ')}]`;

/** `buildpack.toml` text for `descriptor`: api, the [buildpack] table, then stacks, targets and order when present. */
export function renderBuildpackToml(descriptor: BuildpackDescriptor): string {
  const { buildpack } = descriptor;
  const sections = [`api = ${tomlString(descriptor.api)}\n`];
  const info = [`  id = ${tomlString(buildpack.id)}`, `  version = ${tomlString(buildpack.version)}`];
  if (buildpack.homepage) info.push(`  homepage = ${tomlString(buildpack.homepage)}`);
  sections.push(`[buildpack]\n${info.join('\n')}\n`);
  for (const stack of descriptor.stacks ?? []) {
    const mixins = stack.mixins?.length ? `  mixins = ${stringArray(stack.mixins)}\n` : '';
    sections.push(`[[stacks]]\n  id = ${tomlString(stack.id)}\n${mixins}`);
  }
  for (const target of descriptor.targets ?? []) sections.push(renderTarget(target));
  if (descriptor.order?.length) sections.push(renderOrderToml(descriptor.order));
  return sections.join('\n');
}

function renderTarget(target: TargetSupport): string {
  const fields = (['os', 'arch', 'variant'] as const).filter((k) => target[k]).map((k) => `  ${k} = ${tomlString(target[k] ?? '')}\n`);
  const distros = (target.distros ?? []).map((d) => {
    const version = d.version ? `    version = ${tomlString(d.version)}\n` : '';
    return `\n  [[targets.distros]]\n    name = ${tomlString(d.name)}\n${version}`;
  });
  return `[[targets]]\n${fields.join('')}${distros.join('')}`;
}
