/**
 * pack's builder configuration (`builder.toml`, as `pack builder create --config` reads it): parsed
 * into one typed shape with pack's merging of the old `[stack]` table and the newer `[build]` /
 * `[[run.images]]` (RFC 0096), and checked with pack's rules plus packsmith's limits, every problem
 * at once, each naming its key (`buildpacks[2].uri`). Unknown keys are errors, as in pack, with a
 * did-you-mean.
 */
import { parse, TomlError } from 'smol-toml';
import { closestMatch, isJsonObject, type ValidationIssue } from '../shared/index.ts';

/** One `[[buildpacks]]` entry: where the buildpack comes from (`uri`, or the older `image`). */
export interface PackBuildpackEntry {
  /** The uri or image as written. */
  location: string;
  /** True when given as `image =` (always an image reference). */
  isImage: boolean;
  id?: string;
  version?: string;
}

/** One buildpack of an order group. */
export interface PackGroupEntry {
  id: string;
  version?: string;
  optional?: boolean;
}

/** A run image and its mirrors. */
export interface PackRunImage {
  image: string;
  mirrors: string[];
}

/** One `[[targets]]` entry. */
export interface PackTarget {
  os?: string;
  arch?: string;
  variant?: string;
  distributions: { name: string; version?: string }[];
}

/** A checked builder.toml, `[stack]` merged with `[build]` and `[[run.images]]` the way pack merges them. */
export interface PackBuilderConfig {
  description?: string;
  buildpacks: PackBuildpackEntry[];
  order: { group: PackGroupEntry[] }[];
  /** `[stack] id`, when given (pack's older stacks). */
  stackId?: string;
  buildImage: string;
  /** The first is the builder's run image. */
  runImages: PackRunImage[];
  lifecycle: { uri?: string; version?: string };
  targets: PackTarget[];
}

/** The result: the config and pack's warnings, or every problem. */
export type PackConfigResult = { ok: true; config: PackBuilderConfig; warnings: string[] } | { ok: false; issues: ValidationIssue[] };

type Table = Record<string, unknown>;

const topKeys = ['description', 'buildpacks', 'extensions', 'order', 'order-extensions', 'stack', 'lifecycle', 'run', 'build', 'targets', 'system'];

/** Reads keys of one table, recording wrong types and unknown keys. */
class TableReader {
  private readonly table: Table;
  private readonly at: string;
  private readonly issues: ValidationIssue[];

  constructor(table: Table, at: string, issues: ValidationIssue[]) {
    this.table = table;
    this.at = at;
    this.issues = issues;
  }

  private path(key: string): string {
    return this.at === '' ? key : `${this.at}.${key}`;
  }

  string(key: string): string | undefined {
    const value = this.table[key];
    if (value === undefined) return undefined;
    if (typeof value === 'string') return value;
    this.issues.push({ path: this.path(key), message: `must be a string, not ${describe(value)}` });
    return undefined;
  }

  boolean(key: string): boolean | undefined {
    const value = this.table[key];
    if (value === undefined || typeof value === 'boolean') return value;
    this.issues.push({ path: this.path(key), message: `must be true or false, not ${describe(value)}` });
    return undefined;
  }

  strings(key: string): string[] {
    const value = this.table[key];
    if (value === undefined) return [];
    if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value;
    this.issues.push({ path: this.path(key), message: `must be a list of strings` });
    return [];
  }

  subtable(key: string): TableReader | undefined {
    const value = this.table[key];
    if (value === undefined) return undefined;
    if (isJsonObject(value) && !Array.isArray(value)) return new TableReader(value, this.path(key), this.issues);
    this.issues.push({ path: this.path(key), message: `must be a table ([${this.path(key)}]), not ${describe(value)}` });
    return undefined;
  }

  tables(key: string): TableReader[] {
    const value = this.table[key];
    if (value === undefined) return [];
    if (Array.isArray(value) && value.every((v) => isJsonObject(v))) return value.map((v, i) => new TableReader(v, `${this.path(key)}[${i + 1}]`, this.issues));
    this.issues.push({ path: this.path(key), message: `must be an array of tables ([[${this.path(key)}]])` });
    return [];
  }

  /** Records every key outside `known`, with the closest known key as a hint. */
  only(known: readonly string[]): void {
    for (const key of Object.keys(this.table)) {
      if (known.includes(key)) continue;
      const near = closestMatch(key, known);
      this.issues.push({ path: this.path(key), message: `unknown key${near === undefined ? '' : `: did you mean ${near}?`} (known: ${known.join(', ')})` });
    }
  }

