/**
 * In-use protection: `/protect` refuses the DELETE of a stack, store, lifecycle or buildpack that
 * builders still use, naming them, unless the object carries the force annotation. Who uses what is
 * answered by an injected lookup (the composition lists builders and applies app's rule), so this
 * module stays a pure function of the review and that answer.
 */
import { kubeObjectOf, type KubeObject } from '../api/index.ts';
import { isArray, isJsonObject, messageOf } from '../shared/index.ts';
import type { AdmissionRequest, AdmissionResponse } from './review-types.ts';

/** The annotation that lets a used object be deleted anyway (`packsmith <kind> delete --force` sets it). */
export const forceDeleteAnnotation = 'packsmith.kpack.io/force-delete';

/** The kinds a builder takes its inputs from, which `/protect` guards. */
export const protectedKinds = ['ClusterStack', 'ClusterStore', 'ClusterLifecycle', 'Buildpack', 'ClusterBuildpack'] as const;
export type ProtectedKind = (typeof protectedKinds)[number];

/** The object being deleted, as the lookup needs it. */
export interface ProtectedObject {
  kind: ProtectedKind;
  name: string;
  namespace?: string;
  /** Buildpack ids the object's status says it provides (buildpack kinds; builders may ask for them by id). */
  buildpackIds: readonly string[];
}

/** A builder that uses the object. */
export interface UserName {
  kind: string;
  namespace?: string;
  name: string;
}

/** Answers which builders use an object; may fail (the API server is unreachable, RBAC is missing). */
export type UsersLookup = (target: ProtectedObject) => Promise<readonly UserName[]>;

/** How many users a refusal names before "and K more". */
export const defaultNamedUsers = 5;

const isProtectedKind = (kind: string | undefined): kind is ProtectedKind => protectedKinds.some((k) => k === kind);

function buildpackIdsOf(object: KubeObject): string[] {
  const status = object.status;
  const buildpacks = isJsonObject(status) && isArray(status.buildpacks) ? status.buildpacks : [];
  return buildpacks.flatMap((b) => (isJsonObject(b) && typeof b.id === 'string' ? [b.id] : []));
}

const userText = (user: UserName): string => `${user.kind} ${user.namespace ? `${user.namespace}/` : ''}${user.name}`;

/** "Builder a/x, ClusterBuilder y and 2 more": at most `limit` names. */
export function describeUsers(users: readonly UserName[], limit: number = defaultNamedUsers): string {
  const named = users.slice(0, limit).map(userText);
  const rest = users.length - named.length;
  return rest > 0 ? `${named.join(', ')} and ${rest} more` : named.join(', ');
}

function refusal(target: ProtectedObject, users: readonly UserName[], limit: number): string {
  const noun = users.length === 1 ? 'builder' : 'builders';
  const command = target.kind.toLowerCase();
  const where = target.namespace ? ` -n ${target.namespace}` : '';
  return (
    `${target.kind} "${target.name}" is in use by ${users.length} ${noun}: ${describeUsers(users, limit)}. ` +
    `Change or delete them first, or delete it anyway with: packsmith ${command} delete ${target.name}${where} --force ` +
    `(or kubectl annotate ${command} ${target.name}${where} ${forceDeleteAnnotation}=true, then delete)`
  );
}

/**
 * `/protect`: allows anything but the DELETE of a used object without the force annotation. When
 * the lookup fails the delete is allowed with a warning: protection is a safety net, and a broken
 * one must not keep anyone from cleaning up (the registration's failurePolicy is Ignore for the
 * same reason).
 */
export async function protectAdmission(request: AdmissionRequest, usersOf: UsersLookup, limit: number = defaultNamedUsers): Promise<AdmissionResponse> {
  const allowed: AdmissionResponse = { uid: request.uid, allowed: true };
  const object = kubeObjectOf(request.oldObject);
  if (request.operation !== 'DELETE' || !object || !isProtectedKind(object.kind)) return allowed;
  if (object.metadata.annotations?.[forceDeleteAnnotation] === 'true') return allowed;
  const { name, namespace } = object.metadata;
  const target: ProtectedObject = { kind: object.kind, name, ...(namespace ? { namespace } : {}), buildpackIds: buildpackIdsOf(object) };
  let users: readonly UserName[];
  try {
    users = await usersOf(target);
  } catch (error) {
    return { ...allowed, warnings: [`packsmith could not check which builders use ${target.kind} "${name}" (${messageOf(error)}); deleted unchecked`] };
  }
  if (users.length === 0) return allowed;
  return { uid: request.uid, allowed: false, status: { code: 403, reason: 'Forbidden', message: refusal(target, users, limit) } };
}
