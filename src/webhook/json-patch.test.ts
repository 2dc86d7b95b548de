import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createJsonPatch, escapePointer, type JsonPatchOperation } from './json-patch.ts';

/** A small RFC 6902 applier for the operations createJsonPatch emits (add, replace, remove on objects). */
function applyPatch(document: Record<string, unknown>, operations: readonly JsonPatchOperation[]): Record<string, unknown> {
  const out = structuredClone(document);
  for (const operation of operations) {
    const keys = operation.path
      .split('/')
      .slice(1)
      .map((k) => k.replaceAll('~1', '/').replaceAll('~0', '~'));
    const last = keys.pop()!;
    let target = out;
    for (const key of keys) target = target[key] as Record<string, unknown>;
    if (operation.op === 'remove') delete target[last];
    else target[last] = operation.value;
  }
  return out;
}

describe('createJsonPatch', () => {
  it('adds, replaces and removes nested keys, ignoring undefined', () => {
    const ops = createJsonPatch({ a: 1, b: { c: 2, d: 3 }, gone: 1 }, { a: 1, b: { c: 5, e: 'x' }, gone: undefined, list: [1] });
    expect(ops).toEqual([
      { op: 'remove', path: '/gone' },
      { op: 'remove', path: '/b/d' },
      { op: 'replace', path: '/b/c', value: 5 },
      { op: 'add', path: '/b/e', value: 'x' },
      { op: 'add', path: '/list', value: [1] },
    ]);
  });

  it('escapes ~ and / in keys (RFC 6901)', () => {
    expect(escapePointer('a/b~c')).toBe('a~1b~0c');
    expect(createJsonPatch({ metadata: {} }, { metadata: { 'kpack.io/x~y': 'v' } })).toEqual([{ op: 'add', path: '/metadata/kpack.io~1x~0y', value: 'v' }]);
  });

  it('produces a patch that turns before into after (property)', () => {
    const json = fc.dictionary(
      fc.string({ maxLength: 4 }),
      fc.oneof(fc.integer(), fc.string(), fc.dictionary(fc.string({ maxLength: 3 }), fc.integer()), fc.array(fc.integer())),
    );
    fc.assert(
      fc.property(json, json, (before, after) => {
        expect(applyPatch(before, createJsonPatch(before, after))).toEqual(after);
      }),
    );
  });
});