  get where(): string {
    return this.at;
  }

  has(key: string): boolean {
    return this.table[key] !== undefined;
  }
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (isJsonObject(value)) return 'a table';
  return `${typeof value} ${JSON.stringify(value)}`;
}

function syntaxIssue(error: unknown): ValidationIssue {
  if (error instanceof TomlError) {
    const first = error.message.split('\n')[0] ?? error.message;
    return { path: `line ${error.line}`, message: `not valid TOML: ${first.replace(/^Invalid TOML document: /, '')}` };
  }
  return { path: '(file)', message: `not valid TOML: ${String(error)}` };
}

function buildpackEntries(root: TableReader, issues: ValidationIssue[]): PackBuildpackEntry[] {
  return root.tables('buildpacks').flatMap((entry) => {
    entry.only(['id', 'version', 'uri', 'image']);
    const uri = entry.string('uri');
    const image = entry.string('image');
    const id = entry.string('id');
    const version = entry.string('version');
    if (uri !== undefined && image !== undefined) {
      issues.push({ path: entry.where, message: 'give uri or image, not both' });
      return [];
    }
    const location = uri ?? image;
    if (location === undefined || location === '') {
      issues.push({ path: `${entry.where}.uri`, message: 'required: where the buildpack comes from (an image reference, docker://, a .cnb file or oci:PATH)' });
      return [];
    }
    return [{ location, isImage: image !== undefined, ...(id ? { id } : {}), ...(version ? { version } : {}) }];
  });
}

function orderOf(root: TableReader, issues: ValidationIssue[]): { group: PackGroupEntry[] }[] {
  return root.tables('order').map((entry) => {
    entry.only(['group']);
    const seen = new Set<string>();
    const group = entry.tables('group').flatMap((ref) => {
      ref.only(['id', 'version', 'optional']);
      const id = ref.string('id');
      const version = ref.string('version');
      const optional = ref.boolean('optional');
      if (!id) {
        issues.push({ path: `${ref.where}.id`, message: 'required: the id of a buildpack in [[buildpacks]]' });
        return [];
      }
      if (seen.has(id)) issues.push({ path: `${ref.where}.id`, message: `${id} is already in this group: a group names each buildpack once` });
      seen.add(id);
      return [{ id, ...(version ? { version } : {}), ...(optional === true ? { optional } : {}) }];
    });
    if (group.length === 0 && !entry.has('group')) issues.push({ path: `${entry.where}.group`, message: 'required: at least one [[order.group]]' });
    return { group };
  });
}

function targetsOf(root: TableReader, issues: ValidationIssue[]): PackTarget[] {
  const targets = root.tables('targets').map((entry) => {
    entry.only(['os', 'arch', 'variant', 'distributions']);
    const distributions = entry.tables('distributions').flatMap((d) => {
      d.only(['name', 'version', 'versions']);
      const name = d.string('name');
      const version = d.string('version') ?? d.strings('versions')[0];
      return name ? [{ name, ...(version ? { version } : {}) }] : [];
    });
    const [os, arch, variant] = [entry.string('os'), entry.string('arch'), entry.string('variant')];
    return { ...(os ? { os } : {}), ...(arch ? { arch } : {}), ...(variant ? { variant } : {}), distributions };
  });
  // Several targets make a multi-arch builder (docs/multiarch.md); each needs os and arch to name a platform.
  if (targets.length > 1) {
    targets.forEach((t, i) => {
      if (!t.os || !t.arch) issues.push({ path: `targets[${i + 1}]`, message: 'give os and arch: with several targets each names one platform' });
    });
  }
  return targets;
}

/** Pack's rule for `[[extensions]]`, `[[order-extensions]]`, `[[build.env]]` and `[system]`: refused until packsmith writes them. */
function unsupported(root: TableReader, build: TableReader | undefined, issues: ValidationIssue[]): void {
  const refuse = (path: string, what: string): void => {
    issues.push({ path, message: `${what} are not supported by packsmith yet (kpack builders have none either): remove this table` });
  };
  if (root.has('extensions')) refuse('extensions', 'image extensions');
  if (root.has('order-extensions')) refuse('order-extensions', 'image extensions');
  if (root.has('system')) refuse('system', 'system buildpacks');
  if (build?.has('env') === true) refuse('build.env', 'build-time environment variables');
}

