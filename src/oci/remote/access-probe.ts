/**
 * Asking a registry what a credential may do, without changing anything: read is a HEAD of the
 * manifest; push is a HEAD with the push scope (so a token server is asked for push), then a blob
 * upload session that is opened and at once cancelled with DELETE. No blob, manifest or tag is
 * written. Failures are the transport's RegistryErrors.
 */
import type { RegistryResponse } from './http-exchange.ts';
import type { IoOptions } from '../image.ts';
import { identifierOf, type Reference } from '../reference.ts';
import { pushScope } from './challenge.ts';
import { RegistryError } from './errors.ts';
import { headManifestDescriptor } from './manifest-fetch.ts';
import type { RegistryTransport } from './transport.ts';

/** What a read probe found: the manifest exists, or the registry answered 404 (the credentials were accepted). */
export type ReadProbe = 'found' | 'not-found';

/**
 * What a push probe found: allowed (`cancelled` false when the registry kept the empty session; it
 * expires on its own), or refused at the upload although the tag could be read: the credentials
 * are valid but may not push (a token server that granted pull only answers 401, others 403).
 */
export type PushProbe = { allowed: true; cancelled: boolean } | { allowed: false; refusal: RegistryError };

/** HEAD of `ref`'s manifest with pull scope. */
export async function probeRead(ref: Reference, options: IoOptions & { transport: RegistryTransport }): Promise<ReadProbe> {
  const context = { transport: options.transport, registry: ref.registry, repository: ref.repository, signal: options.signal };
  const descriptor = await headManifestDescriptor(context, identifierOf(ref));
  return descriptor === undefined ? 'not-found' : 'found';
}

/** HEAD of the tag with push scope, then a blob upload opened (POST) and cancelled (DELETE). */
export async function probePush(ref: Reference, options: IoOptions & { transport: RegistryTransport }): Promise<PushProbe> {
  const { transport, signal } = options;
  const scopes = [pushScope(ref.repository)];
  const head = await transport.request({
    registry: ref.registry,
    method: 'HEAD',
    path: `/v2/${ref.repository}/manifests/${identifierOf(ref)}`,
    scopes,
    expect: [200, 404],
    signal,
  });
  await head.arrayBuffer();
  const start = new URL(`/v2/${ref.repository}/blobs/uploads/`, await transport.baseUrl(ref.registry));
  let opened: RegistryResponse;
  try {
    opened = await transport.request({
      registry: ref.registry,
      method: 'POST',
      path: start,
      scopes,
      expect: [202],
      headers: { 'Content-Length': '0' },
      retry: false,
      signal,
    });
  } catch (error) {
    if (error instanceof RegistryError && error.isAuthFailure) return { allowed: false, refusal: error };
    throw error;
  }
  await opened.arrayBuffer();
  const location = opened.headers.get('location');
  if (location === null) return { allowed: true, cancelled: false };
  const cancelled = await transport.request({
    registry: ref.registry,
    method: 'DELETE',
    path: new URL(location, start),
    scopes,
    // 204 is the distribution spec's answer; some registries do not implement cancelling (405, 404).
    expect: [200, 202, 204, 404, 405],
    retry: false,
    signal,
  });
  await cancelled.arrayBuffer();
  return { allowed: true, cancelled: cancelled.status < 300 };
}
