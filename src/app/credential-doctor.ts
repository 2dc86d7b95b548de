/**
 * The credential doctor's use case: which image each resource names and with which access (read
 * for stores, buildpacks, stacks and lifecycles; push for a builder's tag), checked with that
 * resource's own credentials (the one rule, `credentialRefOf`), and the answer as rows with a fix.
 * Registries are reached only through the AccessProbe port; credentials only as Keychains, whose
 * secrets never reach a row.
 */
import { credentialKey, credentialRefOf, type AnyResource, type CredentialRef } from '../api/index.ts';
import { parseReference, type IoOptions, type Keychain } from '../oci/index.ts';
import { createLimiter, messageOf } from '../shared/index.ts';

/** What a check needs the credentials to allow. */
export type RegistryAccess = 'read' | 'push';

/** One image one resource names, the access it needs and whose credentials carry it. */
export interface CredentialCheck {
  /** `Kind/name` or `Kind/namespace/name`. */
  resource: string;
  image: string;
  access: RegistryAccess;
  credentials: CredentialRef;
}

/** Why a probe failed, as far as the fix depends on it. */
export type ProbeProblem = 'unauthorized' | 'denied' | 'not-found' | 'unreachable' | 'other';

/** What the registry said to one probe; `local` for images that are files (no registry, no credentials). */
export type ProbeOutcome = { ok: true; note?: string } | { ok: false; problem: ProbeProblem; message: string } | { local: true };

/** Asks a registry whether `keychain` may read `image` or push to it, writing nothing. */
export interface AccessProbe {
  probe(image: string, access: RegistryAccess, keychain: Keychain, io?: IoOptions): Promise<ProbeOutcome>;
}

/** Where credentials come from, as the fix names them: never their content. */
export interface CredentialSource {
  /** e.g. `ServiceAccount team/default (Secrets: registry)` or `Docker config /home/me/.docker/config.json`. */
  name: string;
  /** How to change them, e.g. `correct the registry Secret of ServiceAccount team/default` or `run docker login`. */
  update: string;
  /** How to add credentials for a registry that has none. */
  add: (registry: string) => string;
}

/** The doctor's view of credentials: a keychain and a description per credential reference. */
export interface DoctorCredentials {
  keychainFor(ref: CredentialRef, io?: IoOptions): Promise<Keychain>;
  sourceOf(ref: CredentialRef): Promise<CredentialSource>;
}

/** One line of the doctor's report. */
export interface DoctorRow {
  resource: string;
  image: string;
  access: RegistryAccess;
  result: 'ok' | 'failed' | 'skipped';
  /** Why a check failed, in one word the table shows. */
  problem?: ProbeProblem | 'no-credentials' | 'credentials-unreadable';
  /** Whose credentials were used (never their content). */
  credentials: string;
  /** What went wrong, or a note on an ok (the upload session could not be cancelled). */
  reason?: string;
  fix?: string;
}

const resourceName = (resource: AnyResource): string => {
  const { name, namespace } = resource.metadata;
  return `${resource.kind}/${namespace ? `${namespace}/` : ''}${name}`;
};

/** The images a store, buildpack, stack or lifecycle reads (a builder reads none itself). */
function readImages(resource: AnyResource): ReadonlyArray<string | undefined> {
  switch (resource.kind) {
    case 'ClusterStore':
      return (resource.spec.sources ?? []).map((source) => source.image);
    case 'ClusterStack':
      return [resource.spec.buildImage?.image, resource.spec.runImage?.image];
    case 'Builder':
    case 'ClusterBuilder':
      return [];
    default:
      return [resource.spec.image];
  }
}

/** The images `resource` names and the access each needs: a builder pushes its tag, the rest are read. */
function imagesOf(resource: AnyResource): Array<{ image: string; access: RegistryAccess }> {
  if (resource.kind === 'Builder' || resource.kind === 'ClusterBuilder') return resource.spec.tag ? [{ image: resource.spec.tag, access: 'push' }] : [];
  return readImages(resource)
    .filter((image): image is string => typeof image === 'string' && image !== '')
    .map((image) => ({ image, access: 'read' }));
}

/** Every check of `resources`, in their order: each named image with the resource's own credentials. */
export function credentialChecks(resources: readonly AnyResource[]): CredentialCheck[] {
  return resources.flatMap((resource) => {
    const credentials = credentialRefOf(resource);
    return imagesOf(resource).map(({ image, access }) => ({ resource: resourceName(resource), image, access, credentials }));
  });
}

function registryOf(image: string): string {
  try {
    return parseReference(image).registry;
  } catch {
    return image;
  }
}

function fixFor(problem: ProbeProblem, check: CredentialCheck, source: CredentialSource, anonymous: boolean): string {
  const registry = registryOf(check.image);
  const verb = check.access === 'read' ? 'pull' : 'push';
  switch (problem) {
    case 'unauthorized':
      return anonymous ? `no credentials for ${registry}: ${source.add(registry)}` : `${registry} refused the credentials: ${source.update}`;
    case 'denied':
      return anonymous
        ? `${registry} does not allow anonymous ${verb}: ${source.add(registry)}`
        : `the credentials may not ${verb} ${check.image}: grant them ${verb} access on ${registry}, or ${source.update}`;
    case 'not-found':
      return `${check.image} does not exist (the credentials were accepted): push it or correct the reference`;
    case 'unreachable':
      return `cannot reach ${registry}: check the address, the network and the TLS settings`;
    case 'other':
      return `see the reason; ${source.update} if it names the credentials`;
  }
}

