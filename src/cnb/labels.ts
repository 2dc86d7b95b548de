/**
 * CNB label keys and the parsers that turn label text into typed metadata. Label text comes from
 * images anyone can push, so it is treated as hostile: a size limit per label, JSON parsed once,
 * every shape checked, unknown keys dropped, and errors that name the label and the field.
 */
import * as z from 'zod/mini';
import type { ConfigFile } from '../oci/index.ts';
import { AppError, isJsonObject, messageOf, type AppErrorOptions, type JsonObject } from '../shared/index.ts';
import type { ApiVersions, BuildpackageInfo, OrderEntry, StackSupport, TargetSupport } from './records.ts';

/** Label keys that CNB tools read and write on buildpackages, builders, stacks and lifecycles. */
export const labelKeys = {
  buildpackLayers: 'io.buildpacks.buildpack.layers',
  buildpackageMetadata: 'io.buildpacks.buildpackage.metadata',
  builderMetadata: 'io.buildpacks.builder.metadata',
  buildpackOrder: 'io.buildpacks.buildpack.order',
  extensionLayers: 'io.buildpacks.extension.layers',
  orderExtensions: 'io.buildpacks.buildpack.order-extensions',
  lifecycleApis: 'io.buildpacks.lifecycle.apis',
  lifecycleVersion: 'io.buildpacks.lifecycle.version',
  stackId: 'io.buildpacks.stack.id',
  stackMixins: 'io.buildpacks.stack.mixins',
  baseId: 'io.buildpacks.base.id',
  distroName: 'io.buildpacks.base.distro.name',
  distroVersion: 'io.buildpacks.base.distro.version',
} as const;

/** Largest label value packsmith parses, in UTF-8 bytes (1 MiB); real labels are a few KiB. */
export const maxLabelBytes = 1024 * 1024;

/** An image that breaks a CNB format rule: a missing or malformed label, a layer the labels promise but the image lacks. */
export class CnbFormatError extends AppError {
  /** The label at fault, when there is one. */
  readonly label: string | undefined;

  constructor(message: string, options: AppErrorOptions & { label?: string } = {}) {
    super('CNB_FORMAT', message, { kind: 'permanent', ...options });
    this.label = options.label;
  }
}

/** The value of label `key` in an image config, or undefined when the image has no such label. */
export function readLabel(config: ConfigFile, key: string): string | undefined {
  const labels: unknown = config.config?.Labels;
  if (!isJsonObject(labels) || !Object.hasOwn(labels, key)) return undefined;
  const value = labels[key];
  return typeof value === 'string' ? value : undefined;
}

/** Like `readLabel`, but a missing label is an error (`could not find label <key>`, kpack's wording). */
export function requireLabel(config: ConfigFile, key: string): string {
  const value = readLabel(config, key);
  if (value === undefined) throw new CnbFormatError(`could not find label ${key}`, { label: key });
  return value;
}

/** Parses label text as JSON within the size limit; errors name the label. */
export function parseJsonLabel(label: string, text: string): unknown {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > maxLabelBytes) {
    throw new CnbFormatError(`label ${label} is ${bytes} bytes; packsmith reads at most ${maxLabelBytes} bytes per label`, { label });
  }
  try {
    const value: unknown = JSON.parse(text);
    return value;
  } catch (cause) {
    throw new CnbFormatError(`label ${label} is not valid JSON: ${messageOf(cause)}`, { label, cause });
  }
}

/** Renders a zod path such as ['stacks', 0, 'id'] as `stacks[0].id`. */
function formatPath(path: ReadonlyArray<PropertyKey>): string {
  return path.reduce<string>((out, part) => {
    if (typeof part === 'number') return `${out}[${part}]`;
    return out === '' ? String(part) : `${out}.${String(part)}`;
  }, '');
}

/** Validates `value` against `schema`, or throws naming the label, `where` inside it and the first bad field. */
export function checkShape<T>(schema: z.ZodMiniType<T>, value: unknown, label: string, where = ''): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const first = result.error.issues[0];
  const field = first ? formatPath(first.path) : '';
  const message = (first?.message ?? 'invalid value').replace(/^Invalid input: /, '');
  const place = [where, field].filter((p) => p !== '').join(': ');
  throw new CnbFormatError(`label ${label}: ${place === '' ? '' : `${place}: `}${message}`, { label, cause: result.error });
}

// Go writers emit `null` for empty slices and absent structs; read null as absent.
const nullAsAbsent = <T extends z.ZodMiniType>(schema: T) =>
  z.pipe(
    z.nullish(schema),
    z.transform((v: z.output<T> | null | undefined) => v ?? undefined),
  );
const optionalList = <T extends z.ZodMiniType>(item: T) => nullAsAbsent(z.array(item));
const optionalString = nullAsAbsent(z.string());

const orderSchema = z.array(
  z.object({
    group: z.array(z.object({ id: z.string(), version: optionalString, optional: nullAsAbsent(z.boolean()) })),
  }),
);
const stackSchema = z.object({ id: z.string(), mixins: optionalList(z.string()) });
const targetSchema = z.object({
  os: optionalString,
  arch: optionalString,
  variant: optionalString,
  distros: optionalList(z.object({ name: z.string(), version: optionalString })),
});

const layerInfoSchema = z.object({
  api: optionalString,
  layerDiffID: z.string(),
  order: nullAsAbsent(orderSchema),
  stacks: optionalList(stackSchema),
  targets: optionalList(targetSchema),
  homepage: optionalString,
  name: optionalString,
});

