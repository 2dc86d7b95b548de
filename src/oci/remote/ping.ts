/**
 * The `/v2/` ping that starts every conversation with a registry: it decides the scheme (HTTPS
 * first; plain HTTP only where the connection settings allow it, as go-containerregistry does) and
 * records the auth challenge (Basic or Bearer) the registry wants.
 */
import type { RegistryResponse } from './http-exchange.ts';
import { pickChallenge, type Challenge } from './challenge.ts';
import { RegistryError, responseError } from './errors.ts';

/** What a ping learned: the base URL to use and the challenge, if the registry wants credentials. */
export interface Endpoint {
  base: URL;
  challenge: Challenge | undefined;
  /** Taken from the content cache instead of a ping: a connection failure on it means ping again. */
  remembered?: boolean;
}

/**
 * GETs `/v2/` over each scheme in turn; the first that answers 200 or 401 decides. A connection
 * failure moves on to the next scheme; an unexpected status ends the ping with an error.
 */
export async function pingRegistry(schemes: readonly ('https' | 'http')[], registry: string, send: (url: URL) => Promise<RegistryResponse>): Promise<Endpoint> {
  let lastError: unknown;
  for (const scheme of schemes) {
    const base = new URL(`${scheme}://${registry}/`);
    let response: RegistryResponse;
    try {
      response = await send(new URL('/v2/', base));
    } catch (error) {
      lastError = error;
      continue;
    }
    if (response.status !== 200 && response.status !== 401) throw await pingError(base, response, lastError);
    const challenge = response.status === 401 ? pickChallenge(response.headers.get('www-authenticate')) : undefined;
    await discard(response);
    return { base, challenge };
  }
  throw lastError;
}

/**
 * The error for a ping answered with an unexpected status. After a failed HTTPS attempt the HTTPS
 * error explains more (a TLS registry whose CA is unknown answers plain HTTP with 400), so it leads.
 */
async function pingError(base: URL, response: RegistryResponse, httpsFailure: unknown): Promise<RegistryError> {
  const error = await responseError('GET', new URL('/v2/', base).href, response);
  if (!(httpsFailure instanceof RegistryError)) return error;
  return new RegistryError(`${httpsFailure.message}; plain HTTP answered ${error.status ?? ''} instead`, {
    status: httpsFailure.status,
    kind: httpsFailure.kind,
    cause: httpsFailure,
    method: 'GET',
    url: base.href,
  });
}

/** Reads and drops a small body so that its connection goes back to the pool. */
export async function discard(response: RegistryResponse): Promise<void> {
  try {
    await response.arrayBuffer();
  } catch {
    // A body that cannot be read has already lost its connection; nothing to give back.
  }
}
