/**
 * The one path that gathers a builder's inputs, for the controller and local mode alike (kpack's
 * §4.1 with D-b's gate): the store, stack and lifecycle it names, the buildpack catalog (Buildpacks
 * of its own namespace, every ClusterBuildpack, the store) and each party's keychain, all through
 * one lookup port. Every missing or unresolved dependency is reported at once, in kpack's order
 * (store, stack, lifecycle, then Buildpack objects the order names), each in kpack's words.
 */
import {
  builderAnnotations,
  credentialKey,
  credentialRefOf,
  type BuilderSpec,
  type ClusterBuilderSpec,
  type CredentialRef,
  type SpecOf,
} from '../api/index.ts';
import type { BuildpackCatalog, BuildpackRecord, BuildpackSource, LifecycleRecord, OrderSpec, SourceRef, StackRecord, TargetPlatform } from '../cnb/index.ts';
import type { Keychain } from '../oci/index.ts';
import type { BuilderKeychains, CreateBuilderInput } from './create-builder.ts';

/** The kinds a builder takes its inputs from. */
export type SupplierKind = 'ClusterStore' | 'Buildpack' | 'ClusterBuildpack' | 'ClusterStack' | 'ClusterLifecycle';

/** What a supplier of each kind resolves to. */
export interface SupplierValues {
  ClusterStore: readonly BuildpackRecord[];
  Buildpack: readonly BuildpackRecord[];
  ClusterBuildpack: readonly BuildpackRecord[];
  ClusterStack: StackRecord;
  ClusterLifecycle: LifecycleRecord;
}

/**
 * A resource a builder may use, as the lookup sees it: its identity, the spec fields the credential
 * rule reads, and what it resolved to, or why it has not (the words after kpack's "is not ready: ").
 */
export interface Supplier<K extends SupplierKind = SupplierKind> {
  kind: K;
  metadata: { name: string; namespace?: string };
  spec?: SpecOf<K>;
  /** The generation its resolved value was observed at. */
  observedGeneration: number;
  resolved: { ok: true; value: SupplierValues[K] } | { ok: false; reason: string };
}

/** The builder whose inputs are gathered (a valid, defaulted v1alpha2 object). */
export interface BuilderResource {
  kind: 'Builder' | 'ClusterBuilder';
  /** `annotations` may carry what pack's builder.toml says and kpack's spec cannot (`builderAnnotations`). */
  metadata: { name: string; namespace?: string; annotations?: Readonly<Record<string, string>> };
  spec: BuilderSpec | ClusterBuilderSpec;
}

/** Where the inputs come from: the informer cache in the controller, the resolved files in local mode. */
export interface BuilderLookup {
  /** The supplier of `kind` named `name` (in `namespace` for Buildpacks), or undefined when none exists. */
  get<K extends SupplierKind>(kind: K, name: string, namespace?: string): Supplier<K> | undefined;
  /** Every Buildpack of `namespace`, or every ClusterBuildpack. */
  list<K extends 'Buildpack' | 'ClusterBuildpack'>(kind: K, namespace?: string): readonly Supplier<K>[];
  /** Credentials of one credential reference (the one rule: `credentialRefOf`). */
  keychainFor(ref: CredentialRef): Promise<Keychain>;
}

/** The inputs, or every reason they cannot be gathered; `waitForEvent` when every reason is an object that does not exist yet. */
export type GatheredInputs = { ok: true; input: CreateBuilderInput } | { ok: false; problems: string[]; waitForEvent: boolean };

/** The stack, lifecycle (default `default-lifecycle`) and store names a builder spec refers to. */
export function builderRefs(spec: BuilderSpec | ClusterBuilderSpec): { stack: string; lifecycle: string; store?: string } {
  const store = spec.store?.name;
  return { stack: spec.stack?.name ?? '', lifecycle: spec.lifecycle?.name || defaultLifecycleName, ...(store ? { store } : {}) };
}

/** The order as the spec writes it. */
export function orderOf(spec: BuilderSpec | ClusterBuilderSpec): OrderSpec {
  return (spec.order ?? []).map((entry) => ({ group: entry.group ?? [] }));
}

interface Problem {
  message: string;
  missing: boolean;
}

/** The lifecycle a builder uses when its spec names none (kpack's rule). */
export const defaultLifecycleName = 'default-lifecycle';

// kpack's docs YAML names no lifecycle, so a missing default is the first thing a new user meets.
const defaultLifecycleHint =
  `: a builder without spec.lifecycle uses the ClusterLifecycle "${defaultLifecycleName}"; ` +
  `add one (packsmith clusterlifecycle create ${defaultLifecycleName} --image LIFECYCLE_IMAGE) or set spec.lifecycle`;

