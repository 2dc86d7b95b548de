/**
 * Reconciles Builders and ClusterBuilders (the scope is a parameter): records what the builder
 * depends on, gathers its inputs from the cache, calls `createBuilder` with kpack's keychain
 * routing, and writes the status (Ready and UpToDate). A failure keeps the previous image and
 * fields (Ready stays True when an image exists, UpToDate False with the reason). A Normal event
 * announces each new image digest; a Warning each new failure.
 */
import { credentialRefOf, isInvalid, type Resource } from '../api/index.ts';
import {
  builderFailure,
  builderResource,
  builderSuccess,
  createBuilder,
  declaredDependencies,
  gatherBuilderInputs,
  isBuilderPushRefusal,
  readyStatus,
  type BuilderOutcome,
  type LocalStatus,
} from '../app/index.ts';
import { messageOf, MissingDependencyError } from '../shared/index.ts';
import { expandedCacheLookup, type BuilderKind } from './builder-inputs.ts';
import { builderSigningKeys } from './builder-signing-keys.ts';
import type { ObjectOfRecord, ReconcilerDeps } from './ports.ts';
import { resultForError, results, type Reconciler, type Result } from './reconciler.ts';
import { describeFailure, invalidMessage } from './resolving.ts';
import { commitStatus, resolvedFields, statusOf } from './status.ts';

/** How long a builder waits before looking again at a dependency without a resolved status (its own change also enqueues it). */
export const dependencyWaitMs = 60_000;

interface Attempt {
  status: LocalStatus;
  result: Result;
  failure?: string;
  outcome?: BuilderOutcome;
}

/** kpack's failed-builder status: earlier fields kept; Ready True while an image exists. */
function failure(object: ObjectOfRecord, deps: ReconcilerDeps, message: string): LocalStatus {
  const previous = resolvedFields(statusOf(object));
  const failed = builderFailure(object.metadata, deps.clock, message);
  if (typeof previous.latestImage !== 'string' || previous.latestImage === '') return { ...previous, ...failed };
  // kpack: an earlier image is still usable, so Ready stays True (no reason); UpToDate says why not current.
  const [ready] = readyStatus(object.metadata, deps.clock, {}).conditions;
  return { ...previous, ...failed, conditions: [ready!, failed.conditions[1]!] };
}

function track(deps: ReconcilerDeps, object: Resource<BuilderKind>, outcome?: BuilderOutcome): void {
  if (!deps.tracker) return;
  const declared = declaredDependencies(builderResource(object));
  const used = (outcome?.sources ?? [])
    .filter((s) => s.kind !== 'ClusterStore')
    .map((s) => ({ kind: s.kind, name: s.name, ...(s.namespace ? { namespace: s.namespace } : {}) }));
  // Every id in the built image: a new version of a child of a meta-buildpack must rebuild too.
  const ids = new Set([...declared.buildpackIds, ...(outcome?.record.builderMetadata.map((b) => b.id) ?? [])]);
  const { name, namespace } = object.metadata;
  deps.tracker.setDependencies(
    { kind: object.kind, name, ...(namespace ? { namespace } : {}) },
    { objects: [...declared.objects, ...used], buildpackIds: [...ids] },
  );
}

async function attempt(object: Resource<BuilderKind>, deps: ReconcilerDeps, signal?: AbortSignal): Promise<Attempt> {
  try {
    const lookup = await expandedCacheLookup(object, deps, signal);
    const gathered = await gatherBuilderInputs(builderResource(object), lookup);
    if (!gathered.ok) {
      // A dependency that does not exist enqueues this builder when it is created; one without a resolved status is polled.
      throw new MissingDependencyError(gathered.problems, gathered.waitForEvent ? {} : { requeueAfterMs: dependencyWaitMs });
    }
    const signingKeys = await builderSigningKeys(object, deps.cosignSecrets);
    const io = { images: deps.images, clock: deps.clock, signal, ...(deps.generatedLayers ? { generatedLayers: deps.generatedLayers } : {}) };
    const outcome = await createBuilder({ ...gathered.input, signingKeys }, io);
    const canaryUpdates = lookup.canaryUpdates();
    const status = { ...builderSuccess(object.metadata, deps.clock, outcome.record), ...(canaryUpdates.length > 0 ? { canaryUpdates } : {}) };
    return { status, result: results.done, outcome };
  } catch (error) {
    // Only a refusal of the builder's own push names its credentials (app's BuilderPushError says which).
    const { lead } = await describeFailure(error, credentialRefOf(object), deps.keychains, isBuilderPushRefusal);
    const message = `${lead}${messageOf(error)}`;
    return { status: failure(object, deps, message), result: resultForError(error), failure: message };
  }
}

async function announce(kind: BuilderKind, object: ObjectOfRecord, deps: ReconcilerDeps, done: Attempt): Promise<void> {
  if (done.failure !== undefined) {
    await deps.events.record(kind, object, { type: 'Warning', reason: 'ReconcileFailed', message: done.failure });
    return;
  }
  const latest = done.outcome?.record.latestImage;
  if (latest && latest !== statusOf(object).latestImage) {
    await deps.events.record(kind, object, { type: 'Normal', reason: 'Built', message: `builder image ${latest}${done.outcome?.pushed ? ' pushed' : ''}` });
  }
}

/** Reconciles Builders (`scope: 'namespaced'`) or ClusterBuilders (`scope: 'cluster'`). */
export function builderReconciler(scope: 'namespaced' | 'cluster', deps: ReconcilerDeps): Reconciler {
  const kind = scope === 'namespaced' ? 'Builder' : 'ClusterBuilder';
  return {
    async reconcile(key, signal) {
      const object = deps.cache.get(kind, key);
      if (!object || object.metadata.deletionTimestamp) return results.done;
      const logger = deps.logger.child({ kind, key });
      let done: Attempt;
      if (isInvalid(object)) {
        const message = invalidMessage(kind, object.problems);
        done = { status: failure(object, deps, message), result: results.done, failure: message };
      } else {
        track(deps, object);
        done = await attempt(object, deps, signal);
        if (done.outcome) track(deps, object, done.outcome);
      }
      try {
        if (await commitStatus(deps.status, kind, object, done.status)) {
          await announce(kind, object, deps, done);
          logger.info(done.failure === undefined ? 'builder up to date' : 'builder failed', {
            latestImage: done.outcome?.record.latestImage,
            pushed: done.outcome?.pushed,
            error: done.failure,
          });
        }
      } catch (error) {
        logger.warn('status write failed', { error: messageOf(error) });
        return resultForError(error);
      }
      return done.result;
    },
  };
}
