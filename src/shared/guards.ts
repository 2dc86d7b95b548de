/**
 * Narrowing for values whose type is not known yet: parsed JSON and thrown errors. Each guard checks
 * at run time what its signature promises, so callers read typed fields without casts.
 */

/** A plain JSON object: not null, not an array. */
export type JsonObject = Record<string, unknown>;

/** True for a non-null object that is not an array (what JSON.parse gives for `{…}`). */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The string `code` of a thrown value (Node's `ENOENT`, undici's `UND_ERR_…`); undefined when it has none. */
export function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}

/** True when a file-system call failed because the path does not exist. */
export function isNotFoundError(error: unknown): boolean {
  return errorCode(error) === 'ENOENT';
}

/** The thrown value as an Error, wrapping anything else (a string, a number) so it can be a cause or a stream error. */
export function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/** `Array.isArray` without its `any[]`: the items still need checking. */
export function isArray(value: unknown): value is readonly unknown[] {
  return Array.isArray(value);
}

/**
 * A chunk of a byte stream, checked: Node's Readable and undici's bodies type their chunks as `any`.
 * Buffers are Uint8Arrays, so nothing is copied; a string chunk (a stream with an encoding) is a bug.
 */
export function byteChunk(chunk: unknown): Uint8Array {
  if (chunk instanceof Uint8Array) return chunk;
  throw new TypeError(`expected a chunk of bytes from the stream, got ${typeof chunk}`);
}

/** The port of a listening TCP server, from its `address()`; a pipe's path or a server not listening is a bug. */
export function listeningPort(address: string | { port: number } | null): number {
  if (address === null || typeof address === 'string')
    throw new TypeError(`expected a server listening on a TCP port, got ${address === null ? 'none' : `pipe ${address}`}`);
  return address.port;
}
