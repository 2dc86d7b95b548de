import { describe, expect, it } from 'vitest';
import { mergeScopes, parseWwwAuthenticate, pullScope, pushScope } from './challenge.ts';

describe('parseWwwAuthenticate', () => {
  it('reads a Bearer challenge whose scope contains commas', () => {
    expect(parseWwwAuthenticate('Bearer realm="http://127.0.0.1:5010/token",service="test-registry",scope="repository:test/img:pull,push"')).toEqual([
      { scheme: 'bearer', params: { realm: 'http://127.0.0.1:5010/token', service: 'test-registry', scope: 'repository:test/img:pull,push' } },
    ]);
  });

  it('reads Basic, unquoted values, escapes and several challenges', () => {
    expect(parseWwwAuthenticate('Basic realm="test-realm"')).toEqual([{ scheme: 'basic', params: { realm: 'test-realm' } }]);
    expect(parseWwwAuthenticate('Negotiate, Basic realm=x, Bearer realm="a\\"b", error=invalid_token')).toEqual([
      { scheme: 'negotiate', params: {} },
      { scheme: 'basic', params: { realm: 'x' } },
      { scheme: 'bearer', params: { realm: 'a"b', error: 'invalid_token' } },
    ]);
  });

  it('survives empty and malformed input', () => {
    expect(parseWwwAuthenticate('')).toEqual([]);
    expect(parseWwwAuthenticate('Bearer realm="unterminated')).toEqual([{ scheme: 'bearer', params: { realm: 'unterminated' } }]);
  });
});

describe('mergeScopes', () => {
  it('unions actions per repository and sorts', () => {
    expect(mergeScopes([pullScope('b/src'), pushScope('a/dst'), pullScope('a/dst'), 'repository:b/src:pull', 'registry:catalog:*'])).toEqual([
      'registry:catalog:*',
      'repository:a/dst:pull,push',
      'repository:b/src:pull',
    ]);
  });

  it('keeps a repository name that contains a port-like colon intact', () => {
    expect(mergeScopes(['repository:x:push', 'repository:x:pull'])).toEqual(['repository:x:pull,push']);
  });
});
