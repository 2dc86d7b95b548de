/**
 * The statuses the controller writes, built for local mode: `observedGeneration` (the resource's
 * generation, 1 for a file), Ready (and UpToDate for builders) conditions in kpack's shape, and
 * the resolved fields on success only.
 */
import type { BuilderRecord } from './builder-record.ts';
import type { Clock } from './ports.ts';

/** A status condition as Kubernetes writes it. */
export interface LocalCondition {
  type: string;
  status: 'True' | 'False';
  lastTransitionTime: string;
  reason?: string;
  message?: string;
}

/** A status: generation and conditions plus the kind's resolved fields. */
export type LocalStatus = { observedGeneration: number; conditions: LocalCondition[] } & Record<string, unknown>;

function condition(clock: Clock, type: string, ok: boolean, details: { reason?: string; message?: string } = {}): LocalCondition {
  // Kubernetes times have whole seconds.
  const time = new Date(clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return { type, status: ok ? 'True' : 'False', lastTransitionTime: time, ...details };
}

const generationOf = (resource: { generation?: number }): number => resource.generation ?? 1;

/** Ready True with the resolved fields, and any further conditions (a store status that had to be compacted). */
export function readyStatus(
  resource: { generation?: number },
  clock: Clock,
  fields: Record<string, unknown>,
  notes: ReadonlyArray<{ type: string; ok: boolean; reason: string; message: string }> = [],
): LocalStatus {
  const extra = notes.map((n) => condition(clock, n.type, n.ok, { reason: n.reason, message: n.message }));
  return { observedGeneration: generationOf(resource), conditions: [condition(clock, 'Ready', true), ...extra], ...fields };
}

/** Ready False with the message (and a reason such as `CredentialsFailed`); no resolved fields (there was no earlier success to keep). */
export function failedStatus(resource: { generation?: number }, clock: Clock, message: string, reason?: string): LocalStatus {
  return { observedGeneration: generationOf(resource), conditions: [condition(clock, 'Ready', false, { message, ...(reason ? { reason } : {}) })] };
}

/** A built builder: Ready and UpToDate True, and kpack's builder status fields. */
export function builderSuccess(resource: { generation?: number }, clock: Clock, record: BuilderRecord): LocalStatus {
  return { observedGeneration: generationOf(resource), conditions: [condition(clock, 'Ready', true), condition(clock, 'UpToDate', true)], ...record };
}

/**
 * A failed builder without an earlier image: kpack's NoLatestImage and ReconcileFailed conditions.
 * Ready's message keeps kpack's words first and adds the cause, so `kubectl get` and kp show why.
 */
export function builderFailure(resource: { generation?: number }, clock: Clock, message: string): LocalStatus {
  return {
    observedGeneration: generationOf(resource),
    conditions: [
      condition(clock, 'Ready', false, { reason: 'NoLatestImage', message: `Builder has no latestImage: ${message}` }),
      condition(clock, 'UpToDate', false, { reason: 'ReconcileFailed', message }),
    ],
  };
}
