import { describe, expect, it } from 'vitest';
import { forceDeleteAnnotation } from '../../webhook/index.ts';
import { deleteResource } from './delete-resource.ts';
import type { ObjectClient } from './port.ts';

/** An ObjectClient that records the writes it is asked for, in order. */
function recordingClient(): { client: ObjectClient; calls: string[] } {
  const calls: string[] = [];
  const unused = (): Promise<never> => Promise.reject(new Error('not used'));
  const client: ObjectClient = {
    server: 'https://kube.test',
    get: unused,
    find: unused,
    list: unused,
    create: unused,
    patch: async (request) =>
      Promise.resolve(void calls.push(`patch ${request.kind}/${request.name} ${JSON.stringify(request.patch)}`)).then(() => ({
        metadata: { name: request.name },
      })),
    delete: async (request) => Promise.resolve(void calls.push(`delete ${request.kind}/${request.name}`)),
  };
  return { client, calls };
}

describe('deleteResource', () => {
  it('deletes alone without force', async () => {
    const { client, calls } = recordingClient();
    await deleteResource(client, { kind: 'ClusterStack', name: 'base' }, { force: false });
    expect(calls).toEqual(['delete ClusterStack/base']);
  });

  it('sets the force annotation first with force, so the in-use check lets it go', async () => {
    const { client, calls } = recordingClient();
    await deleteResource(client, { kind: 'Buildpack', namespace: 'team', name: 'node' }, { force: true });
    expect(calls).toEqual([`patch Buildpack/node {"metadata":{"annotations":{"${forceDeleteAnnotation}":"true"}}}`, 'delete Buildpack/node']);
  });
});
