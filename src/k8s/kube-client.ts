/**
 * KubeClient and LeaseClient over the API server's REST interface, authenticated and TLS-configured by
 * client-node's KubeConfig.
 */
import { InternalError } from '../shared/index.ts';
import type { KubeClient } from './client.ts';
import type { KubeConnection } from './config.ts';
import type { LeaseClient } from './leader.ts';

/** Options of `createKubeClient`. */
export interface KubeClientOptions {
  /** Field manager recorded for status patches (default `packsmith-controller`). */
  fieldManager?: string;
}

/** A KubeClient talking to the server of `connection`. */
export function createKubeClient(connection: KubeConnection, options: KubeClientOptions = {}): KubeClient {
  throw new InternalError(`client for ${connection.server} not implemented yet (${Object.keys(options).length})`);
}

/** A LeaseClient over coordination.k8s.io/v1 on the server of `connection`. */
export function createLeaseClient(connection: KubeConnection): LeaseClient {
  throw new InternalError(`lease client for ${connection.server} not implemented yet`);
}
