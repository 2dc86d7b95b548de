/**
 * The shape shared by the reconcilers of resources that resolve images into status (stores,
 * buildpacks, stacks, lifecycles): get from the cache, read with the resource's credentials, write
 * Ready with `observedGeneration`, and on failure keep the last resolved fields (D-b) with Ready
 * False and a message that says so. Events only when the outcome changes, not on every retry.
 */
import { credentialRefOf, isInvalid, type CredentialRef, type KindName, type Resource } from '../api/index.ts';
import {
  credentialSourceName,
  failedStatus,
  isCredentialFailure,
  readyStatus,
  type LocalStatus,
  type PolicyKind,
  type StatusNote,
  type UpdateEvent,
} from '../app/index.ts';
import type { Keychain } from '../oci/index.ts';
import { messageOf } from '../shared/index.ts';
import type { KeychainSource, ObjectOfRecord, ReconcilerDeps } from './ports.ts';
import { resultForError, results, type Reconciler, type Result } from './reconciler.ts';
import { commitStatus, resolvedFields, statusOf } from './status.ts';
import { announceUpdates, followUpdates, type FollowedUpdates } from './update-follow.ts';

/** What differs between the resolving kinds. */
export interface ResolvingKind<K extends PolicyKind> {
  kind: K;
  /**
   * Reads the images (each spec image in `pins` is read at the reference given there: the digest
   * its update policy recorded); resolves to the status fields on success (e.g. `{ buildpacks }`)
   * and a condition to add, if any.
   */
  resolve(
    object: Resource<K>,
    keychain: Keychain,
    pins: ReadonlyMap<string, string>,
    signal?: AbortSignal,
  ): Promise<{ fields: Record<string, unknown>; note?: StatusNote }>;
}

/** The message of an object whose spec does not fit its schema (a permanent failure until it changes). */
export const invalidMessage = (kind: KindName, problems: readonly string[]): string => `invalid ${kind}: ${problems.join('; ')}`;

/** The reason of Ready False when a registry refused the resource's credentials (401/403). */
export const credentialsFailedReason = 'CredentialsFailed';

/**
 * Ready's reason and the message's lead for a failure: a credential refusal names the ServiceAccount
 * and its Secrets (never their content), so the fix is clear from `kubectl get -o yaml` alone.
 */
export async function describeFailure(
  error: unknown,
  ref: CredentialRef,
  keychains: KeychainSource,
  refusedOwnCredentials: (error: unknown) => boolean = isCredentialFailure,
): Promise<{ reason?: string; lead: string }> {
  if (!refusedOwnCredentials(error)) return { lead: '' };
  const secrets = (await keychains.secretsOf?.(ref).catch(() => undefined)) ?? [];
  return { reason: credentialsFailedReason, lead: `the registry refused the credentials of ${credentialSourceName(ref, secrets)}: ` };
}

interface Attempt {
  status: LocalStatus;
  result: Result;
  failure?: string;
}

/** Builds the reconciler for one resolving kind. */
export function resolvingReconciler<K extends PolicyKind>(kind: ResolvingKind<K>, deps: ReconcilerDeps): Reconciler {
  // What the canary builder reads while a canary policy holds updates; a failure here only leaves the canary out.
  const canaryFields = async (object: Resource<K>, keychain: Keychain, updates: FollowedUpdates, signal?: AbortSignal): Promise<Record<string, unknown>> => {
    if (!updates.canaryPins) return {};
    try {
      // A compact canary view keeps `compacted`: the canary builder then stays on the digests in use (builder-inputs.ts).
      return { canary: (await kind.resolve(object, keychain, updates.canaryPins, signal)).fields };
    } catch (error) {
      deps.logger.warn('canary read failed', { kind: kind.kind, name: object.metadata.name, error: messageOf(error) });
      return {};
    }
  };

  const attempt = async (object: Resource<K>, updates: FollowedUpdates, signal?: AbortSignal): Promise<Attempt> => {
    const ref = credentialRefOf(object);
    try {
      const keychain = await deps.keychains.keychainFor(ref);
      const { fields, note } = await kind.resolve(object, keychain, updates.pins, signal);
      const all = { ...fields, ...(await canaryFields(object, keychain, updates, signal)) };
      return { status: readyStatus(object.metadata, deps.clock, all, note ? [note] : []), result: results.done };
    } catch (error) {
      const previous = resolvedFields(statusOf(object));
      const kept = Object.keys(previous).length > 0;
      const { reason, lead } = await describeFailure(error, ref, deps.keychains);
      const failure = `${lead}${messageOf(error)}`;
      // D-b: dependents keep working from the retained fields; the message makes the staleness visible.
      const message = kept ? `${failure}\n(the last resolved status is kept until a read succeeds)` : failure;
      return { status: { ...previous, ...failedStatus(object.metadata, deps.clock, message, reason) }, result: resultForError(error), failure };
    }
  };

  // Permanent until the object changes: no retry, and the status says what to fix.
  const invalidAttempt = (message: string, metadata: { generation?: number }): Attempt => ({
    status: failedStatus(metadata, deps.clock, message),
    result: results.done,
    failure: message,
  });

  const announce = async (object: ObjectOfRecord, outcome: Attempt, applied: readonly UpdateEvent[]): Promise<void> => {
    if (outcome.failure !== undefined) await deps.events.record(kind.kind, object, { type: 'Warning', reason: 'ReadFailed', message: outcome.failure });
    await announceUpdates(kind.kind, object, applied, deps);
  };

  return {
    async reconcile(key, signal) {
      const object = deps.cache.get(kind.kind, key);
      if (!object || object.metadata.deletionTimestamp) return results.done;
      const logger = deps.logger.child({ kind: kind.kind, key });
      const updates = followUpdates(object);
      const outcome = isInvalid(object) ? invalidAttempt(invalidMessage(kind.kind, object.problems), object.metadata) : await attempt(object, updates, signal);
      try {
        const written = await commitStatus(deps.status, kind.kind, object, (current) => updates.status(outcome.status, current));
        if (written) await announce(object, outcome, updates.events);
        if (written) logger.info(outcome.failure === undefined ? 'resolved' : 'read failed', outcome.failure === undefined ? {} : { error: outcome.failure });
      } catch (error) {
        logger.warn('status write failed', { error: messageOf(error) });
        return resultForError(error);
      }
      return outcome.result;
    },
  };
}
