import { describe, expect, it } from 'vitest';
import { asError, byteChunk, errorCode, isArray, isJsonObject, isNotFoundError } from './guards.ts';
import { isErrorKind } from './error-kind.ts';

describe('guards', () => {
  it('isJsonObject takes objects and refuses null, arrays and scalars', () => {
    expect([{}, { a: 1 }].map(isJsonObject)).toEqual([true, true]);
    expect([null, [], 'x', 1, undefined].map(isJsonObject)).toEqual([false, false, false, false, false]);
  });
  it('isArray is Array.isArray', () => {
    expect([[], [1]].map(isArray)).toEqual([true, true]);
    expect([{ length: 0 }, 'ab'].map(isArray)).toEqual([false, false]);
  });
  it('errorCode reads a string code only', () => {
    expect(errorCode(Object.assign(new Error('x'), { code: 'ENOENT' }))).toBe('ENOENT');
    expect(errorCode({ code: 42 })).toBeUndefined();
    expect(errorCode('ENOENT')).toBeUndefined();
    expect(isNotFoundError(Object.assign(new Error('x'), { code: 'ENOENT' }))).toBe(true);
    expect(isNotFoundError(Object.assign(new Error('x'), { code: 'EACCES' }))).toBe(false);
  });
  it('asError keeps errors and wraps anything else', () => {
    const error = new TypeError('t');
    expect(asError(error)).toBe(error);
    expect(asError('boom').message).toBe('boom');
  });
  it('byteChunk passes bytes through uncopied and refuses text', () => {
    const buffer = Buffer.from('ab');
    expect(byteChunk(buffer)).toBe(buffer);
    const bytes = new Uint8Array([1]);
    expect(byteChunk(bytes)).toBe(bytes);
    expect(() => byteChunk('ab')).toThrow('expected a chunk of bytes from the stream, got string');
  });
  it('isErrorKind knows exactly the kind names', () => {
    expect(['transient', 'permanent', 'cancelled'].every(isErrorKind)).toBe(true);
    expect(['retry', '', 3].some(isErrorKind)).toBe(false);
  });
});
