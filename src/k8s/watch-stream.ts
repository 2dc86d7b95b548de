/**
 * A watch request read as newline-delimited JSON events. Unlike client-node's Watch there is no 30 s
 * inactivity abort: the server ends the stream after `timeoutSeconds`, and the informer starts the next one. An
 * ERROR event carries a Status; its code becomes the AppError (410 → GoneError).
 */
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import type { KubeConfig } from '@kubernetes/client-node';
import type { Response } from 'undici';
import { kubeObjectOf } from '../api/index.ts';
import { isAppError, isJsonObject } from '../shared/index.ts';
import { KubeApiError } from './errors.ts';
import type { WatchHandle, WatchRequest } from './client.ts';
import { describeObject, resourcePath } from './paths.ts';
import { errorForStatus, sendRequest } from './rest.ts';
import type { WatchEventType } from './types.ts';

const eventTypes: readonly WatchEventType[] = ['ADDED', 'MODIFIED', 'DELETED', 'BOOKMARK'];
const isEventType = (value: unknown): value is WatchEventType => eventTypes.some((type) => type === value);

/**
 * Server-side lifetime of one watch: 4 to almost 5 minutes, spread so informers do not restart
 * together, and below undici's 5-minute body timeout so a quiet watch ends cleanly instead of failing.
 */
function watchTimeoutSeconds(): string {
  return String(240 + Math.floor(Math.random() * 50));
}

/** Opens a watch; resolves once the server answered 200. */
export async function openWatch(config: KubeConfig, request: WatchRequest): Promise<WatchHandle> {
  const abort = new AbortController();
  const onOuterAbort = (): void => abort.abort();
  request.signal?.addEventListener('abort', onOuterAbort, { once: true });
  const what = describeObject(request);
  let response: Response;
  try {
    response = await sendRequest(config, {
      method: 'GET',
      path: resourcePath(request),
      query: {
        watch: 'true',
        resourceVersion: request.resourceVersion,
        allowWatchBookmarks: String(request.allowBookmarks ?? true),
        timeoutSeconds: watchTimeoutSeconds(),
      },
      signal: abort.signal,
      what: `watch ${what}`,
    });
  } catch (error) {
    // A failed attempt must not leave its listener on the informer's long-lived signal.
    request.signal?.removeEventListener('abort', onOuterAbort);
    throw error;
  }
  if (response.body === null) throw new KubeApiError(`watch ${what}: empty response`);
  const input = Readable.fromWeb(response.body);
  // Errors surface through the line iterator below; this listener only keeps a late abort quiet.
  input.on('error', () => undefined);
  const lines = createInterface({ input, crlfDelay: Infinity });
  const done = (async (): Promise<void> => {
    try {
      for await (const line of lines) handleLine(line, request, what);
    } catch (error) {
      if (abort.signal.aborted) return;
      throw isAppError(error) ? error : new KubeApiError(`watch ${what}: stream failed`, { cause: error });
    } finally {
      request.signal?.removeEventListener('abort', onOuterAbort);
      lines.close();
      input.destroy();
    }
  })();
  // The informer observes `done`; this keeps an unobserved rejection from crashing the process.
  done.catch(() => undefined);
  return { stop: () => abort.abort(), done };
}

function handleLine(line: string, request: WatchRequest, what: string): void {
  if (line.trim() === '') return;
  const event: unknown = JSON.parse(line);
  if (!isJsonObject(event)) return;
  if (event.type === 'ERROR') {
    const status = isJsonObject(event.object) ? event.object : {};
    const code = typeof status.code === 'number' ? status.code : 500;
    throw errorForStatus(code, `watch ${what}`, typeof status.message === 'string' ? status.message : '');
  }
  const object = kubeObjectOf(event.object);
  if (!isEventType(event.type) || object === undefined) return;
  request.onEvent({ type: event.type, object });
}
