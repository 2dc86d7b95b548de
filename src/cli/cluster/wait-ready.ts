/**
 * Waits, as kp does after a create or patch, until the controller has reconciled the object's
 * current generation and decided whether it is Ready: `status.observedGeneration` has caught up
 * with `metadata.generation` and the Ready condition is True or False.
 */
import { commonStatus } from './object-fields.ts';
import type { ClusterKind, KubeObject, ObjectClient } from './port.ts';
import type { Condition } from '../../api/index.ts';
import { sleep } from '../../shared/index.ts';
import { CliError } from '../errors.ts';
import { conditionOf, readyCondition } from './conditions.ts';

/** Which object to wait for and for how long. */
export interface WaitRequest {
  kind: ClusterKind;
  name: string;
  namespace?: string | undefined;
  timeoutMs: number;
  /** Time between reads (default 500 ms). */
  intervalMs?: number;
}

// kpack's builder without an image says only "Builder has no latestImage" in Ready; the reason is in
// UpToDate, so it is added (packsmith's Ready message already ends with it).
function notReadyMessage(object: KubeObject, ready: Condition): string {
  const message = ready.message ?? 'no message';
  const upToDate = conditionOf(object, 'UpToDate');
  return upToDate?.status === 'False' && upToDate.message && !message.endsWith(upToDate.message) ? `${message}: ${upToDate.message}` : message;
}

function reconciled(object: KubeObject): boolean {
  const observed = commonStatus(object)?.observedGeneration ?? 0;
  const ready = readyCondition(object)?.status;
  return observed >= (object.metadata.generation ?? 0) && (ready === 'True' || ready === 'False');
}

/** Resolves with the reconciled object when Ready is True; a CliError when it is False or time runs out. */
export async function waitUntilReconciled(objects: ObjectClient, request: WaitRequest): Promise<KubeObject> {
  const deadline = Date.now() + request.timeoutMs;
  const { kind } = request;
  for (;;) {
    const object = await objects.get({ kind, name: request.name, ...(request.namespace ? { namespace: request.namespace } : {}) });
    if (reconciled(object)) {
      const ready = readyCondition(object);
      if (ready?.status === 'False') throw new CliError(`${request.kind} "${request.name}" not ready: ${notReadyMessage(object, ready)}`);
      return object;
    }
    if (Date.now() >= deadline) {
      throw new CliError(
        `timed out waiting for ${request.kind} "${request.name}" to be reconciled; is the packsmith controller running? (see --wait-timeout, --no-wait)`,
      );
    }
    await sleep(request.intervalMs ?? 500);
  }
}
