/**
 * Checks a resource's envelope and the shape of its spec against the kind's schema: known
 * apiVersion and kind, a name, and no misspelt or mistyped fields.
 */
import * as z from 'zod/mini';
import { closestMatch, isJsonObject } from '../shared/index.ts';
import { issue, type FieldIssue } from './field-issues.ts';
import { apiGroup, kindInfo, kinds, type KindInfo } from './kinds.ts';
import type { KubeObject } from './resource.ts';

/** Renders a zod path such as ['order', 0, 'group'] as `spec.order[0].group`. */
export function formatPath(base: string, path: ReadonlyArray<PropertyKey>): string {
  return path.reduce<string>((out, part) => (typeof part === 'number' ? `${out}[${part}]` : `${out}.${String(part)}`), base);
}

/** The property names the JSON schema of `schema` allows at `path` (array indexes step into items). */
function knownKeysAt(schema: z.ZodMiniType, path: ReadonlyArray<PropertyKey>): string[] {
  let node: unknown = jsonSchemaOf(schema);
  for (const part of path) {
    if (!isJsonObject(node)) return [];
    node = typeof part === 'number' ? node.items : isJsonObject(node.properties) ? node.properties[String(part)] : undefined;
  }
  return isJsonObject(node) && isJsonObject(node.properties) ? Object.keys(node.properties) : [];
}

const jsonSchemas = new WeakMap<z.ZodMiniType, unknown>();
function jsonSchemaOf(schema: z.ZodMiniType): unknown {
  if (!jsonSchemas.has(schema)) jsonSchemas.set(schema, z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }));
  return jsonSchemas.get(schema);
}

/** The value at `path` in `root`, as kpack's `invalid value: <value>` prints it (short). */
function valueAt(root: unknown, path: ReadonlyArray<PropertyKey>): string {
  let node = root;
  for (const part of path) node = Array.isArray(node) && typeof part === 'number' ? node[part] : isJsonObject(node) ? node[String(part)] : undefined;
  if (node === undefined) return '';
  const text = typeof node === 'string' ? node : JSON.stringify(node);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function zodIssueToField(base: string, zi: z.core.$ZodIssue, schema: z.ZodMiniType, spec: unknown): FieldIssue[] {
  if (zi.code === 'unrecognized_keys') {
    const known = knownKeysAt(schema, zi.path);
    return zi.keys.map((key) => {
      const near = closestMatch(key, known);
      const hint = near === undefined ? 'check its spelling and indentation' : `did you mean "${near}"?`;
      return issue.unknown(formatPath(base, [...zi.path, key]), `"${key}" is not a field here; ${hint}`);
    });
  }
  const path = formatPath(base, zi.path);
  return [issue.invalid(path, valueAt(spec, zi.path), zi.message.replace(/^Invalid input: /, ''))];
}

const kindNames: readonly string[] = kinds.map((k) => k.kind);

function versionIssues(apiVersion: string, info: KindInfo | undefined): { version?: 'v1alpha1' | 'v1alpha2'; issues: FieldIssue[] } {
  const [group, version] = apiVersion.split('/');
  const known = version === 'v1alpha1' || version === 'v1alpha2' ? version : undefined;
  if (group !== apiGroup || !known)
    return { issues: [issue.invalid('apiVersion', apiVersion, 'use kpack.io/v1alpha2 (or kpack.io/v1alpha1 for the kinds that had it)')] };
  if (info && !info.versions[known])
    return { version: known, issues: [issue.invalid('apiVersion', apiVersion, `${info.kind} exists only in kpack.io/v1alpha2`)] };
  return { version: known, issues: [] };
}

/** Envelope problems (apiVersion, kind, name); returns the kind's info when it is usable. */
export function checkEnvelope(resource: KubeObject): { info?: KindInfo; version?: 'v1alpha1' | 'v1alpha2'; issues: FieldIssue[] } {
  const kind = resource.kind ?? '';
  const info = kindInfo(kind);
  const issues: FieldIssue[] = [];
  if (!info) {
    const near = closestMatch(kind, kindNames);
    const lead = near === undefined ? '' : `did you mean ${near}? `;
    issues.push(
      issue.invalid(
        'kind',
        kind,
        `${lead}packsmith handles ClusterStore, ClusterStack, ClusterLifecycle, Buildpack, ClusterBuildpack, Builder and ClusterBuilder`,
      ),
    );
  }
  const version = versionIssues(resource.apiVersion ?? '', info);
  issues.push(...version.issues);
  if (!resource.metadata?.name) issues.push(issue.missing('metadata.name', 'give the resource a name'));
  return { info, version: version.version, issues };
}

/**
 * Shape problems of `spec` for the kind's schema in `version`, from one parse, and the spec the
 * kind's rules can still run on: `spec` itself when it fits, else `spec` without the fields the
 * schema rejects (misspelt keys, values of the wrong type), so every problem is reported in one
 * round; undefined when no such spec exists (no spec, or a rejected value sits in a list, whose
 * removal would shift the paths of the rest).
 */
export function checkSpecShape(info: KindInfo, version: 'v1alpha1' | 'v1alpha2', spec: unknown): { issues: FieldIssue[]; usable: unknown } {
  const schemas = info.versions[version];
  if (!schemas) return { issues: [], usable: spec };
  if (spec === undefined || spec === null) return { issues: [issue.missing('spec', `a ${info.kind} needs a spec`)], usable: undefined };
  const result = schemas.spec.safeParse(spec);
  if (result.success) return { issues: [], usable: spec };
  const issues = result.error.issues.flatMap((zi) => zodIssueToField('spec', zi, schemas.spec, spec));
  return { issues, usable: withoutRejected(spec, result.error.issues) };
}

function withoutRejected(spec: unknown, rejected: readonly z.core.$ZodIssue[]): unknown {
  if (!isJsonObject(spec)) return undefined;
  const cleaned = structuredClone(spec);
  for (const zi of rejected) {
    const paths = zi.code === 'unrecognized_keys' ? zi.keys.map((key) => [...zi.path, key]) : [zi.path];
    for (const path of paths) if (!removeAt(cleaned, path)) return undefined;
  }
  return cleaned;
}

function removeAt(root: unknown, path: ReadonlyArray<PropertyKey>): boolean {
  const last = path.at(-1);
  if (last === undefined || typeof last === 'number') return false;
  let node = root;
  for (const part of path.slice(0, -1))
    node = Array.isArray(node) && typeof part === 'number' ? node[part] : isJsonObject(node) ? node[String(part)] : undefined;
  if (!isJsonObject(node)) return false;
  delete node[String(last)];
  return true;
}
