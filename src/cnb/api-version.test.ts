import { describe, expect, it } from 'vitest';
import { allApiVersions, apiSatisfies, compareApiVersions, formatApiVersion, isApiAtLeast, isSupported, parseApiVersion } from './api-version.ts';

describe('parseApiVersion', () => {
  it.each([
    ['0.10', { major: 0, minor: 10 }],
    ['v0.7', { major: 0, minor: 7 }],
    ['1', { major: 1, minor: 0 }],
    ['2.3', { major: 2, minor: 3 }],
  ])('parses %s', (text, expected) => {
    expect(parseApiVersion(text)).toEqual(expected);
  });

  it.each(['', '0.', '.1', '0.1.2', 'x', ' 0.1', '0.1 ', '-1', '1e3', '0.1-rc'])('rejects %j', (text) => {
    expect(parseApiVersion(text)).toBeNull();
  });

  it('round-trips through formatApiVersion', () => {
    expect(formatApiVersion(parseApiVersion('v0.12')!)).toBe('0.12');
  });
});

describe('compareApiVersions', () => {
  it('orders numerically, not as strings', () => {
    const sorted = ['0.10', '0.9', '1', '0.2', '0.15']
      .map((t) => parseApiVersion(t)!)
      .sort(compareApiVersions)
      .map(formatApiVersion);
    expect(sorted).toEqual(['0.2', '0.9', '0.10', '0.15', '1.0']);
  });
});

describe('isApiAtLeast', () => {
  it.each([
    ['0.7', '0.7', true],
    ['0.10', '0.7', true],
    ['0.6', '0.7', false],
    ['0.5', '0.5', true],
    ['0.4', '0.5', false],
    ['garbage', '0.5', false],
  ] as const)('%s >= %s is %s', (api, floor, expected) => {
    expect(isApiAtLeast(api, floor)).toBe(expected);
  });
});

describe('isSupported', () => {
  const apis = { deprecated: ['0.2'], supported: ['0.3', '0.10', '1.2'] };
  it.each([
    ['0.2', true],
    ['0.3', true],
    ['0.10', true],
    ['0.1', false],
    ['0.4', false],
    ['0.9', false],
    ['1.0', true],
    ['1', true],
    ['1.2', true],
    ['1.3', false],
    ['2.0', false],
  ] as const)('%s is supported: %s', (api, expected) => {
    expect(isSupported(api, apis)).toBe(expected);
  });

  it('treats missing lists as supporting nothing', () => {
    expect(isSupported('0.3', undefined)).toBe(false);
    expect(isSupported('0.3', {})).toBe(false);
  });

  it('matches unparseable text only literally', () => {
    expect(apiSatisfies('weird', 'weird')).toBe(true);
    expect(apiSatisfies('weird', '0.3')).toBe(false);
  });

  it('lists deprecated before supported', () => {
    expect(allApiVersions(apis)).toEqual(['0.2', '0.3', '0.10', '1.2']);
  });
});