function notFound(kind: SupplierKind, name: string): Problem {
  // kpack's words (the API server's NotFound), so kp users recognise them; the hint follows.
  const hint = kind === 'ClusterLifecycle' && name === defaultLifecycleName ? defaultLifecycleHint : '';
  return { message: `${kind.toLowerCase()}.kpack.io "${name}" not found${hint}`, missing: true };
}

function notReady(builder: BuilderResource, supplier: { kind: SupplierKind; metadata: { name: string } }, reason: string): Problem {
  const { kind, metadata } = supplier;
  // kpack's ClusterBuilder words a stack problem differently from every other dependency.
  const lead =
    builder.kind === 'ClusterBuilder' && kind === 'ClusterStack'
      ? `stack ${metadata.name} is not ready`
      : `Error: ${kind.toLowerCase()} '${metadata.name}' is not ready`;
  return { message: `${lead}: ${reason}`, missing: false };
}

/** A supplier that has resolved, with its value. */
interface Found<K extends SupplierKind> {
  supplier: Supplier<K>;
  value: SupplierValues[K];
}

function need<K extends SupplierKind>(builder: BuilderResource, lookup: BuilderLookup, kind: K, name: string): Found<K> | Problem {
  const found = lookup.get(kind, name, kind === 'Buildpack' ? builder.metadata.namespace : undefined);
  if (!found) return notFound(kind, name);
  return found.resolved.ok ? { supplier: found, value: found.resolved.value } : notReady(builder, found, found.resolved.reason);
}

/** Buildpack and ClusterBuildpack objects the order names by kind and name that exist but have not resolved. */
function unresolvedNamedBuildpacks(builder: BuilderResource, lookup: BuilderLookup): Problem[] {
  const problems: Problem[] = [];
  for (const ref of orderOf(builder.spec).flatMap((entry) => entry.group)) {
    if ((ref.kind !== 'Buildpack' && ref.kind !== 'ClusterBuildpack') || !ref.name) continue;
    const found = lookup.get(ref.kind, ref.name, ref.kind === 'Buildpack' ? builder.metadata.namespace : undefined);
    if (found && !found.resolved.ok) problems.push(notReady(builder, found, found.resolved.reason));
  }
  return problems;
}

const isFound = <K extends SupplierKind>(value: Found<K> | Problem | undefined): value is Found<K> => value !== undefined && 'supplier' in value;

function asSource(supplier: Supplier<BuildpackSource['kind']>): BuildpackSource {
  const { kind, metadata } = supplier;
  const buildpacks = supplier.resolved.ok ? supplier.resolved.value : [];
  return { kind, name: metadata.name, ...(kind === 'Buildpack' && metadata.namespace ? { namespace: metadata.namespace } : {}), buildpacks };
}

/** Buildpacks in the builder's namespace (Builder only), every ClusterBuildpack, and the store. */
function catalogFor(builder: BuilderResource, lookup: BuilderLookup, store: Supplier<'ClusterStore'> | undefined): BuildpackCatalog {
  const namespaced = builder.kind === 'Builder' ? lookup.list('Buildpack', builder.metadata.namespace ?? 'default') : [];
  return {
    buildpacks: namespaced.map(asSource),
    clusterBuildpacks: lookup.list('ClusterBuildpack').map(asSource),
    ...(store ? { store: asSource(store) } : {}),
  };
}

/**
 * kpack's routing: stack and lifecycle use their own service account or fall back to the builder's;
 * each buildpack source uses its owner's. Every distinct credential reference is resolved once, up front.
 */
