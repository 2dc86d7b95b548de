/**
 * Local mode's input side: reads kpack YAML or JSON from files and directories (multi-document,
 * `kind: List`; OCI layouts inside directories are skipped), makes relative local image paths
 * relative to their file, converts v1alpha1 to v1alpha2, applies defaults, validates every resource and
 * reports each problem with its origin (`file#document`), and hands the valid ones on as
 * LocalResources.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import type { DocumentProblem, KubeObject, ReferenceChecks, SourcedResource } from '../api/index.ts';
import {
  applyDefaults,
  convertResource,
  formatFieldIssues,
  isInvalid,
  kindInfo,
  kinds,
  parseAnyResource,
  parseResourceDocuments,
  validateResource,
} from '../api/index.ts';
import type { LocalResource, RejectedDependency, SupplierKind } from '../app/index.ts';
import { closestMatch } from '../shared/index.ts';
import { CliError } from './errors.ts';
import { resolveSpecImagePaths } from './relative-images.ts';

const kindNames = kinds.map((k) => k.kind);

const resourceFile = /\.(ya?ml|json)$/i;

/** Texts from this size on get a progress line while they are parsed. */
export const largeTextBytes = 4 * 1024 * 1024;

/** `-f -` reads the resources from standard input, as kubectl does. */
export const standardInput = '-';

/** Reads all of standard input as text (injected, so tests need no process streams). */
export type ReadStandardInput = () => Promise<string>;

/** True when `file` lies inside one of `layouts` (directories holding an `oci-layout` file). */
function insideLayout(file: string, layouts: readonly string[]): boolean {
  return layouts.some((layout) => !relative(layout, file).startsWith(`..${sep}`));
}

/**
 * The files `paths` name: files as given, directories expanded (recursively) to their YAML/JSON
 * files, sorted, leaving out OCI image layouts (their `index.json` is not a kpack resource).
 */
export async function expandPaths(paths: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  for (const path of paths) {
    if (path === standardInput) {
      files.push(path);
      continue;
    }
    const info = await stat(path).catch((cause: unknown) => {
      throw new CliError(`cannot read ${path}: no such file or directory`, undefined, { cause });
    });
    if (!info.isDirectory()) {
      files.push(path);
      continue;
    }
    const entries = await readdir(path, { recursive: true, withFileTypes: true });
    const layouts = entries.filter((e) => e.isFile() && e.name === 'oci-layout').map((e) => e.parentPath);
    const found = entries.filter((e) => e.isFile() && resourceFile.test(e.name)).map((e) => join(e.parentPath, e.name));
    files.push(...found.filter((file) => !insideLayout(file, layouts)).sort());
  }
  return files;
}

/**
 * Every resource in `files`, with its origin, plus documents that could not be read. Relative
 * local image paths (`oci:`, `file:`, `.cnb`) in specs are resolved against the file's directory.
 */
export async function readResourceFiles(
  files: readonly string[],
  readStandardInput: ReadStandardInput,
  onLargeText?: (source: string, bytes: number) => void,
): Promise<{ resources: SourcedResource[]; problems: DocumentProblem[] }> {
  const resources: SourcedResource[] = [];
  const problems: DocumentProblem[] = [];
  for (const file of files) {
    const fromStdin = file === standardInput;
    const source = fromStdin ? 'stdin' : file;
    const text = fromStdin ? await readStandardInput() : await readFile(file, 'utf8');
    // Parsing takes a while from a few MB on: say so before the wait, not after.
    if (text.length >= largeTextBytes) onLargeText?.(source, Buffer.byteLength(text));
    const parsed = parseResourceDocuments(text, source);
    // Local image paths in standard input are relative to the working directory.
    const baseDir = fromStdin ? process.cwd() : dirname(file);
    resources.push(
      ...parsed.resources.map((r) =>
        r.resource.spec === undefined ? r : { ...r, resource: { ...r.resource, spec: resolveSpecImagePaths(r.resource.spec, baseDir) } },
      ),
    );
    problems.push(...parsed.problems);
  }
  return { resources, problems };
}

/**
 * Splits the packsmith kinds (the seven kpack.io kinds it builds) from everything else a directory
 * of mixed manifests holds (Image, Deployment, Secret…), which local mode leaves alone.
 */
export function packsmithKinds(sourced: readonly SourcedResource[]): { kept: SourcedResource[]; skipped: SourcedResource[] } {
  // A near miss of one of the seven (`ClusterStak`) is kept, so validation says what it should be.
  const isOurs = (r: SourcedResource): boolean => {
    const kind = r.resource.kind ?? '';
    return (r.resource.apiVersion ?? '').startsWith('kpack.io/') && (kindInfo(kind) !== undefined || closestMatch(kind, kindNames) !== undefined);
  };
  return { kept: sourced.filter(isOurs), skipped: sourced.filter((r) => !isOurs(r)) };
}

