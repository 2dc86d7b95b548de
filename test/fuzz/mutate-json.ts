/**
 * Helpers for structured fuzzing: take a valid JSON document and replace one value (at any depth,
 * creating objects on the way), so generated inputs stay close enough to valid to reach the deeper
 * checks of a parser.
 */
import fc from 'fast-check';

/** A path of object keys and array indexes. */
export type JsonPath = readonly (string | number)[];

/** `doc` with the value at `path` replaced, as a new plain value (`doc` is not changed). */
export function replaceAt(doc: unknown, path: JsonPath, value: unknown): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path;
  // A string key on an array turns it into an object (an array's `length` cannot take any value).
  const asArray = Array.isArray(doc) && typeof head === 'number';
  const copy = (asArray ? [...(doc as unknown[])] : { ...(typeof doc === 'object' && doc !== null ? doc : {}) }) as Record<string | number, unknown>;
  // defineProperty, so that a `__proto__` key becomes an own field instead of changing the prototype.
  Object.defineProperty(copy, head!, { value: replaceAt(copy[head!], rest, value), enumerable: true, writable: true, configurable: true });
  return copy;
}

/** The paths of every object and array inside `doc` (the root included). */
export function containerPaths(doc: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (typeof doc !== 'object' || doc === null) return [];
  const entries: [string | number, unknown][] = Array.isArray(doc) ? doc.map((v, i) => [i, v]) : Object.entries(doc);
  return [prefix, ...entries.flatMap(([k, v]) => containerPaths(v, [...prefix, k]))];
}

/** Values that tend to break parsers: arbitrary JSON plus a few chosen strings. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom('', '*', '0.x', '999999999999999999999.1', '../../etc', 'sha256:', `sha256:${'z'.repeat(64)}`, '\u0000', '__proto__', null, -1, 1e308),
);

/** `valid` with one field of one of its objects added or replaced by a hostile value. */
export function mutatedDocument(valid: unknown): fc.Arbitrary<unknown> {
  const key = fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('__proto__', 'constructor', 'toString'), fc.nat({ max: 3 }));
  return fc.tuple(fc.constantFrom(...containerPaths(valid)), key, hostileValue).map(([path, k, value]) => replaceAt(valid, [...path, k], value));
}
