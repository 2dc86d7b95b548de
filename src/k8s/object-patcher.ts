/**
 * Patches a cluster-scoped object of any API group (webhook configurations and CRDs: the webhook
 * publishes its CA bundle through this). The patch is described as plain data, so callers outside
 * this adapter never see the Kubernetes client.
 */
import { HttpMethod } from '@kubernetes/client-node';
import type { KubeConnection } from './config.ts';
import { sendRequest } from './rest.ts';

/** One patch of one cluster-scoped object. */
export interface ClusterObjectPatch {
  /** `group/version`, e.g. `admissionregistration.k8s.io/v1`. */
  apiVersion: string;
  /** Plural resource name, e.g. `validatingwebhookconfigurations`. */
  resource: string;
  name: string;
  contentType: 'application/strategic-merge-patch+json' | 'application/merge-patch+json';
  body: Record<string, unknown>;
}

/** Returns a function that applies one patch with `fieldManager` recorded. */
export function createClusterObjectPatcher(connection: KubeConnection, fieldManager = 'packsmith-webhook'): (patch: ClusterObjectPatch) => Promise<void> {
  return async (patch) => {
    const response = await sendRequest(connection.config, {
      method: HttpMethod.PATCH,
      path: `/apis/${patch.apiVersion}/${patch.resource}/${encodeURIComponent(patch.name)}`,
      query: { fieldManager },
      body: patch.body,
      contentType: patch.contentType,
      what: `${patch.resource} "${patch.name}"`,
    });
    await response.arrayBuffer();
  };
}