/** One line that says what was skipped: `skipped 3 documents that packsmith does not build: Deployment, Image (kpack.io/v1alpha2)`. */
export function skippedNotice(skipped: readonly SourcedResource[]): string | undefined {
  if (skipped.length === 0) return undefined;
  const kinds = [
    ...new Set(skipped.map((r) => `${r.resource.kind ?? '?'}${(r.resource.apiVersion ?? '').startsWith('kpack.io/') ? ` (${r.resource.apiVersion})` : ''}`)),
  ].sort();
  return `skipped ${skipped.length} document${skipped.length === 1 ? '' : 's'} that packsmith does not build: ${kinds.join(', ')}`;
}

/** A resource ready for local mode, or one rejected with the reason. */
export type PreparedResource =
  { ok: true; origin: string; resource: KubeObject; local: LocalResource } | { ok: false; origin: string; resource: KubeObject; message: string };

function identity(resource: KubeObject): string {
  return `${resource.kind}/${resource.metadata.namespace ?? ''}/${resource.metadata.name}`;
}

function prepareOne(sourced: SourcedResource, checks: ReferenceChecks): PreparedResource {
  const { origin, resource } = sourced;
  const original = applyDefaults(resource);
  const issues = validateResource(original, checks);
  const info = kindInfo(resource.kind ?? '');
  if (issues.length > 0 || !info) return { ok: false, origin, resource, message: `invalid ${resource.kind}:\n${formatFieldIssues(issues)}` };
  const converted = applyDefaults(convertResource(original, 'kpack.io/v1alpha2'));
  const { metadata } = converted;
  const v2 = {
    ...converted,
    metadata: { ...metadata, generation: metadata.generation ?? 1, ...(info.scope === 'Namespaced' ? { namespace: metadata.namespace ?? 'default' } : {}) },
  };
  // Validation above used the same schemas, so this parse succeeds; it gives the typed resource.
  const local = parseAnyResource(info.kind, v2);
  if (isInvalid(local)) return { ok: false, origin, resource, message: `invalid ${resource.kind}:\n${local.problems.join('\n')}` };
  return { ok: true, origin, resource: v2, local };
}

/** Prepares every resource; a second resource with the same kind, namespace and name is rejected. */
export function prepareResources(sourced: readonly SourcedResource[], checks: ReferenceChecks): PreparedResource[] {
  const seen = new Map<string, string>();
  return sourced.map((item) => {
    const prepared = prepareOne(item, checks);
    if (!prepared.ok) return prepared;
    const key = identity(prepared.resource);
    const earlier = seen.get(key);
    if (earlier !== undefined)
      return { ok: false, origin: item.origin, resource: prepared.resource, message: `duplicate of ${earlier}: give each resource its own name` };
    seen.set(key, item.origin);
    return prepared;
  });
}

const supplierKinds: readonly string[] = [
  'ClusterStore',
  'Buildpack',
  'ClusterBuildpack',
  'ClusterStack',
  'ClusterLifecycle',
] satisfies readonly SupplierKind[];
const isSupplierKind = (kind: string): kind is SupplierKind => supplierKinds.includes(kind);

/** The problem lines of a rejection, without its `invalid Kind:` lead and hint lines, on one line. */
function problemLine(message: string): string {
  const lines = message.split('\n');
  const problems = lines.slice(lines[0]?.startsWith('invalid ') === true ? 1 : 0).filter((line) => line !== '' && !/^\s/.test(line));
  return problems.join('; ');
}

/**
 * The dependencies that were rejected, for local mode's lookup: a builder that uses one then says
 * `… is not ready: its spec in stack.yaml#2 is invalid: …` instead of calling it missing.
 * Duplicates are left out: the first resource of that name is the one builders use.
 */
export function rejectedDependencies(prepared: readonly PreparedResource[]): RejectedDependency[] {
  return prepared.flatMap((item) => {
    const kind = item.resource.kind ?? '';
    if (item.ok || !isSupplierKind(kind) || item.message.startsWith('duplicate of')) return [];
    const { name, namespace } = item.resource.metadata;
    const metadata = { name, ...(kind === 'Buildpack' ? { namespace: namespace ?? 'default' } : {}) };
    return [{ kind, metadata, reason: `its spec in ${item.origin} is invalid: ${problemLine(item.message)}` }];
  });
}
