/**
 * JSON merge patches (RFC 7386) computed from the object as read and the object as wanted, so a
 * patch sends only what changed and removes what the user dropped (as null).
 */

import { isJsonObject, type JsonObject } from '../../shared/index.ts';

type Json = unknown;

/** The merge patch that turns `before` into `after`; undefined when they are equal. */
export function mergePatchOf(before: Json, after: Json): Json {
  if (!isJsonObject(before) || !isJsonObject(after)) return JSON.stringify(before) === JSON.stringify(after) ? undefined : after;
  return objectPatchOf(before, after);
}

/** The merge patch between two objects, itself an object; undefined when they are equal. */
export function objectPatchOf(before: JsonObject, after: JsonObject): JsonObject | undefined {
  const patch: JsonObject = {};
  for (const key of Object.keys(before)) if (!(key in after)) patch[key] = null;
  for (const [key, value] of Object.entries(after)) {
    const change = changeOf(before, key, value);
    if (change !== undefined) patch[key] = change;
  }
  return Object.keys(patch).length === 0 ? undefined : patch;
}

function changeOf(before: JsonObject, key: string, value: Json): Json {
  if (value === undefined) return undefined;
  return key in before ? mergePatchOf(before[key], value) : value;
}
