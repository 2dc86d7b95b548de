/**
 * REST paths of the kinds the adapter reads: the seven kpack.io kinds (plural and scope from the api
 * kinds table) and the core Secrets, ServiceAccounts and ConfigMaps.
 */
import { apiGroup, kindInfo, storageVersion } from '../api/index.ts';
import { InternalError } from '../shared/index.ts';
import type { ResourceKind } from './types.ts';

interface KindPath {
  prefix: string;
  plural: string;
  namespaced: boolean;
  apiVersion: string;
}

const coreKinds: Record<string, KindPath> = {
  Secret: { prefix: '/api/v1', plural: 'secrets', namespaced: true, apiVersion: 'v1' },
  ServiceAccount: { prefix: '/api/v1', plural: 'serviceaccounts', namespaced: true, apiVersion: 'v1' },
  ConfigMap: { prefix: '/api/v1', plural: 'configmaps', namespaced: true, apiVersion: 'v1' },
};

function kindPath(kind: ResourceKind): KindPath {
  const core = coreKinds[kind];
  if (core !== undefined) return core;
  const info = kindInfo(kind);
  if (info === undefined) throw new InternalError(`unknown kind ${kind}`);
  const apiVersion = `${apiGroup}/${storageVersion}`;
  return { prefix: `/apis/${apiVersion}`, plural: info.plural, namespaced: info.scope === 'Namespaced', apiVersion };
}

/** Where to find objects of `kind`: one object when `name` is given, else the collection. */
export interface PathRequest {
  kind: ResourceKind;
  namespace?: string | undefined;
  name?: string;
  subresource?: 'status';
}

/** The URL path for `request`; a namespace is ignored for cluster-scoped kinds. */
export function resourcePath(request: PathRequest): string {
  const kind = kindPath(request.kind);
  const scope = kind.namespaced && request.namespace ? `/namespaces/${encodeURIComponent(request.namespace)}` : '';
  const name = request.name === undefined ? '' : `/${encodeURIComponent(request.name)}`;
  const sub = request.subresource === undefined ? '' : `/${request.subresource}`;
  return `${kind.prefix}${scope}/${kind.plural}${name}${sub}`;
}

/** `plural "name"` for error messages, like kubectl's wording. */
export function describeObject(request: PathRequest): string {
  const kind = kindPath(request.kind);
  const where = kind.namespaced && request.namespace ? ` in namespace "${request.namespace}"` : '';
  return request.name === undefined ? `${kind.plural}${where}` : `${kind.plural} "${request.name}"${where}`;
}

/** The apiVersion objects of `kind` are served in. */
export function apiVersionOf(kind: ResourceKind): string {
  return kindPath(kind).apiVersion;
}
