/**
 * `lifecycle.toml`, the descriptor at the top of a lifecycle release archive
 * (`lifecycle-v0.21.x+linux.x86-64.tgz`): the lifecycle's version and the Buildpack and Platform
 * APIs it implements, which a lifecycle image carries as labels instead.
 */
import { parse } from 'smol-toml';
import { ValidationError, isJsonObject, messageOf, type ValidationIssue } from '../shared/index.ts';

/** Deprecated and supported API versions of one kind. */
export interface DescriptorApis {
  deprecated: string[];
  supported: string[];
}

/** What `lifecycle.toml` says. */
export interface LifecycleDescriptor {
  version: string;
  apis: { buildpack: DescriptorApis; platform: DescriptorApis };
  /** The legacy single versions of `[api]`, when given. */
  api: { buildpack?: string; platform?: string };
}

const stringList = (value: unknown): string[] | undefined => (Array.isArray(value) && value.every((v) => typeof v === 'string') ? value : undefined);

function apisOf(table: unknown, kind: string, issues: ValidationIssue[]): DescriptorApis {
  const entry = isJsonObject(table) ? table[kind] : undefined;
  const deprecated = isJsonObject(entry) ? (stringList(entry.deprecated ?? []) ?? []) : [];
  const supported = isJsonObject(entry) ? stringList(entry.supported) : undefined;
  if (!supported?.length) issues.push({ path: `lifecycle.toml apis.${kind}.supported`, message: 'required: the API versions the lifecycle supports' });
  return { deprecated, supported: supported ?? [] };
}

/** Parses `lifecycle.toml`. Throws ValidationError naming every missing or malformed field. */
export function parseLifecycleDescriptor(text: string): LifecycleDescriptor {
  let document: Record<string, unknown>;
  try {
    document = parse(text);
  } catch (error) {
    throw new ValidationError([{ path: 'lifecycle.toml', message: `not valid TOML: ${messageOf(error).split('\n')[0] ?? ''}` }]);
  }
  const issues: ValidationIssue[] = [];
  const lifecycle = document.lifecycle;
  const version = isJsonObject(lifecycle) && typeof lifecycle.version === 'string' ? lifecycle.version : '';
  if (version === '') issues.push({ path: 'lifecycle.toml lifecycle.version', message: 'required: the lifecycle version' });
  const apis = { buildpack: apisOf(document.apis, 'buildpack', issues), platform: apisOf(document.apis, 'platform', issues) };
  const legacy = isJsonObject(document.api) ? document.api : {};
  const api = {
    ...(typeof legacy.buildpack === 'string' ? { buildpack: legacy.buildpack } : {}),
    ...(typeof legacy.platform === 'string' ? { platform: legacy.platform } : {}),
  };
  if (issues.length > 0) throw new ValidationError(issues);
  return { version, apis, api };
}
