/**
 * Generates the CustomResourceDefinitions of the seven kinds from the schemas in `kinds.ts`, as
 * structural OpenAPI v3 schemas the API server accepts: everything zod emits that Kubernetes
 * rejects or handles badly (`additionalProperties: false`, `$ref`, safe-integer bounds) is removed.
 */
import * as z from 'zod/mini';
import { isJsonObject } from '../shared/index.ts';
import { apiGroup, kinds, storageVersion, type KindInfo } from './kinds.ts';

/** A JSON schema node as plain data. */
export type SchemaNode = { [key: string]: unknown };

const droppedKeys = new Set(['$schema', 'additionalProperties', 'minimum', 'maximum', 'default', 'id', '$id', 'definitions', '$defs']);

function keepKey(key: string, value: unknown): boolean {
  if (key === '$ref' || key === 'patternProperties') throw new Error(`schema uses ${key}, which structural CRD schemas do not allow`);
  // A typed `additionalProperties` (a map's value schema) is structural; `false` is not.
  if (key === 'additionalProperties') return typeof value === 'object';
  return !droppedKeys.has(key);
}

/** Rewrites a zod-emitted JSON schema into a structural one (recursively, on a copy). */
export function toStructural(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toStructural);
  if (node === null || typeof node !== 'object') return node;
  const out: SchemaNode = {};
  for (const [key, value] of Object.entries(node)) {
    if (!keepKey(key, value)) continue;
    out[key] = key === 'properties' && isJsonObject(value) ? mapValues(value, toStructural) : toStructural(value);
  }
  if (out.type === 'integer') out.format = 'int64';
  return out;
}

function mapValues(object: SchemaNode, map: (value: unknown) => unknown): SchemaNode {
  return Object.fromEntries(Object.entries(object).map(([k, v]) => [k, map(v)]));
}

function versionSchema(info: KindInfo, version: 'v1alpha1' | 'v1alpha2'): SchemaNode {
  const schemas = info.versions[version];
  if (!schemas) throw new Error(`${info.kind} has no ${version}`);
  const json = (schema: z.ZodMiniType): unknown => toStructural(z.toJSONSchema(schema, { target: 'openapi-3.0', io: 'input' }));
  return {
    type: 'object',
    properties: {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: { type: 'object' },
      spec: json(schemas.spec),
      status: json(schemas.status),
    },
  };
}

/** Options of CRD generation. */
export interface CrdOptions {
  /**
   * The webhook client configuration (`{ service: … }` or `{ url: … }`, with `caBundle` when
   * known) of a conversion webhook for the kinds served in both versions. Without it the CRDs use
   * strategy None, under which the API server only rewrites `apiVersion`.
   */
  conversionClientConfig?: SchemaNode;
}

/** The kinds that are served in more than one version and so need conversion. */
export function convertibleKinds(): KindInfo[] {
  return kinds.filter((info) => info.versions.v1alpha1 !== undefined);
}

function conversion(info: KindInfo, options: CrdOptions): SchemaNode {
  if (!options.conversionClientConfig || !info.versions.v1alpha1) return {};
  return { conversion: { strategy: 'Webhook', webhook: { clientConfig: options.conversionClientConfig, conversionReviewVersions: ['v1'] } } };
}

/** The CustomResourceDefinition object of one kind. */
export function customResourceDefinition(info: KindInfo, options: CrdOptions = {}): SchemaNode {
  const served = (['v1alpha1', 'v1alpha2'] as const).filter((v) => info.versions[v]);
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${info.plural}.${apiGroup}` },
    spec: {
      group: apiGroup,
      scope: info.scope,
      names: {
        kind: info.kind,
        listKind: `${info.kind}List`,
        plural: info.plural,
        singular: info.singular,
        categories: ['kpack'],
        ...(info.shortNames.length > 0 ? { shortNames: [...info.shortNames] } : {}),
      },
      versions: served.map((version) => ({
        name: version,
        served: true,
        storage: version === storageVersion,
        subresources: { status: {} },
        additionalPrinterColumns: info.printerColumns[version],
        schema: { openAPIV3Schema: versionSchema(info, version) },
      })),
      ...conversion(info, options),
    },
  };
}

/** The CRDs of every kind, in a stable order. */
export function allCustomResourceDefinitions(options: CrdOptions = {}): SchemaNode[] {
  return kinds.map((info) => customResourceDefinition(info, options));
}
