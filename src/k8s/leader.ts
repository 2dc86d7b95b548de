/**
 * Leader election over a coordination.k8s.io/v1 Lease, as client-go does it: read the Lease, create
 * it when missing, take it over once the holder's renewTime + leaseDuration has passed, renew every
 * retry period and give up leadership when renewals fail for renewDeadline. A 409 on create or
 * replace means another candidate won the race. On shutdown the leader releases the Lease (empty
 * holder) so a standby takes over at once.
 */
import { InternalError, type Logger } from '../shared/index.ts';
import type { Clock } from './clock.ts';

/** The fields of a Lease the election uses (spec plus the object's resourceVersion). */
export interface LeaseRecord {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  /** RFC 3339 with microseconds, as the API's MicroTime. */
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
  /** The Lease object's resourceVersion; replace fails with ConflictError if it is stale. */
  resourceVersion?: string;
}

/** Storage of one named Lease; the Kubernetes implementation is `createLeaseClient`. */
export interface LeaseClient {
  /** The Lease, or undefined when it does not exist. */
  read(namespace: string, name: string): Promise<LeaseRecord | undefined>;
  /** Creates the Lease; ConflictError if it already exists. */
  create(namespace: string, name: string, lease: LeaseRecord): Promise<LeaseRecord>;
  /** Replaces the Lease guarded by `lease.resourceVersion`; ConflictError if it changed. */
  replace(namespace: string, name: string, lease: LeaseRecord): Promise<LeaseRecord>;
}

/** Options of `createLeaderElector`. */
export interface LeaderElectorOptions {
  leases: LeaseClient;
  namespace: string;
  name: string;
  /** This candidate's unique identity (e.g. pod name + random suffix). */
  identity: string;
  /** How long a Lease is valid without renewal (default 15 s). */
  leaseDurationMs?: number;
  /** How long the leader keeps trying to renew before it steps down (default 10 s). */
  renewDeadlineMs?: number;
  /** Pause between attempts to acquire or renew (default 2 s). */
  retryPeriodMs?: number;
  /** Runs once leadership is gained; `signal` aborts when it is lost or the elector stops. */
  onStartedLeading(signal: AbortSignal): void;
  /** Runs once leadership is lost or released (only after onStartedLeading). */
  onStoppedLeading?(): void;
  clock?: Clock;
  logger?: Logger;
}

/** A running candidate. */
export interface LeaderElector {
  /** Campaigns until `signal` aborts; releases the Lease if leading, then resolves. */
  run(signal: AbortSignal): Promise<void>;
  /** True while this candidate holds the Lease. */
  isLeader(): boolean;
}

/** Creates a candidate; nothing happens until `run`. */
export function createLeaderElector(options: LeaderElectorOptions): LeaderElector {
  throw new InternalError(`leader election for ${options.name} not implemented yet`);
}
