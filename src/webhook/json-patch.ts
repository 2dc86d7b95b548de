/**
 * RFC 6902 JSON Patch between two JSON values, as a mutating admission webhook returns it. Objects
 * are compared key by key; an array that differs is replaced whole (defaults never reorder lists,
 * and a whole replacement cannot be misapplied).
 */
import { isJsonObject, type JsonObject } from '../shared/index.ts';

/** One JSON Patch operation. */
export type JsonPatchOperation = { op: 'add' | 'replace'; path: string; value: unknown } | { op: 'remove'; path: string };

/** A JSON Pointer segment with `~` and `/` escaped (RFC 6901). */
export function escapePointer(segment: string): string {
  return segment.replaceAll('~', '~0').replaceAll('/', '~1');
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function diffObjects(before: JsonObject, after: JsonObject, path: string, out: JsonPatchOperation[]): void {
  for (const key of Object.keys(before)) {
    if (before[key] !== undefined && after[key] === undefined) out.push({ op: 'remove', path: `${path}/${escapePointer(key)}` });
  }
  for (const [key, value] of Object.entries(after)) {
    if (value === undefined) continue;
    const childPath = `${path}/${escapePointer(key)}`;
    const old = before[key];
    if (old === undefined) out.push({ op: 'add', path: childPath, value });
    else if (isJsonObject(old) && isJsonObject(value)) diffObjects(old, value, childPath, out);
    else if (!sameJson(old, value)) out.push({ op: 'replace', path: childPath, value });
  }
}

/**
 * The operations that turn `before` into `after`, both JSON objects (keys whose value is
 * `undefined` count as absent). Empty when they are equal.
 */
export function createJsonPatch(before: JsonObject, after: JsonObject): JsonPatchOperation[] {
  const out: JsonPatchOperation[] = [];
  diffObjects(before, after, '', out);
  return out;
}