interface Images {
  stackId?: string;
  buildImage: string;
  runImages: PackRunImage[];
}

interface StackTable {
  id?: string;
  build?: string;
  run?: string;
  mirrors: string[];
}

function stackTableOf(root: TableReader): StackTable {
  const stack = root.subtable('stack');
  if (stack === undefined) return { mirrors: [] };
  stack.only(['id', 'build-image', 'run-image', 'run-image-mirrors']);
  const [id, build, run] = [stack.string('id'), stack.string('build-image'), stack.string('run-image')];
  return { ...(id ? { id } : {}), ...(build ? { build } : {}), ...(run ? { run } : {}), mirrors: stack.strings('run-image-mirrors') };
}

function runImagesOf(root: TableReader, issues: ValidationIssue[]): PackRunImage[] {
  const run = root.subtable('run');
  run?.only(['images']);
  return (run?.tables('images') ?? []).map((entry) => {
    entry.only(['image', 'mirrors']);
    const image = entry.string('image') ?? '';
    if (image === '') issues.push({ path: `${entry.where}.image`, message: 'required: the run image' });
    return { image, mirrors: entry.strings('mirrors') };
  });
}

function checkBuildImage(buildImage: string | undefined, stack: StackTable, issues: ValidationIssue[]): void {
  if (!buildImage && !stack.build) issues.push({ path: 'build.image', message: 'required: the build image ([build] image, or [stack] build-image)' });
  if (buildImage && stack.build && buildImage !== stack.build) {
    issues.push({ path: 'build.image', message: `"${buildImage}" and stack.build-image "${stack.build}" differ: give one` });
  }
}

function checkRunImages(runImages: readonly PackRunImage[], stack: StackTable, issues: ValidationIssue[]): void {
  const [first] = runImages;
  if (!first && !stack.run) issues.push({ path: 'run.images', message: 'required: a run image ([[run.images]] image, or [stack] run-image)' });
  if (first && stack.run && first.image !== stack.run) {
    issues.push({ path: 'run.images[1].image', message: `"${first.image}" and stack.run-image "${stack.run}" differ: give one` });
  }
}

// pack's mergeStackWithImages and ValidateConfig: [build] wins over [stack], the first run image is the stack's.
function imagesOf(root: TableReader, build: TableReader | undefined, issues: ValidationIssue[]): Images {
  const stack = stackTableOf(root);
  build?.only(['image', 'env']);
  const buildImage = build?.string('image');
  const runImages = runImagesOf(root, issues);
  checkBuildImage(buildImage, stack, issues);
  checkRunImages(runImages, stack, issues);
  const fromStack = stack.run ? [{ image: stack.run, mirrors: stack.mirrors }] : [];
  return {
    ...(stack.id ? { stackId: stack.id } : {}),
    buildImage: buildImage || stack.build || '',
    runImages: runImages.length > 0 ? runImages : fromStack,
  };
}

function lifecycleOf(root: TableReader, issues: ValidationIssue[]): { uri?: string; version?: string } {
  const table = root.subtable('lifecycle');
  table?.only(['uri', 'version']);
  const [uri, version] = [table?.string('uri'), table?.string('version')];
  if (uri && version) issues.push({ path: 'lifecycle', message: 'give uri or version, not both' });
  return { ...(uri ? { uri } : {}), ...(version ? { version } : {}) };
}

/** Parses and checks a builder.toml text. */
export function parsePackBuilderConfig(text: string): PackConfigResult {
  let document: Table;
  try {
    document = parse(text);
  } catch (error) {
    return { ok: false, issues: [syntaxIssue(error)] };
  }
  const issues: ValidationIssue[] = [];
  const root = new TableReader(document, '', issues);
  root.only(topKeys);
  const description = root.string('description') ?? '';
  const buildpacks = buildpackEntries(root, issues);
  const order = orderOf(root, issues);
  const build = root.subtable('build');
  const images = imagesOf(root, build, issues);
  const lifecycle = lifecycleOf(root, issues);
  const targets = targetsOf(root, issues);
  unsupported(root, build, issues);
  if (issues.length > 0) return { ok: false, issues };
  const warnings = order.length === 0 ? ['builder.toml has no [[order]]: the builder detects nothing'] : [];
  return {
    ok: true,
    config: { ...(description === '' ? {} : { description }), buildpacks, order, ...images, lifecycle, targets },
    warnings,
  };
}