/** One id/version entry of the `io.buildpacks.buildpack.layers` label. */
export interface BuildpackLayerEntry {
  id: string;
  version: string;
  /** Buildpack API, e.g. `0.10`; pack always writes it. */
  api?: string;
  /** sha256 of the uncompressed layer tar, as written (not yet checked to be a digest). */
  layerDiffID: string;
  order?: OrderEntry[];
  stacks?: StackSupport[];
  targets?: TargetSupport[];
  homepage?: string;
  name?: string;
}

/** `value` as a JSON object; not via zod, whose records silently drop keys such as `__proto__`. */
function asObject(value: unknown, label: string, where: string): JsonObject {
  if (isJsonObject(value)) return value;
  const kind = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
  const place = where === '' ? '' : `${where}: `;
  throw new CnbFormatError(`label ${label}: ${place}expected an object, received ${kind}`, { label });
}

/** Parses `io.buildpacks.buildpack.layers` (id → version → layer info) into entries, in label order. */
export function parseBuildpackLayers(text: string, label: string = labelKeys.buildpackLayers): BuildpackLayerEntry[] {
  const ids = asObject(parseJsonLabel(label, text), label, '');
  const entries: BuildpackLayerEntry[] = [];
  // Object.entries on the raw JSON keeps hostile keys such as `__proto__` as inert data.
  for (const [id, versionsValue] of Object.entries(ids)) {
    if (id === '') throw new CnbFormatError(`label ${label}: a buildpack id is empty`, { label });
    const versions = asObject(versionsValue, label, `buildpack ${id}`);
    for (const [version, infoValue] of Object.entries(versions)) {
      if (version === '') throw new CnbFormatError(`label ${label}: buildpack ${id} has an empty version`, { label });
      const info = checkShape(layerInfoSchema, infoValue, label, `buildpack ${id}@${version}`);
      entries.push(dropUndefined({ id, version, ...info }));
    }
  }
  return entries;
}

/** Parses `io.buildpacks.buildpackage.metadata`, keeping only id, version and homepage (kpack reads no more). */
export function parseBuildpackageMetadata(text: string): BuildpackageInfo {
  const label = labelKeys.buildpackageMetadata;
  const schema = z.object({ id: optionalString, version: optionalString, homepage: optionalString });
  return dropUndefined(checkShape(schema, parseJsonLabel(label, text), label));
}

/** Parses `io.buildpacks.stack.mixins`: a JSON array of strings (null = none). */
export function parseStackMixins(text: string): string[] {
  const label = labelKeys.stackMixins;
  return checkShape(optionalList(z.string()), parseJsonLabel(label, text), label) ?? [];
}

/** Parses `io.buildpacks.buildpack.order`: the detection order a builder was made with. */
export function parseBuildpackOrder(text: string): OrderEntry[] {
  const label = labelKeys.buildpackOrder;
  return dropUndefined(checkShape(orderSchema, parseJsonLabel(label, text), label));
}

/** The lifecycle's own description in `io.buildpacks.builder.metadata` of a lifecycle image. */
export interface LifecycleMetadata {
  version?: string;
  api: { buildpack?: string; platform?: string };
}

const apiPairSchema = nullAsAbsent(z.object({ buildpack: optionalString, platform: optionalString }));
const lifecycleMetadataSchema = z.object({
  lifecycle: nullAsAbsent(z.object({ version: optionalString, api: apiPairSchema })),
  api: apiPairSchema,
});

/**
 * Parses `io.buildpacks.builder.metadata` as a lifecycle image writes it: `lifecycle.version` and a
 * top-level `api`; a pack-style `lifecycle.api` is used when the top-level one is absent.
 */
export function parseLifecycleMetadata(text: string): LifecycleMetadata {
  const label = labelKeys.builderMetadata;
  const parsed = checkShape(lifecycleMetadataSchema, parseJsonLabel(label, text), label);
  const api = parsed.api ?? parsed.lifecycle?.api ?? {};
  return dropUndefined({ version: parsed.lifecycle?.version, api: dropUndefined(api) });
}

const apiVersionsSchema = nullAsAbsent(z.object({ deprecated: optionalList(z.string()), supported: optionalList(z.string()) }));

/** Parses `io.buildpacks.lifecycle.apis`; empty or null lists become absent, as in kpack's status. */
export function parseLifecycleApis(text: string): { buildpack: ApiVersions; platform: ApiVersions } {
  const label = labelKeys.lifecycleApis;
  const schema = z.object({ buildpack: apiVersionsSchema, platform: apiVersionsSchema });
  const parsed = checkShape(schema, parseJsonLabel(label, text), label);
  return { buildpack: compactApis(parsed.buildpack), platform: compactApis(parsed.platform) };
}

function compactApis(apis: ApiVersions | undefined): ApiVersions {
  const out: ApiVersions = {};
  if (apis?.deprecated?.length) out.deprecated = apis.deprecated;
  if (apis?.supported?.length) out.supported = apis.supported;
  return out;
}

/**
 * A deep copy without undefined-valued keys, so records serialise as kpack's status does (omitempty)
 * and compare equal however they were built. Only for plain JSON-like data.
 */
export function dropUndefined<T>(value: T): T {
  // The copy has T's shape minus keys whose value was undefined, which TypeScript cannot express.
  return withoutUndefined(value) as T;
}

function withoutUndefined(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((item: unknown) => withoutUndefined(item));
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.entries(value).filter(([, v]) => v !== undefined);
  return Object.fromEntries(entries.map(([k, v]: [string, unknown]) => [k, withoutUndefined(v)]));
}