async function keychainsFor(
  builder: BuilderResource,
  lookup: BuilderLookup,
  found: { stack: Supplier<'ClusterStack'>; lifecycle: Supplier<'ClusterLifecycle'>; catalog: BuildpackCatalog },
): Promise<BuilderKeychains> {
  const wanted = new Map<string, CredentialRef>();
  const want = (ref: CredentialRef): CredentialRef => (wanted.set(credentialKey(ref), ref), ref);
  const builderRef = want(credentialRefOf(builder));
  const own = (supplier: Supplier): CredentialRef => {
    const ref = credentialRefOf(supplier);
    return want(ref.serviceAccount ? ref : builderRef);
  };
  const stackRef = own(found.stack);
  const lifecycleRef = own(found.lifecycle);
  const ownerRef = (source: SourceRef): CredentialRef => {
    const owner = lookup.get(source.kind, source.name, source.namespace);
    return owner ? credentialRefOf(owner) : builderRef;
  };
  const { catalog } = found;
  for (const source of [...catalog.buildpacks, ...catalog.clusterBuildpacks, ...(catalog.store ? [catalog.store] : [])]) want(ownerRef(source));
  const keychains = new Map<string, Keychain>();
  await Promise.all([...wanted].map(async ([key, ref]) => keychains.set(key, await lookup.keychainFor(ref))));
  const of = (ref: CredentialRef): Keychain => {
    const keychain = keychains.get(credentialKey(ref));
    // Every reference the catalog's sources and the builder's dependencies give was resolved above.
    if (!keychain) throw new Error(`no keychain was resolved for credentials ${credentialKey(ref)}`);
    return keychain;
  };
  return { builder: of(builderRef), stack: of(stackRef), lifecycle: of(lifecycleRef), source: (ref) => of(ownerRef(ref)) };
}

interface Dependencies {
  stack: Found<'ClusterStack'>;
  lifecycle: Found<'ClusterLifecycle'>;
  store?: Found<'ClusterStore'>;
}

/** The store, stack and lifecycle, or every problem with them and with the Buildpack objects the order names. */
function dependenciesOf(builder: BuilderResource, lookup: BuilderLookup): Dependencies | Problem[] {
  const refs = builderRefs(builder.spec);
  const store = refs.store === undefined ? undefined : need(builder, lookup, 'ClusterStore', refs.store);
  const stack = need(builder, lookup, 'ClusterStack', refs.stack);
  const lifecycle = need(builder, lookup, 'ClusterLifecycle', refs.lifecycle);
  const problems = [store, stack, lifecycle].filter((p): p is Problem => p !== undefined && !isFound(p));
  problems.push(...unresolvedNamedBuildpacks(builder, lookup));
  if (problems.length > 0 || !isFound(stack) || !isFound(lifecycle)) return problems;
  return { stack, lifecycle, ...(isFound(store) ? { store } : {}) };
}

/** The description and run-image mirrors a builder's annotations give (see `builderAnnotations`). */
function annotatedExtras(annotations: Readonly<Record<string, string>> | undefined): { description?: string; runImageMirrors?: string[] } {
  const description = annotations?.[builderAnnotations.description];
  const mirrors = (annotations?.[builderAnnotations.runImageMirrors] ?? '')
    .split(',')
    .map((m) => m.trim())
    .filter((m) => m !== '');
  return { ...(description ? { description } : {}), ...(mirrors.length > 0 ? { runImageMirrors: mirrors } : {}) };
}

/** packsmith's `spec.targets` (validation has made sure each names os and arch). */
function targetsOf(spec: BuilderSpec | ClusterBuilderSpec): { targets?: TargetPlatform[] } {
  if (spec.targets === undefined) return {};
  return { targets: spec.targets.flatMap(({ os, arch, variant }) => (os && arch ? [{ os, arch, ...(variant ? { variant } : {}) }] : [])) };
}

/** Gathers every input of `builder` through `lookup`, or reports every missing or unresolved dependency. */
export async function gatherBuilderInputs(builder: BuilderResource, lookup: BuilderLookup): Promise<GatheredInputs> {
  const found = dependenciesOf(builder, lookup);
  if (Array.isArray(found)) return { ok: false, problems: found.map((p) => p.message), waitForEvent: found.every((p) => p.missing) };
  const { stack, lifecycle, store } = found;
  const catalog = catalogFor(builder, lookup, store?.supplier);
  const keychains = await keychainsFor(builder, lookup, { stack: stack.supplier, lifecycle: lifecycle.supplier, catalog });
  const { spec } = builder;
  return {
    ok: true,
    input: {
      builder: { kind: builder.kind, name: builder.metadata.name, namespace: builder.kind === 'Builder' ? (builder.metadata.namespace ?? 'default') : '' },
      spec: {
        tag: spec.tag ?? '',
        order: orderOf(spec),
        ...(spec.additionalLabels ? { additionalLabels: spec.additionalLabels } : {}),
        ...annotatedExtras(builder.metadata.annotations),
        ...targetsOf(spec),
      },
      stack: stack.value,
      lifecycle: lifecycle.value,
      catalog,
      keychains,
      observed: { stackGeneration: stack.supplier.observedGeneration, storeGeneration: store?.supplier.observedGeneration ?? 0 },
      resourceSpec: spec,
    },
  };
}