async function runCheck(check: CredentialCheck, deps: { credentials: DoctorCredentials; probe: AccessProbe }, io: IoOptions): Promise<DoctorRow> {
  const source = await deps.credentials.sourceOf(check.credentials);
  const row = { resource: check.resource, image: check.image, access: check.access, credentials: source.name };
  let keychain: Keychain;
  try {
    keychain = await deps.credentials.keychainFor(check.credentials, io);
  } catch (error) {
    return { ...row, result: 'failed', problem: 'credentials-unreadable', reason: `cannot read the credentials: ${messageOf(error)}`, fix: source.update };
  }
  const outcome = await deps.probe.probe(check.image, check.access, keychain, io);
  if ('local' in outcome) return { ...row, result: 'skipped', reason: 'a local file: no registry credentials needed' };
  if (outcome.ok) return { ...row, result: 'ok', ...(outcome.note ? { reason: outcome.note } : {}) };
  const anonymous = (await keychain.resolve(registryOf(check.image), io)).isAnonymous;
  const refused = outcome.problem === 'unauthorized' || outcome.problem === 'denied';
  const problem = anonymous && refused ? 'no-credentials' : outcome.problem;
  return { ...row, result: 'failed', problem, reason: outcome.message, fix: fixFor(outcome.problem, check, source, anonymous) };
}

/**
 * Runs every check (a few at a time; the same image, access and credentials are asked once) and
 * returns the rows in the checks' order.
 */
export async function runCredentialDoctor(
  checks: readonly CredentialCheck[],
  deps: { credentials: DoctorCredentials; probe: AccessProbe; concurrency?: number },
  io: IoOptions = {},
): Promise<DoctorRow[]> {
  const limit = createLimiter(deps.concurrency ?? 4);
  const asked = new Map<string, Promise<DoctorRow>>();
  return Promise.all(
    checks.map(async (check) => {
      const key = JSON.stringify([check.image, check.access, credentialKey(check.credentials)]);
      let answer = asked.get(key);
      if (!answer) {
        answer = limit(() => runCheck(check, deps, io));
        asked.set(key, answer);
      }
      return { ...(await answer), resource: check.resource };
    }),
  );
}

/** True when any row failed (the command then exits 1). */
export const anyFailed = (rows: readonly DoctorRow[]): boolean => rows.some((row) => row.result === 'failed');

/** A keychain as built from a ServiceAccount, with the names of the Secrets it looked at. */
export interface ServiceAccountKeychain {
  keychain: Keychain;
  secrets: readonly string[];
}

/** Names whose credentials `ref` gives, with the Secrets they were read from: for the doctor and for status messages. */
export function credentialSourceName(ref: CredentialRef, secrets: readonly string[]): string {
  return serviceAccountSource(ref, secrets).name;
}

function serviceAccountSource(ref: CredentialRef, secrets: readonly string[]): CredentialSource {
  if (!ref.namespace) {
    const fix = 'set spec.serviceAccountRef (name and namespace) to a ServiceAccount whose Secret has access';
    return { name: 'controller-wide credentials only (not visible from here: checked anonymously)', update: fix, add: () => fix };
  }
  const account = `ServiceAccount ${ref.namespace}/${ref.serviceAccount || 'default'}`;
  const listed = secrets.length > 0 ? ` (Secrets: ${secrets.join(', ')})` : ' (no Secrets)';
  return {
    name: `${account}${listed}`,
    update: secrets.length > 0 ? `correct the registry Secret (${secrets.join(', ')}) of ${account}` : `add a registry Secret to ${account}`,
    add: (registry) => `add a kpack.io/docker or dockerconfigjson Secret for ${registry} to ${account}`,
  };
}

/**
 * Cluster credentials for the doctor: each reference's ServiceAccount and Secrets, built once per
 * credential key by `build` (the Kubernetes adapter's keychain factory, which reads them as the controller does).
 */
export function serviceAccountDoctorCredentials(build: (ref: CredentialRef, io?: IoOptions) => Promise<ServiceAccountKeychain>): DoctorCredentials {
  const built = new Map<string, Promise<ServiceAccountKeychain>>();
  const once = (ref: CredentialRef, io?: IoOptions): Promise<ServiceAccountKeychain> => {
    const key = credentialKey(ref);
    let pending = built.get(key);
    if (!pending) {
      pending = build(ref, io);
      built.set(key, pending);
    }
    return pending;
  };
  return {
    keychainFor: async (ref, io) => (await once(ref, io)).keychain,
    sourceOf: async (ref) =>
      serviceAccountSource(
        ref,
        await once(ref).then(
          (b) => b.secrets,
          () => [],
        ),
      ),
  };
}

/** Local mode's credentials: the one Docker config for every resource, as `build -f` uses it. */
export function dockerConfigDoctorCredentials(path: string, keychain: Keychain): DoctorCredentials {
  const source: CredentialSource = {
    name: `Docker config ${path}`,
    update: 'run docker login with credentials that have access',
    add: (registry) => `run docker login ${registry}`,
  };
  return { keychainFor: () => Promise.resolve(keychain), sourceOf: () => Promise.resolve(source) };
}
